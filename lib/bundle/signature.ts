import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { dsse } from '@sigstore/core';
import { InputError, VerifyError, errorMessage, isAirlockError } from '../errors.ts';
import { isObject, parseJson } from '../util/json.ts';
import { MANIFEST_PATH } from './types.ts';

// Signed bundles: a DSSE envelope over an in-toto Statement v1 whose subject
// is the manifest's sha256, stored as the member right after the manifest
// (format version 2). The statement carries the signer's public key, so a
// signature can be checked (and reported) without a configured signer; a
// configured signer is trusted by its own key, never by what the envelope
// says. node:crypto signs and verifies; @sigstore/core gives DSSE's PAE.

export const SIGNATURE_PATH = 'airlock-manifest.sig.json';
export const BUNDLE_SIGNATURE_PREDICATE = 'https://airlock.invalid/bundle-signature/v1';
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';

export type SignatureStatus = { status: 'unsigned' } | { status: 'verified'; keyid: string; trustedSigner: boolean };

/** Ed25519 signs the message itself; ECDSA P-256 signs its SHA-256. Undefined: a key type airlock does not use. */
function algorithmOf(key: KeyObject): 'sha256' | null | undefined {
  if (key.asymmetricKeyType === 'ed25519') return null;
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'sha256';
  return undefined;
}

/** sha256 of the public key's SubjectPublicKeyInfo (DER): how signers are named in envelopes and messages. */
export function signerKeyId(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** A PEM key for `--sign-key` (private) or `--trusted-signer` / policy `signers` (public), Ed25519 or P-256. */
export function signingKey(pem: Uint8Array | string, type: 'private' | 'public', file: string): KeyObject {
  // createPublicKey also accepts a private key (and derives its public half): a private key given where a
  // public one belongs is refused, so that a signing key is never handed around as the trusted one.
  if (type === 'public' && /PRIVATE KEY-----/.test(Buffer.from(pem).toString('latin1'))) {
    throw new InputError('SIGNING_KEY_INVALID', 'a private key where a public key is expected', { file });
  }
  let key: KeyObject;
  try {
    const input = { key: typeof pem === 'string' ? pem : Buffer.from(pem), format: 'pem' as const };
    key = type === 'private' ? createPrivateKey(input) : createPublicKey(input);
  } catch (e) {
    throw new InputError('SIGNING_KEY_INVALID', `not a PEM ${type} key (${errorMessage(e)})`, { file, cause: e });
  }
  if (algorithmOf(key) === undefined) {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    throw new InputError(
      'SIGNING_KEY_INVALID',
      `the key is ${key.asymmetricKeyType ?? key.type}${curve ? ` ${curve}` : ''}; use Ed25519 or ECDSA P-256`,
      { file },
    );
  }
  return key;
}

/** The envelope's bytes for the manifest's bytes, signed with `key` (a private key from signingKey). */
export function signManifest(manifestBytes: Uint8Array, key: KeyObject): Buffer {
  const pub = createPublicKey(key);
  const statement = {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [{ name: MANIFEST_PATH, digest: { sha256: createHash('sha256').update(manifestBytes).digest('hex') } }],
    predicateType: BUNDLE_SIGNATURE_PREDICATE,
    predicate: { publicKey: pub.export({ type: 'spki', format: 'pem' }).toString() },
  };
  const payload = Buffer.from(JSON.stringify(statement), 'utf8');
  const sig = sign(algorithmOf(key) ?? null, dsse.preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload), key);
  const envelope = {
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    payload: payload.toString('base64'),
    signatures: [{ keyid: signerKeyId(key), sig: sig.toString('base64') }],
  };
  return Buffer.from(`${JSON.stringify(envelope, null, 2)}\n`);
}

function invalid(message: string, cause?: unknown): VerifyError {
  return new VerifyError('BUNDLE_SIGNATURE_INVALID', message, {
    file: SIGNATURE_PATH,
    ...(cause !== undefined ? { cause } : {}),
  });
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The statement and signer key an envelope claims, its signature checked with that key. */
function openEnvelope(bytes: Uint8Array): { subject: string; key: KeyObject } {
  const env = parseJson(bytes, SIGNATURE_PATH, (m, e) => invalid(m, e));
  if (!isObject(env) || env.payloadType !== IN_TOTO_PAYLOAD_TYPE || typeof env.payload !== 'string')
    throw invalid(`not a DSSE envelope with payloadType ${IN_TOTO_PAYLOAD_TYPE}`);
  const sigs = env.signatures;
  if (!Array.isArray(sigs) || sigs.length !== 1 || !isObject(sigs[0]) || typeof sigs[0].sig !== 'string')
    throw invalid('a bundle signature has exactly one signature');
  if (!B64.test(env.payload) || !B64.test(sigs[0].sig)) throw invalid('payload or signature is not base64');
  const payload = Buffer.from(env.payload, 'base64');
  const st = parseJson(payload, `${SIGNATURE_PATH} payload`, (m, e) => invalid(m, e));
  if (
    !isObject(st) ||
    st._type !== IN_TOTO_STATEMENT_V1 ||
    st.predicateType !== BUNDLE_SIGNATURE_PREDICATE ||
    !Array.isArray(st.subject) ||
    st.subject.length !== 1 ||
    !isObject(st.subject[0]) ||
    st.subject[0].name !== MANIFEST_PATH ||
    !isObject(st.subject[0].digest) ||
    typeof st.subject[0].digest.sha256 !== 'string' ||
    !isObject(st.predicate) ||
    typeof st.predicate.publicKey !== 'string'
  )
    throw invalid(
      `the payload is not an in-toto statement about ${MANIFEST_PATH} of type ${BUNDLE_SIGNATURE_PREDICATE}`,
    );
  let key: KeyObject;
  try {
    key = signingKey(st.predicate.publicKey, 'public', SIGNATURE_PATH);
  } catch (e) {
    throw invalid(`its public key: ${isAirlockError(e) ? e.message : errorMessage(e)}`, e);
  }
  const pae = dsse.preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload);
  let ok = false;
  try {
    ok = verify(algorithmOf(key) ?? null, pae, key, Buffer.from(sigs[0].sig, 'base64'));
  } catch (e) {
    throw invalid(`the signature cannot be checked (${errorMessage(e)})`, e);
  }
  if (!ok) throw invalid(`the signature does not verify with the key the statement names (${signerKeyId(key)})`);
  return { subject: st.subject[0].digest.sha256, key };
}

/**
 * Checks a bundle's signature, pure. `envelope` undefined: the bundle is
 * unsigned. `trusted` empty: any valid signature is reported, none required.
 */
export function checkBundleSignature(
  envelope: Uint8Array | undefined,
  manifestSha256: string,
  trusted: readonly KeyObject[],
): SignatureStatus {
  const ids = new Set(trusted.map(signerKeyId));
  if (envelope === undefined) {
    if (ids.size === 0) return { status: 'unsigned' };
    throw new VerifyError('BUNDLE_UNSIGNED', `the bundle is not signed; ${ids.size} trusted signer(s) configured`, {
      file: MANIFEST_PATH,
    });
  }
  const { subject, key } = openEnvelope(envelope);
  const keyid = signerKeyId(key);
  if (subject !== manifestSha256) {
    throw new VerifyError(
      'BUNDLE_SIGNATURE_MISMATCH',
      `the signature is over a manifest with sha256 ${subject}; this bundle's manifest has sha256 ${manifestSha256}`,
      { file: SIGNATURE_PATH },
    );
  }
  if (ids.size > 0 && !ids.has(keyid)) {
    throw new VerifyError(
      'BUNDLE_SIGNER_UNTRUSTED',
      `signed by key ${keyid}, which is not a trusted signer (trusted: ${[...ids].join(', ')})`,
      { file: SIGNATURE_PATH },
    );
  }
  return { status: 'verified', keyid, trustedSigner: ids.size > 0 };
}
