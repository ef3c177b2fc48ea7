import { createPublicKey, type KeyObject } from 'node:crypto';
import type { X509Certificate } from '@sigstore/core';
import { encodeDer } from './der.ts';

// What is the same for every leaf verified against one trusted root, kept on
// that root's SigstoreTrust (never in module state) and keyed by exact bytes:
// parsed public keys, and which trusted CA certificate's signature was
// checked against which parent. Never a verdict about a leaf, a log entry or
// a signature over an artifact: those are checked every time.

export interface TrustCache {
  /** SPKI DER (base64) -> parsed key. */
  readonly keys: Map<string, KeyObject>;
  /** "child DER|parent DER" (base64) -> whether the parent's key verifies the trusted child's signature. */
  readonly caSignatures: Map<string, boolean>;
  /** A trusted certificate object -> its DER (base64), encoded once. */
  readonly der: WeakMap<X509Certificate, string>;
}

export function newTrustCache(): TrustCache {
  return { keys: new Map(), caSignatures: new Map(), der: new WeakMap() };
}

/** The certificate's public key, parsed once per exact SPKI. */
export function certKey(cache: TrustCache, cert: X509Certificate): KeyObject {
  const spki = cert.publicKey;
  const id = spki.toString('base64');
  let key = cache.keys.get(id);
  if (key === undefined) {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    cache.keys.set(id, key);
  }
  return key;
}

/** The DER (base64) of a certificate of the trusted root, encoded once per object. */
export function trustedDer(cache: TrustCache, cert: X509Certificate): string {
  let der = cache.der.get(cert);
  if (der === undefined) {
    der = encodeDer(cert.root).toString('base64');
    cache.der.set(cert, der);
  }
  return der;
}
