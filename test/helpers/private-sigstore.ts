import { createHash, sign, type KeyObject } from 'node:crypto';
import { dsse, json as canonicalJson, pem } from '@sigstore/core';
import { OID, createSigstoreInstance, type SigstoreTestInstance } from './sigstore-fixtures.ts';
import { TestTufRepo } from './tuf-repo.ts';
import type { Json } from './loose-json.ts';

// A private Sigstore deployment for tests and benchmarks: the generated CA, CT
// log, Rekor logs and TSA of sigstore-fixtures.ts, a TUF repository (its own
// keys and root) whose targets carry the matching trusted_root.json, and a
// signer that makes PEP 740 provenance (PyPI Integrity API format, with its
// publisher) for any number of files. Fast enough for thousands: one key and
// certificate per publisher, one Rekor v1 batch per call (the Merkle tree is
// hashed once, one signed checkpoint for the batch, one SET per entry).
//
// GitHub and GitLab publishers only: the mock CA writes URI SANs, and a
// Google publisher's certificate needs an e-mail SAN.

export type PrivatePublisher =
  | { kind: 'GitHub'; repository: string; workflow: string; environment?: string }
  | { kind: 'GitLab'; repository: string; workflow_filepath: string; environment?: string };

export interface FileToSign {
  filename: string;
  sha256: string;
}

const BUILD_CONFIG_URI = '1.3.6.1.4.1.57264.1.18';
const b64 = (b: Uint8Array | string) => Buffer.from(b).toString('base64');
const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** RFC 6962 Merkle tree over a fixed list of leaf hashes; subtree hashes computed once. */
class MerkleTree {
  private readonly memo = new Map<string, Buffer>();
  private readonly leaves: Buffer[];
  constructor(leaves: Buffer[]) {
    this.leaves = leaves;
  }

  private static split(n: number): number {
    let k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  }
  hash(lo = 0, hi = this.leaves.length): Buffer {
    if (hi - lo === 1) return this.leaves[lo]!;
    const id = `${lo}:${hi}`;
    let h = this.memo.get(id);
    if (h === undefined) {
      const k = lo + MerkleTree.split(hi - lo);
      h = sha256(Buffer.from([1]), this.hash(lo, k), this.hash(k, hi));
      this.memo.set(id, h);
    }
    return h;
  }
  proof(m: number, lo = 0, hi = this.leaves.length): Buffer[] {
    if (hi - lo <= 1) return [];
    const k = lo + MerkleTree.split(hi - lo);
    return m < k ? [...this.proof(m, lo, k), this.hash(k, hi)] : [...this.proof(m, k, hi), this.hash(lo, k)];
  }
}

function identity(
  p: PrivatePublisher,
  ref: string,
): { san: string; issuer: string; extensions: { oid: string; value: string }[] } {
  const [host, path, workflow] =
    p.kind === 'GitHub'
      ? ['https://github.com', '/.github/workflows/', p.workflow]
      : ['https://gitlab.com', '//', p.workflow_filepath];
  const repo = `${host}/${p.repository}`;
  const san = `${repo}${path}${workflow}@${ref}`;
  return {
    san,
    issuer: p.kind === 'GitHub' ? 'https://token.actions.githubusercontent.com' : 'https://gitlab.com',
    extensions: [
      { oid: OID.sourceRepositoryURI, value: repo },
      { oid: OID.sourceRepositoryRef, value: ref },
      { oid: BUILD_CONFIG_URI, value: san },
    ],
  };
}

export class PrivateSigstore {
  private readonly signers = new Map<string, Promise<{ privateKey: KeyObject; certificate: Buffer }>>();
  private logSize = 0;

  readonly instance: SigstoreTestInstance;
  private constructor(instance: SigstoreTestInstance) {
    this.instance = instance;
  }

  static async create(): Promise<PrivateSigstore> {
    return new PrivateSigstore(await createSigstoreInstance());
  }

  /** trusted_root.json of the deployment. */
  trustedRoot(): Json {
    return this.instance.trustedRoot();
  }

  /**
   * A TUF repository (own keys, in `dir` or a new temp folder) serving trusted_root.json; pin its metadata/1.root.json
   * with --root.
   */
  async tufRepo(dir?: string): Promise<TestTufRepo> {
    const repo = await TestTufRepo.create(dir === undefined ? {} : { dir });
    repo.files.set('trusted_root.json', Buffer.from(JSON.stringify(this.trustedRoot())));
    await repo.write();
    return repo;
  }

  private signer(p: PrivatePublisher, ref: string) {
    const id = identity(p, ref);
    let s = this.signers.get(id.san);
    if (s === undefined) {
      s = this.instance.issue({ identity: id.san, issuer: id.issuer, extensions: id.extensions });
      this.signers.set(id.san, s);
    }
    return s;
  }

  /**
   * PEP 740 provenance objects for `files`, all published by `publisher`:
   * one publish attestation each, logged in one Rekor v1 batch. Returns the
   * provenance JSON bytes by filename.
   */
  async provenance(
    files: FileToSign[],
    publisher: PrivatePublisher,
    ref = 'refs/tags/v1',
  ): Promise<Map<string, Buffer>> {
    const { privateKey, certificate } = await this.signer(publisher, ref);
    const certPem = pem.fromDER(certificate);
    const log = this.instance.rekorV1;
    const signed = files.map((f) => {
      const statement = Buffer.from(
        JSON.stringify({
          _type: 'https://in-toto.io/Statement/v1',
          subject: [{ name: f.filename, digest: { sha256: f.sha256 } }],
          predicateType: 'https://docs.pypi.org/attestations/publish/v1',
          predicate: null,
        }),
      );
      const payloadType = 'application/vnd.in-toto+json';
      const sig = sign('sha256', dsse.preAuthEncoding(payloadType, statement), privateKey);
      const envelope = { payload: b64(statement), payloadType, signatures: [{ sig: b64(sig), keyid: '' }] };
      const body = Buffer.from(
        canonicalJson.canonicalize({
          apiVersion: '0.0.1',
          kind: 'dsse',
          spec: {
            envelopeHash: { algorithm: 'sha256', value: sha256(Buffer.from(JSON.stringify(envelope))).toString('hex') },
            payloadHash: { algorithm: 'sha256', value: sha256(statement).toString('hex') },
            signatures: [{ signature: b64(sig), verifier: b64(certPem) }],
          },
        }),
      );
      return { f, statement, sig, body };
    });
    // The batch: entries after those of earlier batches (their leaves are not kept; only the sizes matter
    // for the indexes, so earlier leaves are replaced by stand-ins of the same count).
    const first = this.logSize;
    const leaves = [
      ...Array.from({ length: first }, (_, i) => sha256(Buffer.from(`earlier ${i}`))),
      ...signed.map((s) => sha256(Buffer.from([0]), s.body)),
    ];
    this.logSize = leaves.length;
    const tree = new MerkleTree(leaves);
    const root = tree.hash();
    const note = `${log.host} - 4242\n${leaves.length}\n${b64(root)}\n`;
    const noteSig = sign('sha256', Buffer.from(note), log.keys.privateKey);
    const checkpoint = `${note}\n\u2014 ${log.host} ${b64(Buffer.concat([log.logId.subarray(0, 4), noteSig]))}\n`;
    const integratedTime = Math.floor(this.instance.time.getTime() / 1000) + 1;
    const out = new Map<string, Buffer>();
    signed.forEach((s, i) => {
      const index = first + i;
      const set = canonicalJson.canonicalize({
        body: b64(s.body),
        integratedTime,
        logIndex: index,
        logID: log.logId.toString('hex'),
      });
      const entry = {
        logIndex: String(index),
        logId: { keyId: b64(log.logId) },
        kindVersion: { kind: 'dsse', version: '0.0.1' },
        integratedTime: String(integratedTime),
        inclusionPromise: { signedEntryTimestamp: b64(sign('sha256', Buffer.from(set), log.keys.privateKey)) },
        inclusionProof: {
          logIndex: String(index),
          rootHash: b64(root),
          treeSize: String(leaves.length),
          hashes: tree.proof(index).map(b64),
          checkpoint: { envelope: checkpoint },
        },
        canonicalizedBody: b64(s.body),
      };
      const attestation = {
        version: 1,
        verification_material: { certificate: b64(certificate), transparency_entries: [entry] },
        envelope: { statement: b64(s.statement), signature: b64(s.sig) },
      };
      const claim = { environment: null, ...publisher };
      out.set(
        s.f.filename,
        Buffer.from(
          JSON.stringify({ version: 1, attestation_bundles: [{ publisher: claim, attestations: [attestation] }] }),
        ),
      );
    });
    return out;
  }
}
