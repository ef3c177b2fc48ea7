import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { canonicalize } from '@tufjs/canonical-json';
import type { PinnedRoot } from '../../lib/tuf/types.ts';
import type { Json } from './loose-json.ts';

// Builds small TUF repositories signed by keys generated in the test (node:crypto
// ed25519 / ECDSA P-256), written in the canonical layout (metadata/, targets/).
// Every part is a plain JSON object the test can change before `write()`, and
// `hooks` change a role's `signed` just before it is signed, so attacks are
// expressed as data: wrong _type, old versions, other signers, bad hashes.

export type RoleName = 'root' | 'timestamp' | 'snapshot' | 'targets';

export interface TestKey {
  keyid: string;
  /** The key as TUF metadata lists it. */
  json: { keytype: string; scheme: string; keyval: { public: string } };
  privateKey: KeyObject;
  alg: 'ed25519' | 'ecdsa';
}

export function generateKey(alg: 'ed25519' | 'ecdsa' = 'ed25519'): TestKey {
  if (alg === 'ed25519') {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    const json = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: raw.toString('hex') } };
    return { keyid: keyIdOf(json), json, privateKey, alg };
  }
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const json = { keytype: 'ecdsa', scheme: 'ecdsa-sha2-nistp256', keyval: { public: pem } };
  return { keyid: keyIdOf(json), json, privateKey, alg };
}

/** TUF's usual key id: sha256 of the canonical JSON of the key. */
export function keyIdOf(json: object): string {
  return createHash('sha256').update(canonicalize(json)).digest('hex');
}

export function signatureOf(key: TestKey, signed: Json, keyid = key.keyid): { keyid: string; sig: string } {
  const data = Buffer.from(canonicalize(signed));
  const sig = sign(key.alg === 'ed25519' ? null : 'sha256', data, key.privateKey);
  return { keyid, sig: sig.toString('hex') };
}

export function signDoc(
  signed: Json,
  keys: TestKey[],
): { signatures: Array<{ keyid: string; sig: string }>; signed: Json } {
  return { signatures: keys.map((k) => signatureOf(k, signed)), signed };
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const FAR = '2099-01-01T00:00:00Z';

export function encode(doc: unknown): Uint8Array {
  return Buffer.from(`${JSON.stringify(doc, null, 1)}\n`);
}

export class TestTufRepo {
  readonly dir: string;
  consistentSnapshot = true;
  keys: Record<RoleName, TestKey[]>;
  thresholds: Record<RoleName, number> = { root: 1, timestamp: 1, snapshot: 1, targets: 1 };
  /** Signed root documents; index i holds version i+1. Edit or replace to attack. */
  roots: Array<{ signatures: Array<{ keyid: string; sig: string }>; signed: Json }> = [];
  rootExpires = FAR;
  timestamp = { version: 1, expires: FAR };
  snapshot = { version: 1, expires: FAR, length: true, hashes: true };
  targets = { version: 1, expires: FAR, length: true, hashes: true };
  /** Target files by name; trusted_root.json by default. */
  files = new Map<string, Uint8Array>([
    ['trusted_root.json', Buffer.from('{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}\n')],
  ]);
  /** Change a role's `signed` just before it is signed (after the builder filled it in). */
  hooks: Partial<Record<Exclude<RoleName, 'root'>, (signed: Json) => void>> = {};
  /** Sign a role with these keys instead of the role's keys. */
  signers: Partial<Record<Exclude<RoleName, 'root'>, TestKey[]>> = {};
  /** Change a role's whole document (signatures included) just before it is encoded. */
  docHooks: Partial<Record<Exclude<RoleName, 'root'>, (doc: Json) => void>> = {};
  /**
   * Delegated targets roles of the top-level targets, in order. Their files
   * are listed in the delegated role instead of the top-level targets.
   */
  delegated: Array<{
    name: string;
    keys: TestKey[];
    threshold: number;
    paths: string[];
    terminating?: boolean;
    version: number;
    expires: string;
    files: Map<string, Uint8Array>;
    signers?: TestKey[];
  }> = [];

  private constructor(dir: string, alg: 'ed25519' | 'ecdsa') {
    this.dir = dir;
    this.keys = {
      root: [generateKey(alg)],
      timestamp: [generateKey(alg)],
      snapshot: [generateKey(alg)],
      targets: [generateKey(alg)],
    };
  }

  /** A repository with root v1 in a fresh temp folder (or `dir`). */
  static async create(
    opts: { dir?: string; alg?: 'ed25519' | 'ecdsa'; rootKeys?: number; rootThreshold?: number } = {},
  ): Promise<TestTufRepo> {
    const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'airlock-tuf-repo-')));
    const repo = new TestTufRepo(dir, opts.alg ?? 'ed25519');
    if (opts.rootKeys) repo.keys.root = Array.from({ length: opts.rootKeys }, () => generateKey(opts.alg));
    if (opts.rootThreshold) repo.thresholds.root = opts.rootThreshold;
    repo.addRoot();
    return repo;
  }

  /** The `signed` part of a root carrying the current keys and thresholds. */
  rootSigned(version: number): Json {
    const keys: Json = {};
    const roles: Json = {};
    for (const role of ['root', 'timestamp', 'snapshot', 'targets'] as const) {
      for (const k of this.keys[role]) keys[k.keyid] = k.json;
      roles[role] = { keyids: this.keys[role].map((k) => k.keyid), threshold: this.thresholds[role] };
    }
    return {
      _type: 'root',
      spec_version: '1.0.31',
      version,
      expires: this.rootExpires,
      consistent_snapshot: this.consistentSnapshot,
      keys,
      roles,
    };
  }

  /**
   * Appends root N+1 with the current keys, signed by the previous root's
   * keys and the new root keys (as a rotation must be), unless `signers` is given.
   */
  addRoot(opts: { signers?: TestKey[]; edit?: (signed: Json) => void } = {}): void {
    const version = this.roots.length + 1;
    const signed = this.rootSigned(version);
    opts.edit?.(signed);
    const prev = this.roots.at(-1);
    const prevKeys = prev ? this.rootKeysOf(prev.signed) : [];
    const signers = opts.signers ?? [...new Map([...prevKeys, ...this.keys.root].map((k) => [k.keyid, k])).values()];
    this.roots.push(signDoc(signed, signers));
  }

  private allKeys = new Map<string, TestKey>();
  private rootKeysOf(signed: Json): TestKey[] {
    for (const role of Object.values(this.keys)) for (const k of role) this.allKeys.set(k.keyid, k);
    return (signed.roles.root.keyids as string[])
      .map((id) => this.allKeys.get(id))
      .filter((k): k is TestKey => k !== undefined);
  }

  /** Replaces a role's keys by new ones (call addRoot() afterwards to publish the rotation). */
  rotate(role: RoleName, alg: 'ed25519' | 'ecdsa' = 'ed25519'): TestKey[] {
    for (const k of this.keys[role]) this.allKeys.set(k.keyid, k);
    this.keys[role] = [generateKey(alg)];
    for (const k of this.keys[role]) this.allKeys.set(k.keyid, k);
    return this.keys[role];
  }

  pinned(version = 1): PinnedRoot {
    const bytes = encode(this.roots[version - 1]);
    return { bytes, label: `test-pinned/${version}.root.json`, version, sha256: sha256(bytes) };
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** Path of a target under targets/ (consistent snapshot: HASH.NAME). */
  targetName(name: string, files: Map<string, Uint8Array> = this.files): string {
    if (!this.consistentSnapshot) return name;
    const data = files.get(name) ?? this.delegated.find((d) => d.files.has(name))?.files.get(name);
    if (!data) throw new Error(`no target ${name}`);
    const d = posix.dirname(name);
    return posix.join(d === '.' ? '' : d, `${sha256(data)}.${posix.basename(name)}`);
  }

  /** Writes every file afresh; returns the bytes written per path (relative to dir). */
  async write(): Promise<Map<string, Uint8Array>> {
    await rm(join(this.dir, 'metadata'), { recursive: true, force: true });
    await rm(join(this.dir, 'targets'), { recursive: true, force: true });
    const out = new Map<string, Uint8Array>();
    const put = (rel: string, bytes: Uint8Array) => out.set(rel, bytes);
    for (const [i, doc] of this.roots.entries()) put(`metadata/${i + 1}.root.json`, encode(doc));

    const listing = (files: Map<string, Uint8Array>) => {
      const map: Json = {};
      for (const [name, data] of files) {
        map[name] = { length: data.length, hashes: { sha256: sha256(data) } };
        put(`targets/${this.targetName(name, files)}`, data);
      }
      return map;
    };
    const role = (name: Exclude<RoleName, 'root'>, signed: Json) => {
      this.hooks[name]?.(signed);
      const doc = signDoc(signed, this.signers[name] ?? this.keys[name]);
      this.docHooks[name]?.(doc);
      return encode(doc);
    };
    const prefix = (v: number) => (this.consistentSnapshot ? `${v}.` : '');
    const snapMeta: Json = {};
    for (const d of this.delegated) {
      const bytes = encode(
        signDoc(
          {
            _type: 'targets',
            spec_version: '1.0.31',
            version: d.version,
            expires: d.expires,
            targets: listing(d.files),
          },
          d.signers ?? d.keys,
        ),
      );
      put(`metadata/${prefix(d.version)}${d.name}.json`, bytes);
      snapMeta[`${d.name}.json`] = { version: d.version };
    }
    const t = this.targets;
    const targetsSigned: Json = {
      _type: 'targets',
      spec_version: '1.0.31',
      version: t.version,
      expires: t.expires,
      targets: listing(this.files),
    };
    if (this.delegated.length) {
      const keys: Json = {};
      for (const d of this.delegated) for (const k of d.keys) keys[k.keyid] = k.json;
      const roles = this.delegated.map((d) => ({
        name: d.name,
        keyids: d.keys.map((k) => k.keyid),
        threshold: d.threshold,
        paths: d.paths,
        terminating: d.terminating ?? false,
      }));
      targetsSigned.delegations = { keys, roles };
    }
    const targetsBytes = role('targets', targetsSigned);
    put(`metadata/${prefix(t.version)}targets.json`, targetsBytes);
    const s = this.snapshot;
    const tMeta: Json = { version: t.version };
    if (t.length) tMeta.length = targetsBytes.length;
    if (t.hashes) tMeta.hashes = { sha256: sha256(targetsBytes) };
    const snapBytes = role('snapshot', {
      _type: 'snapshot',
      spec_version: '1.0.31',
      version: s.version,
      expires: s.expires,
      meta: { 'targets.json': tMeta, ...snapMeta },
    });
    put(`metadata/${prefix(s.version)}snapshot.json`, snapBytes);
    const sMeta: Json = { version: s.version };
    if (s.length) sMeta.length = snapBytes.length;
    if (s.hashes) sMeta.hashes = { sha256: sha256(snapBytes) };
    const ts = this.timestamp;
    put(
      'metadata/timestamp.json',
      role('timestamp', {
        _type: 'timestamp',
        spec_version: '1.0.31',
        version: ts.version,
        expires: ts.expires,
        meta: { 'snapshot.json': sMeta },
      }),
    );

    for (const [rel, bytes] of out) {
      await mkdir(dirname(join(this.dir, rel)), { recursive: true });
      await writeFile(join(this.dir, rel), bytes);
    }
    return out;
  }

  async cleanup(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
