import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { dsse } from '@sigstore/core';
import { normalizeProjectName } from '../dist/index.ts';
import { InputError, errorMessage } from '../errors.ts';
import type { Policy } from '../policy/types.ts';
import type { FileVerdict, VerifyReport } from './types.ts';

// SLSA Verification Summary Attestations (https://slsa.dev/verification_summary/v1):
// one in-toto Statement per accepted file, saying which policy airlock checked
// it against, when, and from which attestations, so that an internal index
// can keep a record. PEP 740 proves no SLSA build level, so verifiedLevels
// carries airlock's own values, which the specification allows as long as
// they do not start with `SLSA_`.

export const VSA_PREDICATE_TYPE = 'https://slsa.dev/verification_summary/v1';
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** The verifier: airlock itself; its version is in `verifier.version`. */
export const VSA_VERIFIER_ID = 'urn:airlock:verifier';
/** Admitted by PEP 740 attestations whose certificates matched the policy's or the pinned publisher. */
export const LEVEL_ATTESTED = 'AIRLOCK_PEP740_PUBLISHER_VERIFIED';
/** Admitted without provenance because its sha256 is one the policy lists (`require = "hash"`). */
export const LEVEL_HASH = 'AIRLOCK_HASH_LISTED';
/** Extension fields (the specification lets producers add fields whose names are URIs). */
export const EXT_TIME_SOURCE = 'urn:airlock:vsa:timeSource';
export const EXT_DECIDED_BY = 'urn:airlock:vsa:decidedBy';
export const EXT_PUBLISHER = 'urn:airlock:vsa:publisher';

export interface ResourceDescriptor {
  uri?: string;
  name?: string;
  digest: { sha256: string };
}

export interface VsaStatement {
  _type: typeof IN_TOTO_STATEMENT_V1;
  subject: Array<{ name: string; digest: { sha256: string } }>;
  predicateType: typeof VSA_PREDICATE_TYPE;
  predicate: {
    verifier: { id: string; version: Record<string, string> };
    timeVerified: string;
    resourceUri: string;
    policy: { uri: string; digest: { sha256: string } };
    inputAttestations?: ResourceDescriptor[];
    verificationResult: 'PASSED';
    verifiedLevels: string[];
    [extension: `urn:${string}`]: unknown;
  };
}

export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: Array<{ keyid: string; sig: string }>;
}

export interface VsaInput {
  report: Pick<VerifyReport, 'now' | 'nowSource' | 'tool'>;
  file: Pick<
    FileVerdict,
    | 'project'
    | 'version'
    | 'filename'
    | 'sha256'
    | 'verdict'
    | 'admittedBy'
    | 'decidedBy'
    | 'publisher'
    | 'provenanceMember'
  >;
  policy: Pick<Policy, 'uri' | 'sha256'>;
  /**
   * The attestations the verdict rests on: the provenance member and its
   * sha256 (from the verified manifest). Required for a file admitted by
   * attestation: the specification wants every attestation used listed.
   */
  inputAttestations?: Array<{ uri: string; sha256: string }>;
}

/** `pkg:pypi/NAME@VERSION?file_name=FILE` (purl's PyPI type: PEP 503 name, the file as qualifier). */
export function pypiPurl(project: string, version: string, filename: string): string {
  return (
    `pkg:pypi/${encodeURIComponent(normalizeProjectName(project))}@${encodeURIComponent(version)}` +
    `?file_name=${encodeURIComponent(filename)}`
  );
}

export function vsaFileName(filename: string): string {
  return `${filename}.vsa.json`;
}

/** The VSA of one accepted file; throws on a file that was not accepted (a VSA here only ever says PASSED). */
export function buildVsa(input: VsaInput): VsaStatement {
  const { report, file, policy } = input;
  if (file.verdict !== 'accepted') throw new Error(`no VSA for ${file.filename}: it was not accepted`);
  const admittedBy = file.admittedBy ?? (input.inputAttestations?.length ? 'attestation' : 'hash');
  const inputs = (input.inputAttestations ?? []).map((a) => ({ uri: a.uri, digest: { sha256: a.sha256 } }));
  if (admittedBy === 'attestation' && inputs.length === 0) {
    throw new Error(`no VSA for ${file.filename}: admitted by attestation, but no input attestation was given`);
  }
  const predicate: VsaStatement['predicate'] = {
    verifier: { id: VSA_VERIFIER_ID, version: { airlock: report.tool.version } },
    timeVerified: report.now,
    resourceUri: pypiPurl(file.project, file.version, file.filename),
    policy: { uri: policy.uri, digest: { sha256: policy.sha256 } },
    ...(inputs.length ? { inputAttestations: inputs } : {}),
    verificationResult: 'PASSED',
    verifiedLevels: [admittedBy === 'attestation' ? LEVEL_ATTESTED : LEVEL_HASH],
    [EXT_TIME_SOURCE]: report.nowSource,
    [EXT_DECIDED_BY]: file.decidedBy,
  };
  if (file.publisher !== undefined) predicate[EXT_PUBLISHER] = file.publisher;
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [{ name: file.filename, digest: { sha256: file.sha256 } }],
    predicateType: VSA_PREDICATE_TYPE,
    predicate,
  };
}

/** Ed25519 signs the message itself; ECDSA P-256 signs its SHA-256 (DER signature), as Sigstore's DSSE does. */
function algorithmOf(key: KeyObject): 'sha256' | null {
  if (key.asymmetricKeyType === 'ed25519') return null;
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'sha256';
  const curve = key.asymmetricKeyDetails?.namedCurve ? ` ${key.asymmetricKeyDetails.namedCurve}` : '';
  throw new InputError(
    'VSA_KEY_INVALID',
    `the key is ${key.asymmetricKeyType ?? key.type}${curve}; use Ed25519 or ECDSA P-256`,
  );
}

function privateKey(key: KeyObject | string | Uint8Array): KeyObject {
  if (typeof key === 'object' && !(key instanceof Uint8Array)) {
    if (key.type !== 'private') throw new InputError('VSA_KEY_INVALID', 'the signing key must be a private key');
    return key;
  }
  try {
    return createPrivateKey({ key: typeof key === 'string' ? key : Buffer.from(key), format: 'pem' });
  } catch (e) {
    throw new InputError('VSA_KEY_INVALID', `not a PEM private key (${errorMessage(e)})`, { cause: e });
  }
}

/** `keyid`: sha256 of the public key's SubjectPublicKeyInfo (DER), so a reader can tell which key signed. */
export function keyIdOf(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** Wraps the statement in a DSSE envelope signed over its pre-authentication encoding. */
export function signVsa(statement: VsaStatement, key: KeyObject | string | Uint8Array): DsseEnvelope {
  const k = privateKey(key);
  const alg = algorithmOf(k);
  const payload = Buffer.from(JSON.stringify(statement), 'utf8');
  const sig = sign(alg, dsse.preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, payload), k);
  return {
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    payload: payload.toString('base64'),
    signatures: [{ keyid: keyIdOf(k), sig: sig.toString('base64') }],
  };
}

/** Checks an envelope's signature with a public key; returns the statement bytes' JSON, or throws. */
export function verifyVsaEnvelope(env: DsseEnvelope, publicKey: KeyObject | string): unknown {
  const pub = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const payload = Buffer.from(env.payload, 'base64');
  const pae = dsse.preAuthEncoding(env.payloadType, payload);
  const ok = env.signatures.some((s) => verify(algorithmOf(pub), pae, pub, Buffer.from(s.sig, 'base64')));
  if (!ok) throw new Error('no signature of the envelope verifies with this key');
  return JSON.parse(payload.toString('utf8'));
}
