import { TufError } from '../errors.ts';
import { TUF_LIMITS, type TufLimits } from '../util/caps.ts';
import { sha256Hex } from '../util/digest.ts';
import { checkLengthAndHashes } from './checks.ts';
import { versionFromName } from './parse.ts';
import { findTarget, targetPath } from './targets.ts';
import { TrustedMetadataSet } from './trusted-set.ts';
import type { PinnedRoot, RepositorySource, TrustResult, TrustState, VerifiedTarget } from './types.ts';

// The updater: the only part of lib/tuf that reads from a RepositorySource.
// It walks the client workflow of the TUF specification (5.3 root, 5.4
// timestamp, 5.5 snapshot, 5.6 targets and delegations, 5.7 target files) over a local copy,
// feeding bytes to the TrustedMetadataSet, and collects what it verified.

/** Targets every Sigstore client needs; the first is required. */
export const REQUIRED_TARGET = 'trusted_root.json';
export const OPTIONAL_TARGETS = ['signing_config.v0.2.json', 'signing_config.json'] as const;

type MetaRole = 'root' | 'timestamp' | 'snapshot' | 'targets';
const CAP_OF = {
  root: 'rootMaxBytes',
  timestamp: 'timestampMaxBytes',
  snapshot: 'snapshotMaxBytes',
  targets: 'targetsMaxBytes',
} as const satisfies Record<MetaRole, keyof TufLimits>;

export interface VerifyOptions {
  pinned: PinnedRoot;
  now: Date;
  graceMs?: number;
  state?: TrustState;
  /** Overrides of the one set of limits (lib/util/caps.ts TUF_LIMITS), as python-tuf's UpdaterConfig. */
  limits?: Partial<TufLimits>;
  /** How to name the trust state in messages (its file path). */
  stateFile?: string;
  /** Target names to verify besides trusted_root.json and the signing configs (optional targets: absent is fine). */
  extraTargets?: string[];
}

export async function verifyRepository(source: RepositorySource, opts: VerifyOptions): Promise<TrustResult> {
  const graceMs = opts.graceMs ?? 0;
  const limits: TufLimits = { ...TUF_LIMITS, ...opts.limits };
  const cap = (role: MetaRole) => limits[CAP_OF[role]];
  const targetCap = limits.targetMaxBytes;
  const files: TrustResult['files'] = [];
  const record = (path: string, bytes: Uint8Array) =>
    files.push({ path, sha256: sha256Hex(bytes), size: bytes.length });
  const readMeta = async (name: string, role: MetaRole, required: string): Promise<Uint8Array> => {
    const bytes = await source.readMetadata(name, cap(role));
    if (!bytes)
      throw new TufError('TUF_MISSING_FILE', `not in the copy (${required})`, { file: source.describeMetadata(name) });
    return bytes;
  };

  // 5.2: start from the pinned root, or the newer root the trust state holds.
  const state = opts.state;
  const fromState = state !== undefined && state.rootVersion > opts.pinned.version;
  const stateLabel = opts.stateFile ?? 'trust state';
  const set = new TrustedMetadataSet(
    fromState ? state.root : opts.pinned.bytes,
    fromState ? stateLabel : opts.pinned.label,
    {
      now: opts.now,
      graceMs,
      stored: {
        timestamp: state?.timestamp,
        snapshot: state?.snapshot,
        targets: state?.targets,
        delegated: state?.delegated,
        timestampSha256: state?.timestampSha256,
        snapshotSha256: state?.snapshotSha256,
        snapshotMeta: state?.snapshotMeta,
      },
    },
  );
  let rootBytes = fromState ? state.root : opts.pinned.bytes;
  let rootFile = fromState ? stateLabel : opts.pinned.label;

  // 5.3: walk N+1.root.json until the copy has no next version.
  for (let i = 0; i < limits.maxRootRotations; i++) {
    const name = `${set.root.version + 1}.root.json`;
    const bytes = await source.readMetadata(name, cap('root'));
    if (!bytes) break;
    set.updateRoot(bytes, name, source.describeMetadata(name));
    rootBytes = bytes;
    rootFile = source.describeMetadata(name);
    record(`metadata/${name}`, bytes);
  }
  // A copy holding a root beyond a gap would silently stop the walk at the
  // gap, trusting an older root than the copy carries: refuse it.
  const listed = (await source.listMetadata?.()) ?? [];
  // Named as the copy names it (`015.root.json`), not as its version would be written.
  const beyond = listed
    .filter((n) => /^\d+\.root\.json$/.test(n))
    .map((n) => ({ name: n, version: versionFromName(n)! }))
    .filter((r) => r.version > set.root.version)
    .sort((a, b) => b.version - a.version);
  if (beyond[0]) {
    const next = `${set.root.version + 1}.root.json`;
    throw new TufError(
      'TUF_ROOT_VERSION',
      `the copy holds ${beyond[0].name} but the verified root chain ends at v${set.root.version} (no usable ${next})`,
      { file: source.describeMetadata(next) },
    );
  }
  const rootInfo = set.finishRoots(rootFile);
  const consistent = set.root.consistentSnapshot;

  // 5.4: timestamp.
  const tsBytes = await readMeta('timestamp.json', 'timestamp', 'timestamp.json is required');
  const tsFile = source.describeMetadata('timestamp.json');
  set.updateTimestamp(tsBytes, tsFile);
  record('metadata/timestamp.json', tsBytes);

  // 5.5: snapshot.
  const snapName = consistent ? `${set.snapshotMeta.version}.snapshot.json` : 'snapshot.json';
  const snapFile = source.describeMetadata(snapName);
  const snapBytes = await readMeta(snapName, 'snapshot', 'the timestamp names it');
  set.updateSnapshot(snapBytes, snapName, snapFile);
  record(`metadata/${snapName}`, snapBytes);

  // 5.6: top-level targets; delegated roles only when a needed target is delegated (5.6.7).
  const loadRole = async (role: string, delegator: string) => {
    const meta = set.metaFor(role, snapFile);
    const name = consistent ? `${meta.version}.${role}.json` : `${role}.json`;
    const bytes = await readMeta(name, 'targets', 'the snapshot names it');
    const loaded = set.updateTargets(bytes, role, delegator, name, source.describeMetadata(name), snapFile);
    record(`metadata/${name}`, bytes);
    return loaded;
  };
  const top = await loadRole('targets', 'root');

  // 5.6.7 + 5.7: find each needed target (through delegations if need be),
  // read it by its consistent name, and check its length and hashes (5.7.2);
  // a required target nobody lists is 5.7.1's "no such target".
  const targetFiles: VerifiedTarget[] = [];
  const wanted: Array<[string, boolean]> = [
    [REQUIRED_TARGET, true],
    ...[...OPTIONAL_TARGETS, ...(opts.extraTargets ?? [])].map((n): [string, boolean] => [n, false]),
  ];
  for (const [name, required] of wanted) {
    const found = await findTarget(name, (r) => set.getTargets(r), loadRole, limits.maxDelegations);
    if (!found) {
      if (required)
        throw new TufError('TUF_UNKNOWN_TARGET', `${name} is not listed in the verified targets metadata`, {
          file: top.file,
        });
      continue;
    }
    const { hashedName, sha256 } = targetPath(found, consistent);
    const file = source.describeTarget(hashedName);
    if (found.target.length > targetCap)
      throw new TufError(
        'TUF_TOO_LARGE',
        `${found.listedIn} records ${found.target.length} bytes > cap of ${targetCap}`,
        {
          file,
        },
      );
    // Never more than the targets metadata records: a longer file is refused while read.
    const bytes = await source.readTarget(hashedName, targetCap);
    if (!bytes) throw new TufError('TUF_MISSING_FILE', `not in the copy (${found.listedIn} lists ${name})`, { file });
    checkLengthAndHashes(
      bytes,
      { length: found.target.length, hashes: found.target.hashes },
      file,
      'the targets metadata',
    );
    const path = `targets/${hashedName}`;
    record(path, bytes);
    targetFiles.push({ name, length: found.target.length, sha256, bytes, path });
  }

  set.assertNoFork();
  const delegated: Record<string, number> = { ...state?.delegated };
  for (const [role, l] of set.loadedRoles) if (role !== 'targets') delegated[role] = l.info.version;
  const newState: TrustState = {
    root: rootBytes,
    rootVersion: rootInfo.version,
    timestamp: set.timestampInfo!.version,
    snapshot: set.snapshotInfo!.version,
    targets: top.info.version,
    timestampSha256: sha256Hex(tsBytes),
    snapshotSha256: sha256Hex(snapBytes),
    snapshotMeta: set.snapshotVersions,
  };
  if (Object.keys(delegated).length) newState.delegated = delegated;
  const roles = [set.timestampInfo!, set.snapshotInfo!, top.info];
  return {
    pinned: { label: opts.pinned.label, version: opts.pinned.version, sha256: opts.pinned.sha256 },
    now: opts.now.toISOString(),
    graceMs,
    root: rootInfo,
    timestamp: set.timestampInfo!,
    snapshot: set.snapshotInfo!,
    targets: top.info,
    graceUsed:
      roles.some((r) => r.expiredBy !== undefined) ||
      [...set.loadedRoles.values()].some((l) => l.info.expiredBy !== undefined),
    targetFiles,
    files,
    newState,
  };
}
