import type { PublisherEntry } from '../policy/types.ts';

// What to bundle, as the lock readers produce it. airlock never resolves
// dependencies: every entry names one exact release, and (from a lock or a
// hash-checking requirements file) the sha256 of every file it may contain.

export interface PinnedFile {
  filename: string;
  sha256: string;
  /** The URL the lock recorded (informational: files are fetched through the index). */
  url?: string;
  size?: number;
  /** The TOML key of the file's entry (pylock.toml), e.g. `packages[0].wheels[1]`, for messages. */
  field?: string;
}

export interface LockEntry {
  /** Normalised project name (PEP 503). */
  name: string;
  version: string;
  /** Where the entry came from, for messages: the input file (or `argv`) and the field or line. */
  file: string;
  field: string;
  // A hash pin (files or hashes) counts as an exact pin and may select a yanked
  // file; a bare NAME==VERSION (neither) does not.
  /** Exact files (pylock.toml): bundle exactly these. */
  files?: PinnedFile[];
  /** Allowed sha256 digests (requirements file): bundle every file of the release with one of them. */
  hashes?: string[];
  /**
   * PEP 751 `attestation-identities` (pylock.toml): the Trusted Publishers whose certificates this release's
   * provenance must show, one of them per attestation. Absent when the lock names none.
   */
  identities?: PublisherEntry[];
}
