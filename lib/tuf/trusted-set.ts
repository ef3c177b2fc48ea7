import type { Metadata, MetaFile, Root, Snapshot, Targets, Timestamp } from '@tufjs/models';
import { TufError } from '../errors.ts';
import { sha256Hex } from '../util/digest.ts';
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
  /** sha256 of the trusted timestamp / snapshot: a file of the same version must be the same file. */
  timestampSha256?: string | undefined;
  snapshotSha256?: string | undefined;
  /** Versions of every role the trusted snapshot listed (5.5.5), by meta name (`targets.json`). */
  snapshotMeta?: Record<string, number> | undefined;
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
  /**
   * Equal-version checks, run by `assertNoFork` once every other check passed
   * (so that a rollback or expiry is reported as such first).
   */
  private readonly forks: Array<() => void> = [];
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
    verifyThreshold(
      trusted.keys,
      trusted.roles.root,
      md,
      `root v${md.signed.version} (by the keys of trusted root v${trusted.version})`,
      file,
    );
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
      this.stored = {
        ...this.stored,
        timestamp: undefined,
        snapshot: undefined,
        timestampSha256: undefined,
        snapshotSha256: undefined,
        snapshotMeta: undefined,
      };
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
    // Equal is fine only for the same file: another timestamp of the trusted
    // version is a fork (a leaked key or a replayed older signing), never an update.
    this.forks.push(() => sameContent(bytes, md.signed.version, storedTs, this.stored.timestampSha256, file));
    // 5.4.3.2: no rollback of the snapshot version it names.
    const storedSnap = this.stored.snapshot;
    if (storedSnap !== undefined && md.signed.snapshotMeta.version < storedSnap) {
      throw new TufError(
        'TUF_ROLLBACK',
        `names snapshot version ${md.signed.snapshotMeta.version} < trusted ${storedSnap}`,
        { file },
      );
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
      throw new TufError('TUF_VERSION_MISMATCH', `version ${md.signed.version}, the timestamp names ${meta.version}`, {
        file,
      });
    }
    // The trusted snapshot version again must be the trusted snapshot file.
    const storedSnap = this.stored.snapshot;
    this.forks.push(() => sameContent(bytes, md.signed.version, storedSnap, this.stored.snapshotSha256, file));
    // 5.5.5: no rollback of targets metadata versions trusted before: every
    // role the trusted snapshot listed (loaded or not), and every role loaded.
    const olds: Array<[string, number | undefined]> = [
      ...Object.entries(this.stored.snapshotMeta ?? {}),
      ['targets.json', this.stored.targets],
      ...Object.entries(this.stored.delegated ?? {}).map(([role, v]): [string, number] => [`${role}.json`, v]),
    ];
    for (const [metaName, old] of olds) {
      const now = md.signed.meta[metaName];
      if (old === undefined) continue;
      // A role trusted before must stay listed: dropping it would hide its rollback.
      if (now === undefined)
        throw new TufError('TUF_ROLLBACK', `no longer lists ${metaName}, trusted at version ${old}`, { file });
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

  /** Version of every role the trusted snapshot lists, by meta name (for the trust state, 5.5.5). */
  get snapshotVersions(): Record<string, number> {
    if (!this.snapshotMd) throw new Error('TrustedMetadataSet: no snapshot yet');
    return Object.fromEntries(Object.entries(this.snapshotMd.signed.meta).map(([name, m]) => [name, m.version]));
  }

  /** What the trusted snapshot says about `<role>.json`. */
  metaFor(role: string, snapshotFile: string): MetaFile {
    if (!this.snapshotMd) throw new Error('TrustedMetadataSet: no snapshot yet');
    const meta = this.snapshotMd.signed.meta[`${role}.json`];
    if (!meta)
      throw new TufError('TUF_MISSING_FILE', `the snapshot does not list ${role}.json`, {
        file: snapshotFile,
        field: 'signed.meta',
      });
    return meta;
  }

  /** 5.6.1-5.6.5 for top-level targets (delegator 'root') and delegated roles (delegator: a loaded targets role). */
  updateTargets(
    bytes: Uint8Array,
    role: string,
    delegator: string,
    name: string,
    file: string,
    snapshotFile: string,
  ): Loaded<Targets> {
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
      const r =
        parent.roles?.[role] ?? (parent.succinctRoles?.isDelegatedRole(role) ? parent.succinctRoles : undefined);
      verifyThreshold(parent.keys, r, md, role, file);
    }
    // 5.6.4: the version the snapshot names.
    if (md.signed.version !== meta.version) {
      throw new TufError('TUF_VERSION_MISMATCH', `version ${md.signed.version}, the snapshot names ${meta.version}`, {
        file,
      });
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

  /**
   * A timestamp or snapshot of the version trusted before must be the very
   * file trusted before: two different files of one version are a fork (a
   * leaked key, or an attacker replaying a rival signing), never an update.
   * The updater calls this last, before it reports success.
   */
  assertNoFork(): void {
    for (const f of this.forks) f();
  }

  getTargets(role: string): Loaded<Targets> | undefined {
    return this.targetsRoles.get(role);
  }

  get loadedRoles(): ReadonlyMap<string, Loaded<Targets>> {
    return this.targetsRoles;
  }
}

/** Refuses a file of the trusted version whose bytes differ from the trusted file's. */
function sameContent(
  bytes: Uint8Array,
  version: number,
  storedVersion: number | undefined,
  storedSha256: string | undefined,
  file: string,
): void {
  if (storedVersion === undefined || storedSha256 === undefined || version !== storedVersion) return;
  const got = sha256Hex(bytes);
  if (got !== storedSha256) {
    throw new TufError(
      'TUF_ROLLBACK',
      `version ${version} equals the trusted version but the file differs (sha256 ${got.slice(0, 16)}…, trusted ` +
        `${storedSha256.slice(0, 16)}…)`,
      { file },
    );
  }
}
