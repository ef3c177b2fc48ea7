import { homedir } from 'node:os';
import { join } from 'node:path';
import { TufError, errorMessage } from '../errors.ts';
import { validateSchema } from '../schemas.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { sha256Hex } from '../util/digest.ts';
import { CAPS } from '../util/caps.ts';
import { parseJson, stringifyJson } from '../util/json.ts';
import { withLock } from '../util/lock.ts';
import { readUserFileIfExists } from '../util/read.ts';
import { parseMetadata } from './parse.ts';
import type { PinnedRoot, TrustState } from './types.ts';

// Trust state: what earlier successful checks trusted, one JSON file per
// pinned root (keyed by the pinned root's sha256, so a different --root never
// shares state). One file, written atomically, so that the root and the
// versions always change together. A state that cannot be read is an error,
// never a silent reset: resetting would re-open every rollback it guards.

// The stored form of a TrustState: the root as base64 with its version and
// sha256, the versions and digests as they are.
interface StateFile extends Omit<TrustState, 'root' | 'rootVersion'> {
  format: 'airlock-trust-state/1';
  pinned: { label: string; version: number; sha256: string };
  root: { version: number; sha256: string; base64: string };
}

const STATE_CAP = CAPS.trustState;

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  // XDG says relative paths are invalid and must be ignored.
  const base = xdg?.startsWith('/') ? xdg : join(homedir(), '.local', 'state');
  return join(base, 'airlock');
}

export function statePath(stateDir: string, pinned: PinnedRoot): string {
  return join(stateDir, 'tuf', `${pinned.instance ?? 'custom'}-${pinned.sha256}.json`);
}

/** The whole trust state of a pinned root (undefined when none is stored yet). */
export async function loadTrustState(stateDir: string, pinned: PinnedRoot): Promise<TrustState | undefined> {
  const path = statePath(stateDir, pinned);
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readUserFileIfExists(path, {
      cap: STATE_CAP,
      noFollow: true,
      tooLarge: () => new TufError('TUF_STATE_UNREADABLE', `larger than ${STATE_CAP} bytes`, { file: path }),
    });
  } catch (e) {
    if (e instanceof TufError) throw e;
    throw new TufError('TUF_STATE_UNREADABLE', errorMessage(e), { file: path, cause: e });
  }
  if (bytes === undefined) return undefined;
  const json = parseJson(
    bytes,
    path,
    (message, cause) => new TufError('TUF_STATE_UNREADABLE', message, { file: path, cause }),
  );
  const s = validateSchema<StateFile>('trust-state', json, path, 'TUF_STATE_UNREADABLE');
  if (s.pinned.sha256 !== pinned.sha256)
    throw new TufError('TUF_STATE_UNREADABLE', 'belongs to another pinned root', {
      file: path,
      field: '/pinned/sha256',
    });
  const root = new Uint8Array(Buffer.from(s.root.base64, 'base64'));
  if (sha256Hex(root) !== s.root.sha256)
    throw new TufError('TUF_STATE_UNREADABLE', 'stored root does not match its sha256', { file: path, field: '/root' });
  let version: number;
  try {
    version = parseMetadata(root, 'root', path).signed.version;
  } catch (e) {
    throw new TufError('TUF_STATE_UNREADABLE', `stored root is not a TUF root (${errorMessage(e)})`, {
      file: path,
      field: '/root',
      cause: e,
    });
  }
  if (version !== s.root.version)
    throw new TufError('TUF_STATE_UNREADABLE', `stored root is version ${version}, the state says ${s.root.version}`, {
      file: path,
      field: '/root/version',
    });
  const state: TrustState = { root, rootVersion: version };
  if (s.timestamp !== undefined) state.timestamp = s.timestamp;
  if (s.snapshot !== undefined) state.snapshot = s.snapshot;
  if (s.targets !== undefined) state.targets = s.targets;
  if (s.delegated !== undefined) state.delegated = { ...s.delegated };
  if (s.timestampSha256 !== undefined) state.timestampSha256 = s.timestampSha256;
  if (s.snapshotSha256 !== undefined) state.snapshotSha256 = s.snapshotSha256;
  if (s.snapshotMeta !== undefined) state.snapshotMeta = { ...s.snapshotMeta };
  return state;
}

async function writeState(stateDir: string, pinned: PinnedRoot, state: TrustState): Promise<void> {
  const file: StateFile = {
    format: 'airlock-trust-state/1',
    pinned: { label: pinned.label, version: pinned.version, sha256: pinned.sha256 },
    root: {
      version: state.rootVersion,
      sha256: sha256Hex(state.root),
      base64: Buffer.from(state.root).toString('base64'),
    },
  };
  if (state.timestamp !== undefined) file.timestamp = state.timestamp;
  if (state.snapshot !== undefined) file.snapshot = state.snapshot;
  if (state.targets !== undefined) file.targets = state.targets;
  if (state.delegated && Object.keys(state.delegated).length) file.delegated = { ...state.delegated };
  if (state.timestampSha256 !== undefined) file.timestampSha256 = state.timestampSha256;
  if (state.snapshotSha256 !== undefined) file.snapshotSha256 = state.snapshotSha256;
  if (state.snapshotMeta !== undefined) file.snapshotMeta = { ...state.snapshotMeta };
  await writeFileAtomic(statePath(stateDir, pinned), stringifyJson(file), { mkdirs: true });
}

const ROLES = ['timestamp', 'snapshot', 'targets'] as const;
const DIGEST = { timestamp: 'timestampSha256', snapshot: 'snapshotSha256', targets: undefined } as const;

/**
 * Whether the check moved `role` back from `base` (what it started from): it
 * does so only through fast-forward recovery (5.3.11, the role's keys rotated
 * in a newer root), which forgets the older version and file.
 */
function recovered(role: (typeof ROLES)[number], next: TrustState, base: TrustState | undefined): boolean {
  const n = next[role];
  const b = base?.[role];
  if (n === undefined || b === undefined) return false;
  const digest = DIGEST[role];
  return n < b || (n === b && digest !== undefined && next[digest] !== base?.[digest]);
}

/**
 * What in `next` is older than `stored` (the state as another process moved
 * it since `base` was read); undefined when nothing is. A role that went
 * through fast-forward recovery under a root newer than the stored one is not
 * bound by the stored version: its keys changed.
 */
function olderThanStored(next: TrustState, stored: TrustState, base: TrustState | undefined): string | undefined {
  if (next.rootVersion < stored.rootVersion) return `root version ${next.rootVersion} < stored ${stored.rootVersion}`;
  const newerRoot = next.rootVersion > stored.rootVersion;
  for (const role of ROLES) {
    const n = next[role];
    const s = stored[role];
    if (n === undefined || s === undefined || (newerRoot && recovered(role, next, base))) continue;
    if (n < s) return `${role} version ${n} < stored ${s}`;
    const digest = DIGEST[role];
    if (n === s && digest !== undefined && next[digest] && stored[digest] && next[digest] !== stored[digest])
      return `${role} version ${n} equals the stored version but the file differs`;
  }
  for (const [role, v] of Object.entries(stored.delegated ?? {})) {
    const n = next.delegated?.[role];
    if (n !== undefined && n < v) return `delegated role ${role} version ${n} < stored ${v}`;
  }
  return undefined;
}

function sameState(a: TrustState | undefined, b: TrustState | undefined): boolean {
  const key = (s: TrustState | undefined) => s && JSON.stringify({ ...s, root: sha256Hex(s.root) });
  return key(a) === key(b);
}

/**
 * Moves the trust state forward: under the state folder's lock, re-reads what
 * is stored (another airlock may have committed since `base` was read),
 * refuses to write anything older (TUF_ROLLBACK), then writes atomically.
 */
export async function commitState(
  stateDir: string,
  pinned: PinnedRoot,
  next: TrustState,
  base: TrustState | undefined,
): Promise<void> {
  await withLock(stateDir, () => commitStateHeld(stateDir, pinned, next, base));
}

/** commitState for a caller that already holds the state folder's lock (withLock is not re-entrant). */
export async function commitStateHeld(
  stateDir: string,
  pinned: PinnedRoot,
  next: TrustState,
  base: TrustState | undefined,
): Promise<void> {
  const stored = await loadTrustState(stateDir, pinned);
  // Unchanged since the check read it: the check itself compared against it.
  const older = stored && !sameState(stored, base) ? olderThanStored(next, stored, base) : undefined;
  if (older)
    throw new TufError(
      'TUF_ROLLBACK',
      `${older}: another airlock moved the trust state forward meanwhile; the state is left as it is`,
      { file: statePath(stateDir, pinned) },
    );
  await writeState(stateDir, pinned, next);
}
