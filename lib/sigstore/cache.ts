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
  /** A trusted certificate object -> its SPKI DER and parsed key, encoded and parsed once. */
  readonly spki: WeakMap<X509Certificate, { der: Buffer; key: KeyObject }>;
}

export function newTrustCache(): TrustCache {
  return { keys: new Map(), caSignatures: new Map(), der: new WeakMap(), spki: new WeakMap() };
}

/** The public key (SPKI DER and parsed) of a certificate of the trusted root, once per object and per exact SPKI. */
export function trustedKey(cache: TrustCache, cert: X509Certificate): { der: Buffer; key: KeyObject } {
  let k = cache.spki.get(cert);
  if (k === undefined) {
    const der = cert.publicKey;
    const id = der.toString('base64');
    let key = cache.keys.get(id);
    if (key === undefined) {
      key = createPublicKey({ key: der, format: 'der', type: 'spki' });
      cache.keys.set(id, key);
    }
    k = { der, key };
    cache.spki.set(cert, k);
  }
  return k;
}

/** The parsed public key of a certificate of the trusted root (a CA certificate: never a leaf). */
export function certKey(cache: TrustCache, cert: X509Certificate): KeyObject {
  return trustedKey(cache, cert).key;
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
