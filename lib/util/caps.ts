// The one table of input caps. Every input airlock reads into memory is
// bounded by one of these; each is far above any real input and low enough
// that a hostile one cannot exhaust memory. Change a cap here, nowhere else.

const MiB = 1024 * 1024;

export const CAPS = {
  /** PEP 740 provenance object, in every command (bundle, inspect, attest). */
  provenance: 16 * MiB,
  /** A bare PEP 740 attestation or a Sigstore bundle. */
  document: 16 * MiB,
  /** A trusted_root.json given with --trusted-root (the same as a TUF target file). */
  trustedRoot: 32 * MiB,
  /**
   * The artifact of a message-signature bundle signed with a key other than
   * ECDSA: node:crypto verifies those over the bytes, held whole.
   */
  messageArtifact: 1024 * MiB,
  /** A PEM public key. */
  publicKey: 1 * MiB,
  /** A lock or requirements file: it names files and hashes, a few MB at most. */
  lock: 64 * MiB,
  /** One trust state file: one root (512 kB at most) in base64 and a few versions. */
  trustState: 4 * MiB,
  /** A policy file (TOML). */
  policy: 4 * MiB,
  /** One line of the audit log: a verdict lists every file of a bundle (100 000 files are some 20 MB). */
  auditLine: 64 * MiB,
  /** The publisher pins file of the trust state. */
  pins: 16 * MiB,
  /** A PEM private key (--vsa-key). */
  privateKey: 1 * MiB,
  /** A PEP 691 / PEP 503 index page. */
  indexPage: 64 * MiB,
  /** A PEP 658 core-metadata file or a provenance fetched from an index. */
  indexDocument: 16 * MiB,
} as const;

/**
 * Bundle archive limits (lib/bundle's reader): the defaults of its `ReadCaps`, and the sizes of what a
 * valid bundle never needs more of.
 */
export const ARCHIVE_LIMITS = {
  /** Largest declared size of one member. */
  maxMemberBytes: 8 * 1024 * MiB,
  /** Everything read from the decompressed stream, headers included: bounds decompression bombs. */
  maxTotalBytes: 64 * 1024 * MiB,
  maxMembers: 100_000,
  /** The manifest: the one member held in memory. */
  maxManifestBytes: 64 * MiB,
  /** A pax or GNU long-name body: a path is at most 1024 bytes, so a valid bundle needs far less. */
  maxExtendedHeader: 8 * 1024,
  /** Zero padding after the end-of-archive blocks (tar pads to its record size, at most 1 MiB in use). */
  maxZeroPadding: 4 * MiB,
  /** A gzip member header (name, comment and extra fields included). */
  maxGzipHeader: 64 * 1024,
} as const;

/**
 * TUF client limits, as python-tuf's ngclient `UpdaterConfig` (its defaults,
 * except where noted): one object for every walk of a repository, local or HTTP.
 */
export const TUF_LIMITS = {
  /** 5.3.3: root rotations followed in one update. */
  maxRootRotations: 256,
  /** Delegated roles visited in one target search (5.6.7). */
  maxDelegations: 32,
  rootMaxBytes: 512_000,
  timestampMaxBytes: 16_384,
  snapshotMaxBytes: 2_000_000,
  targetsMaxBytes: 5_000_000,
  /** Target files (python-tuf has no default; the updater's). */
  targetMaxBytes: 32 * MiB,
} as const;

export type TufLimits = { -readonly [K in keyof typeof TUF_LIMITS]: number };

/** `16 MiB`, for messages. */
export function mib(n: number): string {
  return `${Math.round((n / MiB) * 10) / 10} MiB`;
}
