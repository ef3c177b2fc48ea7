import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from './adapter.ts';
import { newTrustCache, type TrustCache } from './cache.ts';
import { SigstoreError, errorMessage, isAirlockError } from '../errors.ts';
import { validateSchema } from '../schemas.ts';
import { fail, jsonInput } from './errors.ts';
import { normaliseProtoJson } from './proto-json.ts';

// trusted_root.json → the trust material @sigstore/verify works with. All
// parsing (certificates, keys, dates) happens here, once, so that a broken
// root is a TRUSTED_ROOT_INVALID input error (exit 2) and never shows up later
// as a verification failure of the bundle.

const MEDIA_TYPES = new Set([
  'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  // Listed by protobuf-specs as one clients MAY read.
  'application/vnd.dev.sigstore.trustedroot.v0.1+json',
  'application/vnd.dev.sigstore.trustedroot+json;version=0.2',
  'application/vnd.dev.sigstore.trustedroot.v0.2+json',
]);

/** Opaque trust material: pass it from loadTrustMaterial to verifyBundle. */
export interface SigstoreTrust {
  readonly file: string;
  readonly material: TrustMaterial;
  /** The public key given with --key, for bundles signed without a certificate. */
  readonly publicKey?: { key: KeyObject; fingerprint: string };
  /** What every verification against this root shares (cache.ts). */
  readonly cache: TrustCache;
}

function invalid(message: string, file: string, field?: string, cause?: unknown): SigstoreError {
  return fail('TRUSTED_ROOT_INVALID', message, file, field, cause);
}

type Json = Record<string, unknown>;

/**
 * Every log, CA and TSA says since when it is trusted: a validity without a
 * start would be read as "since 1970" (as @sigstore/verify reads it), trusting
 * a key for times its operator never vouched for. A range that ends before it
 * starts is refused too. Runs on the canonical JSON, where dates are checked.
 */
function checkValidFor(root: Json, file: string): void {
  const list = (key: string) => (root[key] as Json[] | undefined) ?? [];
  const ranges: [string, unknown][] = [
    ...['tlogs', 'ctlogs'].flatMap((k) =>
      list(k).map((l, i): [string, unknown] => [
        `/${k}/${i}/publicKey/validFor`,
        (l.publicKey as Json | undefined)?.validFor,
      ]),
    ),
    ...['certificateAuthorities', 'timestampAuthorities'].flatMap((k) =>
      list(k).map((c, i): [string, unknown] => [`/${k}/${i}/validFor`, c.validFor]),
    ),
  ];
  for (const [field, range] of ranges) {
    const { start, end } = (range ?? {}) as { start?: string; end?: string };
    if (start === undefined) {
      throw invalid(
        'no validFor start: the trusted root must say since when this key or chain is trusted',
        file,
        `${field}/start`,
      );
    }
    if (end !== undefined && Date.parse(end) < Date.parse(start)) {
      throw invalid(`validFor ends (${end}) before it starts (${start})`, file, `${field}/end`);
    }
  }
}

/** Parses trusted_root.json (bytes or parsed JSON) into trust material; TRUSTED_ROOT_INVALID (exit 2) on failure. */
export function loadTrustMaterial(trustedRoot: unknown, file: string): SigstoreTrust {
  const input = jsonInput(trustedRoot, file, 'TRUSTED_ROOT_INVALID');
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw invalid('not a JSON object', file);
  const json = normaliseProtoJson('TrustedRoot', input, (m, field) => invalid(m, file, field));
  const mediaType = json.mediaType;
  if (typeof mediaType !== 'string' || !MEDIA_TYPES.has(mediaType)) {
    throw invalid(`unsupported media type ${JSON.stringify(mediaType)}`, file, '/mediaType');
  }
  try {
    validateSchema('sigstore-trusted-root', json, file, 'TRUSTED_ROOT_INVALID');
  } catch (e) {
    if (isAirlockError(e)) throw invalid(e.message, file, e.field, e);
    throw e;
  }
  checkValidFor(json, file);
  let material: TrustMaterial;
  try {
    const root = TrustedRoot.fromJSON(json);
    // toTrustMaterial parses every certificate and key; a bad one throws.
    material = toTrustMaterial(root);
    // X509Certificate parsing is lazy: read what chain building uses now.
    for (const ca of [...material.certificateAuthorities, ...material.timestampAuthorities]) {
      for (const c of ca.certChain)
        void [
          c.subject,
          c.issuer,
          c.publicKey,
          c.notBefore,
          c.notAfter,
          c.tbsCertificate.toDER(),
          c.signatureValue,
          c.isCA,
        ];
    }
  } catch (e) {
    if (isAirlockError(e)) throw e;
    throw invalid(`cannot parse keys or certificates (${errorMessage(e)})`, file, undefined, e);
  }
  if (material.tlogs.length === 0)
    throw invalid('no transparency logs (tlogs): nothing can be verified', file, '/tlogs');
  return { file, material, cache: newTrustCache() };
}

/** Trust material that also accepts bundles signed by `pem` (a PEM public key, as with --key). */
/** Parses a PEM public key (as with --key); TRUSTED_ROOT_INVALID (exit 2) when it is not one. */
export function parsePublicKeyPem(pem: string | Uint8Array, keyFile: string): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(pem), format: 'pem' });
  } catch (e) {
    throw new SigstoreError('TRUSTED_ROOT_INVALID', `not a PEM public key (${errorMessage(e)})`, {
      file: keyFile,
      cause: e,
    });
  }
}

export function withPublicKey(trust: SigstoreTrust, pem: string | Uint8Array, keyFile: string): SigstoreTrust {
  const key = parsePublicKeyPem(pem, keyFile);
  const spki = key.export({ format: 'der', type: 'spki' });
  const fingerprint = createHash('sha256').update(spki).digest('hex');
  // The bundle's key hint is only a hint: the one key given is the only key
  // accepted, whatever the hint says (as in the sigstore-conformance suite).
  const material: TrustMaterial = { ...trust.material, publicKey: () => ({ publicKey: key, validFor: () => true }) };
  return { file: trust.file, material, publicKey: { key, fingerprint }, cache: trust.cache };
}
