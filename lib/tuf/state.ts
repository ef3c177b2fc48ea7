import { homedir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { TufError, errorMessage } from '../errors.ts';
import { validateSchema } from '../schemas.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { sha256Hex } from '../util/digest.ts';
import { stringifyJson } from '../util/json.ts';
import { parseMetadata } from './parse.ts';
import type { PinnedRoot, TrustState } from './types.ts';

// Trust state: what earlier successful checks trusted, one JSON file per
// pinned root (keyed by the pinned root's sha256, so a different --root never
// shares state). One file, written atomically, so that the root and the
// versions always change together. A state that cannot be read is an error,
// never a silent reset: resetting would re-open every rollback it guards.

interface StateFile {
  format: 'airlock-trust-state/1';
  pinned: { label: string; version: number; sha256: string };
  root: { version: number; sha256: string; base64: string };
  timestamp?: number;
  snapshot?: number;
  targets?: number;
  delegated?: Record<string, number>;
}

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  // XDG says relative paths are invalid and must be ignored.
  const base = xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.local', 'state');
  return join(base, 'airlock');
}

export function statePath(stateDir: string, pinned: PinnedRoot): string {
  return join(stateDir, 'tuf', `${pinned.instance ?? 'custom'}-${pinned.sha256}.json`);
}

export async function loadState(stateDir: string, pinned: PinnedRoot): Promise<TrustState | undefined> {
  const path = statePath(stateDir, pinned);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TufError('TUF_STATE_UNREADABLE', `cannot read (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`, { file: path, cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TufError('TUF_STATE_UNREADABLE', `not valid JSON (${errorMessage(e)})`, { file: path, cause: e });
  }
  const s = validateSchema<StateFile>('trust-state', json, path, 'TUF_STATE_UNREADABLE');
  if (s.pinned.sha256 !== pinned.sha256) throw new TufError('TUF_STATE_UNREADABLE', 'belongs to another pinned root', { file: path, field: '/pinned/sha256' });
  const root = new Uint8Array(Buffer.from(s.root.base64, 'base64'));
  if (sha256Hex(root) !== s.root.sha256) throw new TufError('TUF_STATE_UNREADABLE', 'stored root does not match its sha256', { file: path, field: '/root' });
  let version: number;
  try {
    version = parseMetadata(root, 'root', path).signed.version;
  } catch (e) {
    throw new TufError('TUF_STATE_UNREADABLE', `stored root is not a TUF root (${errorMessage(e)})`, { file: path, field: '/root', cause: e });
  }
  if (version !== s.root.version) throw new TufError('TUF_STATE_UNREADABLE', `stored root is version ${version}, the state says ${s.root.version}`, { file: path, field: '/root/version' });
  const state: TrustState = { root, rootVersion: version };
  if (s.timestamp !== undefined) state.timestamp = s.timestamp;
  if (s.snapshot !== undefined) state.snapshot = s.snapshot;
  if (s.targets !== undefined) state.targets = s.targets;
  if (s.delegated !== undefined) state.delegated = { ...s.delegated };
  return state;
}

export async function saveState(stateDir: string, pinned: PinnedRoot, state: TrustState): Promise<void> {
  const file: StateFile = {
    format: 'airlock-trust-state/1',
    pinned: { label: pinned.label, version: pinned.version, sha256: pinned.sha256 },
    root: { version: state.rootVersion, sha256: sha256Hex(state.root), base64: Buffer.from(state.root).toString('base64') },
  };
  if (state.timestamp !== undefined) file.timestamp = state.timestamp;
  if (state.snapshot !== undefined) file.snapshot = state.snapshot;
  if (state.targets !== undefined) file.targets = state.targets;
  if (state.delegated && Object.keys(state.delegated).length) file.delegated = { ...state.delegated };
  await writeFileAtomic(statePath(stateDir, pinned), stringifyJson(file), { mkdirs: true });
}
