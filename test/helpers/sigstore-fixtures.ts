import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { dsse, json as canonicalJson, pem } from '@sigstore/core';
import { initializeCA, initializeCTLog, initializeTSA } from '@sigstore/mock';
import type { Json } from './loose-json.ts';

type CA = Awaited<ReturnType<typeof initializeCA>>;
type TSA = Awaited<ReturnType<typeof initializeTSA>>;

// A complete, generated Sigstore instance for tests: a Fulcio-like CA with a
// CT log (from @sigstore/mock), a Rekor v1 log and a Rekor v2 log (written
// here: the mock's logs prove inclusion only in a one-leaf tree and give v2
// entries an integrated time, unlike real Rekor v2), an RFC 3161 TSA (mock),
// the matching trusted_root.json, and functions that sign DSSE or message
// bundles with them. Real keys, real signatures, nothing of lib/ mocked.
//
// The mock CA and TSA date their root certificates from the system clock, so
// the instance's signing time is "now + 1 minute" rather than a fixed date.

export const OID = {
  issuerV2: '1.3.6.1.4.1.57264.1.8',
  issuerV1: '1.3.6.1.4.1.57264.1.1',
  sourceRepositoryURI: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  buildSignerURI: '1.3.6.1.4.1.57264.1.9',
  githubWorkflowRepository: '1.3.6.1.4.1.57264.1.5',
} as const;

const b64 = (b: ArrayBufferView | string) =>
  (typeof b === 'string' ? Buffer.from(b) : Buffer.from(b.buffer, b.byteOffset, b.byteLength)).toString('base64');
const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const spki = (k: KeyObject) => k.export({ format: 'der', type: 'spki' });
const ecKeys = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

// --- RFC 6962 Merkle tree, for the test logs' inclusion proofs -------------
const leafHash = (leaf: Uint8Array) => sha256(Buffer.from([0]), leaf);
const nodeHash = (l: Uint8Array, r: Uint8Array) => sha256(Buffer.from([1]), l, r);
const split = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
function path(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

/** A transparency log: appends bodies, returns inclusion proofs with signed checkpoints. */
export class TestLog {
  readonly keys: { publicKey: KeyObject; privateKey: KeyObject };
  readonly logId: Buffer;
  readonly host: string;
  readonly version: 'v1' | 'v2';
  private readonly leaves: Buffer[] = [];

  constructor(version: 'v1' | 'v2', host: string) {
    this.version = version;
    this.host = host;
    this.keys = version === 'v1' ? ecKeys() : generateKeyPairSync('ed25519');
    this.logId = sha256(spki(this.keys.publicKey));
    // Unrelated entries before ours, so that proofs have several levels.
    for (let i = 0; i < 5; i++) this.leaves.push(leafHash(randomBytes(32)));
  }

  private sign(data: Uint8Array): Buffer {
    return sign(this.version === 'v1' ? 'sha256' : null, data, this.keys.privateKey);
  }

  /** Appends `body`; returns the bundle tlogEntry (protobuf JSON form). */
  append(body: Buffer, kind: string, kindVersion: string, opts: { integratedTime?: Date; set?: boolean }): Json {
    const index = this.leaves.length;
    this.leaves.push(leafHash(body));
    this.leaves.push(leafHash(randomBytes(32))); // and one after, so ours is not the last leaf
    const size = this.leaves.length;
    const root = mth(this.leaves);
    const note = `${this.host} - 4242\n${size}\n${b64(root)}\n`;
    const sigLine =
      `\u2014 ${this.host} ` + `${b64(Buffer.concat([this.logId.subarray(0, 4), this.sign(Buffer.from(note))]))}\n`;
    const entry: Json = {
      logIndex: String(index),
      logId: { keyId: b64(this.logId) },
      kindVersion: { kind, version: kindVersion },
      inclusionProof: {
        logIndex: String(index),
        rootHash: b64(root),
        treeSize: String(size),
        hashes: path(index, this.leaves).map(b64),
        checkpoint: { envelope: `${note}\n${sigLine}` },
      },
      canonicalizedBody: b64(body),
    };
    if (this.version === 'v1') {
      const t = Math.floor((opts.integratedTime ?? new Date()).getTime() / 1000);
      entry.integratedTime = String(t);
      if (opts.set !== false) {
        const payload = canonicalJson.canonicalize({
          body: b64(body),
          integratedTime: t,
          logIndex: index,
          logID: this.logId.toString('hex'),
        });
        entry.inclusionPromise = { signedEntryTimestamp: b64(this.sign(Buffer.from(payload))) };
      }
    }
    return entry;
  }

  trustedRootEntry(validFor: Json = { start: '2020-01-01T00:00:00Z' }): Json {
    return {
      baseUrl: `https://${this.host}`,
      hashAlgorithm: 'SHA2_256',
      publicKey: {
        rawBytes: b64(spki(this.keys.publicKey)),
        keyDetails: this.version === 'v1' ? 'PKIX_ECDSA_P256_SHA_256' : 'PKIX_ED25519',
        validFor,
      },
      logId: { keyId: b64(this.logId) },
    };
  }
}

export interface SignOptions {
  /** Certificate SAN (a URI); default https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1 */
  identity?: string;
  /** OIDC issuer extension; default https://token.actions.githubusercontent.com */
  issuer?: string;
  /** More Fulcio extensions, OID → value (DER UTF8String unless legacy). */
  extensions?: { oid: string; value: string; legacy?: boolean }[];
  /** Which logs to enter the signature in, in order; default ['v1']. */
  logs?: ('v1' | 'v2')[];
  /** Rekor v1: include the signed entry timestamp (default true). */
  set?: boolean;
  /** Rekor v1 integrated time (signed by the SET); default signing time + 1 s. */
  integratedTime?: Date;
  /**
   * RFC 3161 timestamp: from the trusted TSA, from a TSA not in the root, or none (default: trusted with Rekor v2, none
   * with v1 only).
   */
  tsa?: 'trusted' | 'untrusted' | 'none';
  /** Sign with a bare key (verificationMaterial.publicKey) instead of a certificate. */
  keyOnly?: boolean;
  /** false: the certificate comes from a trusted CA that logs nothing to CT (no SCT). */
  sct?: boolean;
}

export interface SigstoreTestInstance {
  /** trusted_root.json content (a fresh copy each call: mutate freely). */
  trustedRoot(): Json;
  /** Signing time: certificates are valid from here for 10 minutes. */
  readonly time: Date;
  readonly rekorV1: TestLog;
  readonly rekorV2: TestLog;
  /** The public key (PEM) that keyOnly bundles are signed with. */
  readonly publicKeyPem: string;
  signDsse(payload: Uint8Array | string, opts?: SignOptions & { payloadType?: string }): Promise<Json>;
  signMessage(artifact: Uint8Array | string, opts?: SignOptions): Promise<Json>;
  /**
   * A signing key and its certificate (DER) from the instance's CA, to sign many artifacts with
   * (test/helpers/private-sigstore.ts).
   */
  issue(opts?: SignOptions): Promise<{ privateKey: KeyObject; certificate: Buffer }>;
}

async function timestamp(tsa: TSA, signature: Uint8Array): Promise<string> {
  const resp = await tsa.timestamp({
    artifactHash: sha256(signature),
    hashAlgorithmOID: '2.16.840.1.101.3.4.2.1',
    nonce: 42,
    policyOID: '1.3.6.1.4.1.57264.2',
    certReq: false,
  });
  // The bundle holds the whole DER TimeStampResp (sigstore protobuf-specs).
  return b64(resp);
}

/** Creates a fresh instance: new keys for every authority. */
export async function createSigstoreInstance(): Promise<SigstoreTestInstance> {
  const time = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000);
  const ctKeys = ecKeys();
  const ctLog = await initializeCTLog(ctKeys, time);
  const ca: CA = await initializeCA(ecKeys(), ctLog, time);
  // A second trusted CA that submits nothing to the CT log (no SCT in its certificates).
  const caNoSct: CA = await initializeCA(ecKeys(), undefined, time);
  const tsaKeys = ecKeys();
  const tsa = await initializeTSA(tsaKeys, time);
  const rogueTsa = await initializeTSA(ecKeys(), time);
  const rekorV1 = new TestLog('v1', 'rekor.test.invalid');
  const rekorV2 = new TestLog('v2', 'log2026.rekor.test.invalid');
  const keyOnlyKeys = ecKeys();
  const publicKeyPem = keyOnlyKeys.publicKey.export({ format: 'pem', type: 'spki' }).toString();

  const trustedRoot = (): Json => ({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [rekorV1.trustedRootEntry(), rekorV2.trustedRootEntry()],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: 'https://fulcio.test.invalid',
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor: { start: '2020-01-01T00:00:00Z' },
      },
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore-no-ct' },
        uri: 'https://fulcio-no-ct.test.invalid',
        certChain: { certificates: [{ rawBytes: b64(caNoSct.rootCertificate) }] },
        validFor: { start: '2020-01-01T00:00:00Z' },
      },
    ],
    ctlogs: [
      {
        baseUrl: 'https://ctfe.test.invalid',
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: b64(ctLog.publicKey),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start: '2020-01-01T00:00:00Z' },
        },
        logId: { keyId: b64(ctLog.logID) },
      },
    ],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'tsa' },
        uri: 'https://tsa.test.invalid',
        certChain: { certificates: [{ rawBytes: b64(tsa.intCertificate) }, { rawBytes: b64(tsa.rootCertificate) }] },
        validFor: { start: '2020-01-01T00:00:00Z' },
      },
    ],
  });

  async function signer(
    opts: SignOptions,
  ): Promise<{ privateKey: KeyObject; material: Json; verifierPem: string; verifierDer: Buffer; der: 'cert' | 'key' }> {
    if (opts.keyOnly) {
      return {
        privateKey: keyOnlyKeys.privateKey,
        material: { publicKey: { hint: 'test-key' } },
        verifierPem: publicKeyPem,
        verifierDer: spki(keyOnlyKeys.publicKey),
        der: 'key',
      };
    }
    const keys = ecKeys();
    const issuer = opts.issuer ?? 'https://token.actions.githubusercontent.com';
    const certView = await (opts.sct === false ? caNoSct : ca).issueCertificate({
      publicKey: new Uint8Array(spki(keys.publicKey)),
      subjectAltName: opts.identity ?? 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1',
      extensions: [
        { oid: OID.issuerV2, value: issuer },
        { oid: OID.issuerV1, value: issuer, legacy: true },
        ...(opts.extensions ?? []),
      ],
    });
    const cert = Buffer.from(certView.buffer, certView.byteOffset, certView.byteLength);
    return {
      privateKey: keys.privateKey,
      material: { certificate: { rawBytes: b64(cert) } },
      verifierPem: pem.fromDER(cert),
      verifierDer: cert,
      der: 'cert',
    };
  }

  function v2Verifier(s: { verifierDer: Buffer; der: 'cert' | 'key' }): Json {
    return s.der === 'cert'
      ? { x509Certificate: { rawBytes: b64(s.verifierDer) }, keyDetails: 'PKIX_ECDSA_P256_SHA_256' }
      : { publicKey: { rawBytes: b64(s.verifierDer) }, keyDetails: 'PKIX_ECDSA_P256_SHA_256' };
  }

  async function finish(
    content: Json,
    s: Awaited<ReturnType<typeof signer>>,
    signature: Buffer,
    bodies: { v1: Json; v2: Json; kind: string },
    opts: SignOptions,
  ): Promise<Json> {
    const logs = opts.logs ?? ['v1'];
    const tlogEntries = logs.map((v) => {
      const body = Buffer.from(canonicalJson.canonicalize(v === 'v1' ? bodies.v1 : bodies.v2));
      const log = v === 'v1' ? rekorV1 : rekorV2;
      return log.append(body, bodies.kind, v === 'v1' ? '0.0.1' : '0.0.2', {
        integratedTime: opts.integratedTime ?? new Date(time.getTime() + 1000),
        ...(opts.set === undefined ? {} : { set: opts.set }),
      });
    });
    const tsaMode = opts.tsa ?? (logs.includes('v2') ? 'trusted' : 'none');
    const verificationMaterial: Json = { ...s.material, tlogEntries };
    if (tsaMode !== 'none') {
      verificationMaterial.timestampVerificationData = {
        rfc3161Timestamps: [{ signedTimestamp: await timestamp(tsaMode === 'trusted' ? tsa : rogueTsa, signature) }],
      };
    }
    return { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial, ...content };
  }

  return {
    trustedRoot,
    time,
    rekorV1,
    rekorV2,
    publicKeyPem,
    async issue(opts = {}) {
      const s = await signer(opts);
      return { privateKey: s.privateKey, certificate: s.verifierDer };
    },
    async signDsse(payloadIn, opts = {}) {
      const payload = Buffer.from(payloadIn);
      const payloadType = opts.payloadType ?? 'application/vnd.in-toto+json';
      const s = await signer(opts);
      const sig = sign('sha256', dsse.preAuthEncoding(payloadType, payload), s.privateKey);
      const envelope = { payload: b64(payload), payloadType, signatures: [{ sig: b64(sig), keyid: '' }] };
      const v1 = {
        apiVersion: '0.0.1',
        kind: 'dsse',
        spec: {
          envelopeHash: { algorithm: 'sha256', value: sha256(Buffer.from(JSON.stringify(envelope))).toString('hex') },
          payloadHash: { algorithm: 'sha256', value: sha256(payload).toString('hex') },
          signatures: [{ signature: b64(sig), verifier: b64(s.verifierPem) }],
        },
      };
      const v2 = {
        apiVersion: '0.0.2',
        kind: 'dsse',
        spec: {
          dsseV002: {
            payloadHash: { algorithm: 'SHA2_256', digest: b64(sha256(payload)) },
            signatures: [{ content: b64(sig), verifier: v2Verifier(s) }],
          },
        },
      };
      return finish({ dsseEnvelope: envelope }, s, sig, { v1, v2, kind: 'dsse' }, opts);
    },
    async signMessage(artifactIn, opts = {}) {
      const artifact = Buffer.from(artifactIn);
      const digest = sha256(artifact);
      const s = await signer(opts);
      const sig = sign('sha256', artifact, s.privateKey);
      const v1 = {
        apiVersion: '0.0.1',
        kind: 'hashedrekord',
        spec: {
          data: { hash: { algorithm: 'sha256', value: digest.toString('hex') } },
          signature: { content: b64(sig), publicKey: { content: b64(s.verifierPem) } },
        },
      };
      const v2 = {
        apiVersion: '0.0.2',
        kind: 'hashedrekord',
        spec: {
          hashedRekordV002: {
            data: { algorithm: 'SHA2_256', digest: b64(digest) },
            signature: { content: b64(sig), verifier: v2Verifier(s) },
          },
        },
      };
      return finish(
        { messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: b64(digest) }, signature: b64(sig) } },
        s,
        sig,
        { v1, v2, kind: 'hashedrekord' },
        opts,
      );
    },
  };
}
