// lib/tuf: verify a local copy of a Sigstore TUF repository from a pinned root,
// offline, with explicit time, grace and trust state.

import { loadPinnedRoot } from './pinned.ts';
import { openLocalRepository } from './source.ts';
import { loadTrustState, saveState } from './state.ts';
import { REQUIRED_TARGET, verifyRepository } from './updater.ts';
import type { Instance, TrustResult } from './types.ts';

export * from './types.ts';
export { loadPinnedRoot, INSTANCES } from './pinned.ts';
export { openLocalRepository, type LocalRepositorySource } from './source.ts';
export { verifyRepository, REQUIRED_TARGET, OPTIONAL_TARGETS, type VerifyOptions } from './updater.ts';
export { defaultStateDir, loadState, loadTrustState, saveState, statePath } from './state.ts';
export { TrustedMetadataSet } from './trusted-set.ts';

/**
 * Verifies a local copy (against and then into the trust state when
 * `stateDir` is given: state is written only after every check passed, or
 * left to the caller's `commitState` with `deferStateWrite`) and returns the
 * verified trusted_root.json bytes.
 */
export async function trustedRootFromRepository(
  dir: string,
  opts: {
    instance?: Instance;
    rootFile?: string;
    now: Date;
    graceMs?: number;
    stateDir?: string;
    deferStateWrite?: boolean;
  },
): Promise<{ trustedRoot: Uint8Array; result: TrustResult; commitState?: () => Promise<void> }> {
  const pinned = await loadPinnedRoot({
    ...(opts.instance ? { instance: opts.instance } : {}),
    ...(opts.rootFile !== undefined ? { rootFile: opts.rootFile } : {}),
  });
  const source = await openLocalRepository(dir);
  const state = opts.stateDir !== undefined ? await loadTrustState(opts.stateDir, pinned) : undefined;
  const result = await verifyRepository(source, {
    pinned,
    now: opts.now,
    ...(opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {}),
    ...(state ? { state } : {}),
  });
  const tr = result.targetFiles.find((t) => t.name === REQUIRED_TARGET);
  // verifyRepository throws TUF_UNKNOWN_TARGET before this could happen.
  if (!tr) throw new Error('trusted_root.json missing from a successful result');
  const stateDir = opts.stateDir;
  if (stateDir === undefined) return { trustedRoot: tr.bytes, result };
  const commitState = () => saveState(stateDir, pinned, result.newState);
  // With deferStateWrite the caller saves once its whole check passed (a
  // command that goes on to verify an attestation with this root).
  if (opts.deferStateWrite) return { trustedRoot: tr.bytes, result, commitState };
  await commitState();
  return { trustedRoot: tr.bytes, result };
}
