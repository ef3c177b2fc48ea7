import { InputError } from '../errors.ts';
import { validateSchema } from '../schemas.ts';
import { normaliseProtoJson } from '../sigstore/index.ts';
import type { Attestation, Provenance } from './types.ts';

// Structural validation of PEP 740 objects (schemas/pep740-*.schema.json).
// The schemas check versions, required fields and strict base64; what the
// bytes mean is checked later, after the signature over them verified.
// Transparency entries are Rekor protobuf messages in proto3 JSON, read as
// lib/sigstore reads a bundle's: they are made canonical before the schema.

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The attestation at `at` with its transparency entries in canonical proto3 JSON. */
function canonicalEntries(att: unknown, file: string, at: string): unknown {
  const vm = isObject(att) ? att.verification_material : undefined;
  const entries = isObject(vm) ? vm.transparency_entries : undefined;
  if (!isObject(att) || !isObject(vm) || !Array.isArray(entries)) return att;
  const canonical = entries.map((e, i) =>
    // Anything but an object is left for the schema to refuse, with its message.
    isObject(e)
      ? normaliseProtoJson(
          'TransparencyLogEntry',
          e,
          (message, field) => new InputError('SCHEMA_INVALID', message, { file, field }),
          `${at}/verification_material/transparency_entries/${i}`,
        )
      : e,
  );
  return { ...att, verification_material: { ...vm, transparency_entries: canonical } };
}

export function parseAttestation(json: unknown, file: string): Attestation {
  return validateSchema<Attestation>('pep740-attestation', canonicalEntries(json, file, ''), file);
}

export function parseProvenance(json: unknown, file: string): Provenance {
  const bundles = isObject(json) ? json.attestation_bundles : undefined;
  if (!isObject(json) || !Array.isArray(bundles)) return validateSchema<Provenance>('pep740-provenance', json, file);
  const canonical = bundles.map((b, i) => {
    const atts = isObject(b) ? b.attestations : undefined;
    if (!isObject(b) || !Array.isArray(atts)) return b;
    return {
      ...b,
      attestations: atts.map((a, j) => canonicalEntries(a, file, `/attestation_bundles/${i}/attestations/${j}`)),
    };
  });
  return validateSchema<Provenance>('pep740-provenance', { ...json, attestation_bundles: canonical }, file);
}
