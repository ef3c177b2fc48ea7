import type { KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';

// Verifying a signature from the artifact's digest alone (`sha256:HEX`, as
// the sigstore-conformance protocol allows). node:crypto always hashes the
// message itself and has no prehashed-ECDSA entry point, so this uses
// @noble/curves (audited, no dependencies) with prehash disabled. RSA and
// Ed25519 keys cannot be verified this way (pure Ed25519 signs the message,
// not a digest): the caller gets `undefined` and refuses.

const CURVES = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;

function b64url(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64url'));
}

/** true/false for an ECDSA key; undefined when the key type cannot verify a bare digest. */
export function verifyPrehashed(key: KeyObject, digest: Uint8Array, signature: Uint8Array): boolean | undefined {
  if (key.asymmetricKeyType !== 'ec') return undefined;
  const jwk = key.export({ format: 'jwk' });
  const curve = CURVES[jwk.crv as keyof typeof CURVES];
  if (!curve || !jwk.x || !jwk.y) return undefined;
  const point = new Uint8Array([0x04, ...b64url(jwk.x), ...b64url(jwk.y)]);
  try {
    // lowS: false because OpenSSL-made signatures (Fulcio clients) are not normalised.
    return curve.verify(signature, digest, point, { prehash: false, format: 'der', lowS: false });
  } catch {
    return false;
  }
}
