// lib/tuf: verify a copy of a Sigstore TUF repository from a pinned root,
// offline, with explicit time, grace and trust state.

export * from './types.ts';
export { checkRepository, type CheckRepositoryOptions, type CheckedRepository } from './check.ts';
export { loadPinnedRoot, INSTANCES } from './pinned.ts';
export { openLocalRepository, type LocalRepositorySource } from './source.ts';
export { verifyRepository, REQUIRED_TARGET, OPTIONAL_TARGETS, type VerifyOptions } from './updater.ts';
export { commitState, commitStateHeld, defaultStateDir, loadTrustState, statePath } from './state.ts';
export { TrustedMetadataSet } from './trusted-set.ts';
