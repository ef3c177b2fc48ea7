import { AirlockError } from '../errors.ts';

// lib/sigstore reports fields of the Sigstore bundle that an attestation was
// converted to; the user only ever saw the attestation. This maps those fields
// back to the attestation's own (under its pointer in a provenance), keeping
// the original error as cause.

const BUNDLE_TO_ATTESTATION: Array<[RegExp, string]> = [
  [/^\/verificationMaterial\/certificate(\/rawBytes)?/, '/verification_material/certificate'],
  [/^\/verificationMaterial\/tlogEntries/, '/verification_material/transparency_entries'],
  [/^\/verificationMaterial/, '/verification_material'],
  [/^\/dsseEnvelope\/payload(Type)?/, '/envelope/statement'],
  [/^\/dsseEnvelope\/signatures(\/0)?(\/sig)?/, '/envelope/signature'],
  [/^\/dsseEnvelope/, '/envelope'],
];

export function attestationField(bundleField: string | undefined): string | undefined {
  if (bundleField === undefined || bundleField === '' || bundleField === '/') return undefined;
  for (const [re, to] of BUNDLE_TO_ATTESTATION) {
    if (re.test(bundleField)) return bundleField.replace(re, to);
  }
  return undefined;
}

function join(pointer: string, field: string | undefined): string | undefined {
  const base = pointer === '/' ? '' : pointer;
  const full = `${base}${field ?? ''}`;
  return full === '' ? undefined : full;
}

/** Re-homes an error lib/sigstore raised about the converted bundle onto the attestation at `pointer` in `file`. */
export function atAttestation(e: unknown, file: string, pointer: string): unknown {
  // Errors about other inputs (the trusted root) keep their own file and field.
  if (!(e instanceof AirlockError) || (e.file !== undefined && e.file !== file)) return e;
  const Ctor = e.constructor as new (...a: ConstructorParameters<typeof AirlockError>) => AirlockError;
  const field = join(pointer, attestationField(e.field));
  return new Ctor(e.code, e.message, { file, ...(field === undefined ? {} : { field }), cause: e });
}
