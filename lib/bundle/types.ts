// The public shape of lib/bundle, fixed first so that the sources (connected
// side) and the reader (air-gapped side) agree on it.

import type { Readable } from 'node:stream';

export const MANIFEST_PATH = 'airlock-manifest.json';
/** The version an unsigned bundle is written with; a signed one is SIGNED_FORMAT_VERSION. */
export const FORMAT_VERSION = 1;
/** Version 2: the member right after the manifest is its signature (lib/bundle/signature.ts). */
export const SIGNED_FORMAT_VERSION = 2;
/**
 * Version 3: the bundle carries the pylock.toml it was made from (member `lock/pylock.toml`), and the manifest says
 * in `signed` whether its signature follows it (as in version 2).
 */
export const LOCK_FORMAT_VERSION = 3;
/** Where a version 3 bundle carries its lock. */
export const LOCK_PATH = 'lock/pylock.toml';

export type MemberRole =
  | 'distribution'
  | 'provenance'
  | 'index-page'
  | 'core-metadata'
  | 'tuf-metadata'
  | 'tuf-target'
  | 'lock';

export interface ManifestMember {
  /** POSIX path inside the archive, e.g. `packages/sampleproject/sampleproject-4.0.0.tar.gz`. */
  path: string;
  size: number;
  sha256: string;
  role: MemberRole;
}

export interface ManifestFile {
  filename: string;
  /** Archive path of the distribution. */
  path: string;
  sha256: string;
  size: number;
  /** Archive path of the PEP 740 provenance object, when the index has one. */
  provenance?: string;
  /** Archive path of the PEP 658 core metadata, when the index offers it. */
  coreMetadata?: string;
  requiresPython?: string;
  yanked?: boolean | string;
  /** The URL the file was downloaded from (informational). */
  url?: string;
}

export interface ManifestPackage {
  /** Normalised project name (PEP 503). */
  name: string;
  version: string;
  /** Archive path of the PEP 691 JSON project page, when it came from an index. */
  indexPage?: string;
  files: ManifestFile[];
}

export interface ManifestSources {
  indexUrl?: string;
  fromDir?: string;
  lock?: string;
  tufUrl?: string;
  tufDir?: string;
}

export interface ManifestTuf {
  instance?: string;
  /** Label, version and sha256 of the pinned root the connected side started from. */
  pinnedRoot: { label: string; version: number; sha256: string };
  rootVersion: number;
  timestamp: { version: number; expires: string };
  snapshot: { version: number; expires: string };
  targets: { version: number; expires: string };
}

export interface Manifest {
  format: 'airlock-bundle';
  formatVersion: typeof FORMAT_VERSION | typeof SIGNED_FORMAT_VERSION | typeof LOCK_FORMAT_VERSION;
  /** Version 3 only (and required there): whether the signature member follows the manifest. */
  signed?: boolean;
  /** ISO-8601, from --now or SOURCE_DATE_EPOCH or the clock, to the second. */
  createdAt: string;
  tool: { name: 'airlock'; version: string };
  sources: ManifestSources;
  packages: ManifestPackage[];
  tuf?: ManifestTuf;
  /** Every member of the archive except the manifest itself, sorted by path. */
  members: ManifestMember[];
}

/** A file to put into a bundle, read from local disk by the writer. */
export interface MemberInput {
  path: string;
  role: MemberRole;
  localPath: string;
  /** When known (from a download that already hashed it), checked again while writing. */
  sha256?: string;
  size?: number;
}

// --- reader and writer options (lib/bundle/reader.ts, lib/bundle/writer.ts) ---

export type Compression = 'none' | 'gzip' | 'zstd';

/** Limits the reader enforces from the tar headers, before reading any body. */
export interface ReadCaps {
  /** Largest declared size of one member (default 8 GiB). */
  maxMemberBytes?: number;
  /** Largest sum of declared member sizes, manifest included (default 64 GiB): bounds decompression bombs. */
  maxTotalBytes?: number;
  /** Most members, manifest included (default 100 000). */
  maxMembers?: number;
  /** Largest manifest (default 64 MiB): it is the one member held in memory. */
  maxManifestBytes?: number;
}

export interface ReadOptions {
  /** Folder to extract into; must not exist. Built beside it and renamed only when every check passed. */
  dest?: string;
  caps?: ReadCaps;
  /**
   * Called for each member, in archive order, with a stream of its bytes. The
   * stream fails (MEMBER_DIGEST_MISMATCH) instead of ending when the bytes do
   * not match the manifest, so a consumer that waits for 'end' only ever acts
   * on verified content.
   */
  onMember?: (member: ManifestMember, stream: Readable) => Promise<void>;
  /** Called once after the manifest: its sha256 and, for a version 2 bundle, the signature member's bytes. */
  onSignature?: (envelope: Uint8Array | undefined, manifestSha256: string) => void;
  /** Compressed bytes read so far and the archive's size on disk. */
  onProgress?: (bytes: number, total: number) => void;
  /**
   * The sha256 of the archive file's bytes, hashed as they were read (no second read), called once the
   * whole archive passed every check.
   */
  onArchiveDigest?: (sha256: string) => void;
}

export interface WriteOptions {
  /** Default: from the output extension (.tar, .tar.gz/.tgz, .tar.zst/.tzst). */
  compression?: Compression;
  /** Member bytes written so far and the sum of all member sizes. */
  onProgress?: (bytes: number, total: number) => void;
  /** Signs the manifest (Ed25519 or ECDSA P-256 private key): the bundle is written as format version 2. */
  signKey?: import('node:crypto').KeyObject;
}

export type ManifestInput = Omit<Manifest, 'members' | 'format' | 'formatVersion' | 'tool'>;

export interface WriteResult {
  manifest: Manifest;
  /** sha256 and size of the archive file as written (compressed). */
  sha256: string;
  size: number;
}
