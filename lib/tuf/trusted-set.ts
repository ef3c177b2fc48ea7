import type { Metadata, MetaFile, Root, Snapshot, Targets, Timestamp } from '@tufjs/models';
import { TufError } from '../errors.ts';
import { checkExpiry, checkLengthAndHashes, checkNameVersion, info, sameKeys } from './checks.ts';
import { parseMetadata } from './parse.ts';
import { verifyThreshold } from './signatures.ts';
import type { RoleInfo } from './types.ts';

// The set of metadata trusted so far, in the manner of python-tuf's
// TrustedMetadataSet: it takes bytes, checks them against what it already
// trusts, and only ever moves forward. Calls out of order are programming
// errors and throw. It does no I/O; `now` and `graceMs` are inputs.
// Step numbers refer to the TUF specification v1.0.x, "Detailed client workflow".

/** Versions remembered from earlier checks (the trust state), used for rollback checks. */
export interface StoredVersions {
  timestamp?: number | undefined;
  snapshot?: number | undefined;
  targets?: number | undefined;
  delegated?: Record<string, number> | undefined;
}

type Phase = 'root' | 'timestamp' | 'snapshot' | 'targets' | 'delegated';

export interface Loaded<T extends Root | Timestamp | Snapshot | Targets> {
  md: Metadata<T>;
  info: RoleInfo;
  /** The file it was read from, for messages. */
  file: string;
}

export class TrustedMetadataSet {
  readonly now: Date;
  readonly graceMs: number;
  private phase: Phase = 'root';
  private rootMd: Metadata<Root>;
  private readonly startRoot: Root;
  private stored: StoredVersions;
  private timestampMd?: Metadata<Timestamp>;
  private snapshotMd?: Metadata<Snapshot>;
  private readonly targetsRoles = new Map<string, Loaded<Targets>>();
  rootInfo?: RoleInfo;
  timestampInfo?: RoleInfo;
  snapshotInfo?: RoleInfo;

  /**
   * 5.2: load the trusted root (the pinned one, or the newer one of the trust
   * state). It must be signed by a threshold of its own root keys; its expiry
   * is only checked once the chain is complete (5.3.10).
   */
  constructor(rootBytes: Uint8Array, rootFile: string, opts: { now: Date; graceMs?: number; stored?: StoredVersions }) {
    this.now = opts.now;
    this.graceMs = opts.graceMs ?? 0;
    this.stored = { ...opts.stored };
    const md = parseMetadata(rootBytes, 'root', rootFile);
    verifyThreshold(md.signed.keys, md.signed.roles.root, md, 'root', rootFile);
    this.rootMd = md;
    this.startRoot = md.signed;
  }

  get root(): Root {
    return this.rootMd.signed;
  }

  private expect(phase: Phase, action: string): void {
    if (this.phase !== phase) throw new Error(`TrustedMetadataSet: cannot ${action} in phase ${this.phase}`);
  }

  /** 5.3.3-5.3.9: accept root version N+1 of the trusted root N. */
  updateRoot(bytes: Uint8Array, name: string, file: string): Metadata<Root> {
    this.expect('root', 'update root');
    const md = parseMetadata(bytes, 'root', file);
    checkNameVersion(file, name, md.signed.version);
    const trusted = this.rootMd.signed;
    // 5.3.4: signed by a threshold of the keys of the trusted root ...
    verifyThreshold(trusted.keys, trusted.roles.root, md, `root v${md.signed.version} (by the keys of trusted root v${trusted.version})`, file);
    // ... and by a threshold of its own keys.
    verifyThreshold(md.signed.keys, md.signed.roles.root, md, `root v${md.signed.version} (by its own keys)`, file);
    // 5.3.5: exactly N+1, never a skip or a rollback.
    if (md.signed.version !== trusted.version + 1) {
      throw new TufError('TUF_ROOT_VERSION', `version ${md.signed.version}, expected ${trusted.version + 1}`, { file });
    }
    // 5.3.6: intermediate roots may be expired; only the final one (5.3.10) must not be.
    this.rootMd = md;
    return md;
  }

  /**
   * Ends the root chain. 5.3.10: the final root must not be expired, whatever
   * the grace. 5.3.11: if the timestamp or snapshot keys changed since the
   * root the stored versions were trusted under, forget the stored timestamp
   * and snapshot versions (fast-forward attack recovery).
   */
  finishRoots(file: string): RoleInfo {
    this.expect('root', 'finish roots');
    checkExpiry(this.root.expires, this.now, 0, `root v${this.root.version}`, file);
    if (!sameKeys(this.startRoot, this.root, 'timestamp') || !sameKeys(this.startRoot, this.root, 'snapshot')) {
      this.stored = { ...this.stored, timestamp: undefined, snapshot: undefined };
    }
    this.phase = 'timestamp';
    this.rootInfo = info(this.root);
    return this.rootInfo;
  }

  /** 5.4: timestamp. */
  updateTimestamp(bytes: Uint8Array, file: string): Metadata<Timestamp> {
    this.expect('timestamp', 'update timestamp');
    const md = parseMetadata(bytes, 'timestamp', file);
    // 5.4.2: signed by a threshold of the timestamp keys of the final root.
    verifyThreshold(this.root.keys, this.root.roles.timestamp, md, 'timestamp', file);
    // 5.4.3.1: no rollback of the timestamp version (equal is the same copy again).
    const storedTs = this.stored.timestamp;
    if (storedTs !== undefined && md.signed.version < storedTs) {
      throw new TufError('TUF_ROLLBACK', `version ${md.signed.version} < trusted ${storedTs}`, { file });
    }
    // 5.4.3.2: no rollback of the snapshot version it names.
    const storedSnap = this.stored.snapshot;
    if (storedSnap !== undefined && md.signed.snapshotMeta.version < storedSnap) {
      throw new TufError('TUF_ROLLBACK', `names snapshot version ${md.signed.snapshotMeta.version} < trusted ${storedSnap}`, { file });
    }
    // 5.4.4: freeze attack.
    const { expiredBy } = checkExpiry(md.signed.expires, this.now, this.graceMs, 'timestamp', file);
    this.timestampMd = md;
    this.timestampInfo = info(md.signed, expiredBy);
    this.phase = 'snapshot';
    return md;
  }

  /** What the trusted timestamp says about snapshot.json. */
  get snapshotMeta(): MetaFile {
    if (!this.timestampMd) throw new Error('TrustedMetadataSet: no timestamp yet');
    return this.timestampMd.signed.snapshotMeta;
  }

  /** 5.5: snapshot. */
  updateSnapshot(bytes: Uint8Array, name: string, file: string): Metadata<Snapshot> {
    this.expect('snapshot', 'update snapshot');
    const meta = this.snapshotMeta;
    // 5.5.2: length and hashes the timestamp records, before parsing.
    checkLengthAndHashes(bytes, meta, file, 'the timestamp');
    const md = parseMetadata(bytes, 'snapshot', file);
    checkNameVersion(file, name, md.signed.version);
    // 5.5.3: signed by a threshold of the snapshot keys of the final root.
    verifyThreshold(this.root.keys, this.root.roles.snapshot, md, 'snapshot', file);
    // 5.5.4: the version the timestamp names.
    if (md.signed.version !== meta.version) {
      throw new TufError('TUF_VERSION_MISMATCH', `version ${md.signed.version}, the timestamp names ${meta.version}`, { file });
    }
    // 5.5.5: no rollback of targets metadata versions trusted before.
    const olds: Array<[string, number | undefined]> = [
      ['targets.json', this.stored.targets],
      ...Object.entries(this.stored.delegated ?? {}).map(([role, v]): [string, number] => [`${role}.json`, v]),
    ];
    for (const [metaName, old] of olds) {
      const now = md.signed.meta[metaName];
      if (old === undefined) continue;
      // A role trusted before must stay listed: dropping it would hide its rollback.
      if (now === undefined) throw new TufError('TUF_ROLLBACK', `no longer lists ${metaName}, trusted at version ${old}`, { file });
      if (now.version < old) {
        throw new TufError('TUF_ROLLBACK', `names ${metaName} version ${now.version} < trusted ${old}`, { file });
      }
    }
    // 5.5.6: freeze attack.
    const { expiredBy } = checkExpiry(md.signed.expires, this.now, this.graceMs, 'snapshot', file);
    this.snapshotMd = md;
    this.snapshotInfo = info(md.signed, expiredBy);
    this.phase = 'targets';
    return md;
  }

  /** What the trusted snapshot says about `<role>.json`. */
  metaFor(role: string, snapshotFile: string): MetaFile {
    if (!this.snapshotMd) throw new Error('TrustedMetadataSet: no snapshot yet');
    const meta = this.snapshotMd.signed.meta[`${role}.json`];
    if (!meta) throw new TufError('TUF_MISSING_FILE', `the snapshot does not list ${role}.json`, { file: snapshotFile, field: 'signed.meta' });
    return meta;
  }

  /** 5.6.1-5.6.5 for top-level targets (delegator 'root') and delegated roles (delegator: a loaded targets role). */
  updateTargets(bytes: Uint8Array, role: string, delegator: string, name: string, file: string, snapshotFile: string): Loaded<Targets> {
    if (role === 'targets') this.expect('targets', 'update targets');
    else this.expect('delegated', `update ${role}`);
    const meta = this.metaFor(role, snapshotFile);
    // 5.6.2: length and hashes the snapshot records, before parsing.
    checkLengthAndHashes(bytes, meta, file, 'the snapshot');
    const md = parseMetadata(bytes, 'targets', file);
    checkNameVersion(file, name, md.signed.version);
    // 5.6.3: signed by a threshold of the delegating role's keys for this role.
    if (delegator === 'root') {
      verifyThreshold(this.root.keys, this.root.roles.targets, md, 'targets', file);
    } else {
      const parent = this.targetsRoles.get(delegator)?.md.signed.delegations;
      if (!parent) throw new Error(`TrustedMetadataSet: ${delegator} is not loaded or delegates nothing`);
      const r = parent.roles?.[role] ?? (parent.succinctRoles?.isDelegatedRole(role) ? parent.succinctRoles : undefined);
      verifyThreshold(parent.keys, r, md, role, file);
    }
    // 5.6.4: the version the snapshot names.
    if (md.signed.version !== meta.version) {
      throw new TufError('TUF_VERSION_MISMATCH', `version ${md.signed.version}, the snapshot names ${meta.version}`, { file });
    }
    const old = role === 'targets' ? this.stored.targets : this.stored.delegated?.[role];
    if (old !== undefined && md.signed.version < old) {
      throw new TufError('TUF_ROLLBACK', `version ${md.signed.version} < trusted ${old}`, { file });
    }
    // 5.6.5: freeze attack.
    const { expiredBy } = checkExpiry(md.signed.expires, this.now, this.graceMs, role, file);
    const loaded: Loaded<Targets> = { md, info: info(md.signed, expiredBy), file };
    this.targetsRoles.set(role, loaded);
    this.phase = 'delegated';
    return loaded;
  }

  getTargets(role: string): Loaded<Targets> | undefined {
    return this.targetsRoles.get(role);
  }

  get loadedRoles(): ReadonlyMap<string, Loaded<Targets>> {
    return this.targetsRoles;
  }
}
