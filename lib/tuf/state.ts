import { homedir } from 'node:os';
import { join } from 'node:path';
import { TufError, errorMessage } from '../errors.ts';
import { validateSchema } from '../schemas.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { sha256Hex } from '../util/digest.ts';
import { readFileCapped, stringifyJson } from '../util/json.ts';
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

// A state file holds one root (512 kB at most) in base64 and a few versions.
const STATE_CAP = 4 * 1024 * 1024;

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  // XDG says relative paths are invalid and must be ignored.
  const base = xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.local', 'state');
  return join(base, 'airlock');
}

export function statePath(stateDir: string, pinned: PinnedRoot): string {
  return join(stateDir, 'tuf', `${pinned.instance ?? 'custom'}-${pinned.sha256}.json`);
}

/**
 * The stored root and versions: what `verifyRepository` needs at the least.
 * The checks use `loadTrustState`, which adds the file digests and snapshot
 * listing recorded for the equal-version and 5.5.5 checks.
 */
export async function loadState(stateDir: string, pinned: PinnedRoot): Promise<TrustState | undefined> {
  const full = await loadTrustState(stateDir, pinned);
  if (full === undefined) return undefined;
  const { timestampSha256: _t, snapshotSha256: _s, snapshotMeta: _m, ...versions } = full;
  return versions;
}

/** The whole trust state of a pinned root (undefined when none is stored yet). */
export async function loadTrustState(stateDir: string, pinned: PinnedRoot): Promise<TrustState | undefined> {
  const path = statePath(stateDir, pinned);
  let bytes: Uint8Array;
  try {
    bytes = await readFileCapped(
      path,
      STATE_CAP,
      () => new TufError('TUF_STATE_UNREADABLE', `larger than ${STATE_CAP} bytes`, { file: path }),
    );
  } catch (e) {
    const cause = (e as { cause?: NodeJS.ErrnoException }).cause;
    if (cause?.code === 'ENOENT') return undefined;
    if (e instanceof TufError) throw e;
    throw new TufError('TUF_STATE_UNREADABLE', `cannot read (${cause?.code ?? errorMessage(e)})`, {
      file: path,
      cause: e,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new TufError('TUF_STATE_UNREADABLE', `not valid JSON (${errorMessage(e)})`, { file: path, cause: e });
  }
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

export async function saveState(stateDir: string, pinned: PinnedRoot, state: TrustState): Promise<void> {
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
