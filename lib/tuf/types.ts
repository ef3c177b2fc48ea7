// The public shape of lib/tuf, fixed first so that the bundle sources and the
// attestation commands can build on it while the client is written.

export type Instance = 'public-good' | 'staging';

/** A root.json that trust starts from: one of trust-roots/ or a user's --root. */
export interface PinnedRoot {
  bytes: Uint8Array;
  /** What to show the user, e.g. `trust-roots/public-good/13.root.json`. */
  label: string;
  /** Set for the roots that ship in trust-roots/. */
  instance?: Instance;
  /** Version and sha256 of the pinned root; state is kept per pinned root. */
  version: number;
  sha256: string;
}

/**
 * Read access to one copy of a TUF repository. The updater is the only part of
 * lib/tuf that calls it; everything else takes bytes.
 */
export interface RepositorySource {
  /** `13.root.json`, `timestamp.json`, `165.snapshot.json`, ...; undefined when absent. */
  readMetadata(name: string, maxBytes: number): Promise<Uint8Array | undefined>;
  /** A target by its consistent-snapshot name, `SHA256.NAME` (NAME may contain `/`). */
  readTarget(hashedName: string, maxBytes: number): Promise<Uint8Array | undefined>;
  /** The path to name in messages, e.g. `metadata/161.snapshot.json`. */
  describeMetadata(name: string): string;
  describeTarget(hashedName: string): string;
  /**
   * Names of the metadata files the copy holds, when the source can list
   * them; lets the updater refuse a root chain with a gap.
   */
  listMetadata?(): Promise<string[]>;
}

export interface RoleInfo {
  version: number;
  expires: string;
  /** Milliseconds by which the metadata was expired at `now`, when --grace accepted it. */
  expiredBy?: number;
}

export interface VerifiedTarget {
  name: string;
  length: number;
  sha256: string;
  bytes: Uint8Array;
  /** Path of the file in the canonical layout, e.g. `targets/6494e2...0b66.trusted_root.json`. */
  path: string;
}

/** What the trust state remembers for one pinned root; it only moves forward. */
export interface TrustState {
  /** The newest trusted root, as bytes, so that the next check starts from it. */
  root: Uint8Array;
  rootVersion: number;
  timestamp?: number;
  snapshot?: number;
  targets?: number;
  /** Versions of delegated targets roles that were verified. */
  delegated?: Record<string, number>;
  /** sha256 of the trusted timestamp and snapshot files: an equal version must be the same file. */
  timestampSha256?: string;
  snapshotSha256?: string;
  /** Every role the trusted snapshot lists (`targets.json`, `NAME.json`) with its version (5.5.5). */
  snapshotMeta?: Record<string, number>;
}

export interface TrustResult {
  pinned: { label: string; version: number; sha256: string };
  now: string;
  graceMs: number;
  root: RoleInfo;
  timestamp: RoleInfo;
  snapshot: RoleInfo;
  targets: RoleInfo;
  /** True when any role was accepted only because of --grace. */
  graceUsed: boolean;
  targetFiles: VerifiedTarget[];
  /**
   * Every file of the copy that the check read and verified, in the canonical
   * layout (`metadata/N.root.json`, `metadata/timestamp.json`, ...,
   * `targets/HASH.NAME`), so that a bundle carries exactly what was verified.
   */
  files: Array<{ path: string; sha256: string; size: number }>;
  /** The state to store after this successful check. */
  newState: TrustState;
}
