import { createPublicKey, type KeyObject } from 'node:crypto';
import type { TransparencyLogEntry } from '@sigstore/bundle';
import { X509Certificate, pem } from '@sigstore/core';
import { encodeDer } from './der.ts';

// Which certificate or key a log entry body names, and whether it is the
// bundle's. @sigstore/verify compares the signature and the payload digest
// with the body but not the verifier; without this check a bundle could pair
// a log entry with a different certificate than the one that was logged.

type Json = Record<string, unknown>;
const get = (o: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (acc, k) => (acc !== null && typeof acc === 'object' ? (acc as Json)[k as string] : undefined),
    o,
  );

/** The certificate or key the entry body names: DER bytes, or PEM text. */
function loggedVerifier(entry: TransparencyLogEntry): Buffer | string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(entry.canonicalizedBody.toString('utf8'));
  } catch {
    return undefined;
  }
  const { kind, version } = entry.kindVersion;
  const b64 = (v: unknown): Buffer | undefined => (typeof v === 'string' ? Buffer.from(v, 'base64') : undefined);
  if (version === '0.0.2' && (kind === 'dsse' || kind === 'hashedrekord')) {
    // Rekor v2: a protobuf Verifier with DER bytes.
    const v =
      kind === 'dsse'
        ? get(body, 'spec', 'dsseV002', 'signatures', 0, 'verifier')
        : get(body, 'spec', 'hashedRekordV002', 'signature', 'verifier');
    return b64(get(v, 'x509Certificate', 'rawBytes')) ?? b64(get(v, 'publicKey', 'rawBytes'));
  }
  let text: Buffer | undefined;
  if (kind === 'dsse') text = b64(get(body, 'spec', 'signatures', 0, 'verifier'));
  else if (kind === 'hashedrekord') text = b64(get(body, 'spec', 'signature', 'publicKey', 'content'));
  else if (kind === 'intoto') {
    // intoto 0.0.2 encodes the PEM twice in base64.
    text = b64(get(body, 'spec', 'content', 'envelope', 'signatures', 0, 'publicKey'));
    if (text && !text.toString('utf8').startsWith('-----BEGIN')) text = Buffer.from(text.toString('utf8'), 'base64');
  }
  return text?.toString('utf8');
}

function toKey(v: Buffer | string): KeyObject | undefined {
  try {
    if (typeof v === 'string') {
      if (v.includes('CERTIFICATE'))
        return createPublicKey({ key: X509Certificate.parse(v).publicKey, format: 'der', type: 'spki' });
      return createPublicKey(v);
    }
    return createPublicKey({ key: v, format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

function sameKey(logged: Buffer | string, key: KeyObject): boolean {
  return toKey(logged)?.equals(key) ?? false;
}

function sameCertOrKey(logged: Buffer | string, cert: X509Certificate, key: KeyObject, certDer?: Buffer): boolean {
  if (typeof logged === 'string' && logged.includes('CERTIFICATE')) {
    try {
      return pem.toDER(logged).equals(certDer ?? encodeDer(cert.root));
    } catch {
      return false;
    }
  }
  if (Buffer.isBuffer(logged)) {
    // Rekor v2 DER: a certificate, or (for key-signed entries) an SPKI.
    try {
      return X509Certificate.parse(Buffer.from(logged)).equals(cert);
    } catch {
      return sameKey(logged, key);
    }
  }
  return sameKey(logged, key);
}

/** true: the body names the signer; false: another one; undefined: it names none. */
export function boundToSigner(
  entry: TransparencyLogEntry,
  signer: { cert?: X509Certificate; certDer?: Buffer | undefined; key: KeyObject },
): boolean | undefined {
  const logged = loggedVerifier(entry);
  if (logged === undefined) return undefined;
  return signer.cert ? sameCertOrKey(logged, signer.cert, signer.key, signer.certDer) : sameKey(logged, signer.key);
}
