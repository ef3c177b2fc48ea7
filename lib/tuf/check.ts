import { InternalError } from '../errors.ts';
import { loadPinnedRoot } from './pinned.ts';
import { openLocalRepository } from './source.ts';
import { commitState, commitStateHeld, loadTrustState, statePath } from './state.ts';
import type { Instance, PinnedRoot, RepositorySource, TrustResult, TrustState } from './types.ts';
import { REQUIRED_TARGET, verifyRepository, type VerifyOptions } from './updater.ts';

// The one "pinned root, open, state, verify, save" sequence, for every
// command that trusts a TUF copy: `trust verify`, `attest verify
// --trust-dir`, `sigstore verify-bundle --trust-dir`, `bundle`. Verification
// runs without the state lock; the state moves forward only when the caller
// calls `commit()`, which it does once the whole command has succeeded.

export interface CheckRepositoryOptions {
  /** Where trust starts: a pinned root already loaded, or which one to load. */
  pin: PinnedRoot | { instance?: Instance; rootFile?: string };
  /** A folder (canonical or CDN layout) or any RepositorySource (lib/sources/tuf-http.ts). */
  source: string | RepositorySource;
  now: Date;
  graceMs?: number;
  /** The trust state folder; without it nothing is read from or written to a state. */
  stateDir?: string;
  limits?: VerifyOptions['limits'];
}

export interface CheckedRepository {
  pinned: PinnedRoot;
  source: RepositorySource;
  result: TrustResult;
  /** The verified trusted_root.json. */
  trustedRoot: Uint8Array;
  /** The state file and the root version it held before, when a state folder was given. */
  state?: { file: string; previousRootVersion: number | undefined };
  /**
   * Moves the trust state forward under its lock, refusing to write anything
   * older than what is stored by then (TUF_ROLLBACK). Does nothing without a
   * state folder. Call it only when the command as a whole succeeded.
   */
  commit(): Promise<void>;
  /** `commit()` for a caller that already holds the state folder's lock (to write more under one lock). */
  commitHeld(): Promise<void>;
}

function isPinned(p: CheckRepositoryOptions['pin']): p is PinnedRoot {
  return 'bytes' in p;
}

export async function checkRepository(opts: CheckRepositoryOptions): Promise<CheckedRepository> {
  const pinned = isPinned(opts.pin) ? opts.pin : await loadPinnedRoot(opts.pin);
  const source = typeof opts.source === 'string' ? await openLocalRepository(opts.source) : opts.source;
  const stateDir = opts.stateDir;
  const base: TrustState | undefined = stateDir !== undefined ? await loadTrustState(stateDir, pinned) : undefined;
  const file = stateDir !== undefined ? statePath(stateDir, pinned) : undefined;
  const result = await verifyRepository(source, {
    pinned,
    now: opts.now,
    ...(opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {}),
    ...(base ? { state: base } : {}),
    ...(file !== undefined ? { stateFile: file } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  const tr = result.targetFiles.find((t) => t.name === REQUIRED_TARGET);
  // verifyRepository throws TUF_UNKNOWN_TARGET before this could happen.
  if (!tr) throw new InternalError('trusted_root.json missing from a successful TUF check');
  return {
    pinned,
    source,
    result,
    trustedRoot: tr.bytes,
    ...(file !== undefined ? { state: { file, previousRootVersion: base?.rootVersion } } : {}),
    commit: async () => {
      if (stateDir !== undefined) await commitState(stateDir, pinned, result.newState, base);
    },
    commitHeld: async () => {
      if (stateDir !== undefined) await commitStateHeld(stateDir, pinned, result.newState, base);
    },
  };
}
