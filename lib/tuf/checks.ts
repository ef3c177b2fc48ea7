import { createHash, getHashes } from 'node:crypto';
import type { Root } from '@tufjs/models';
import { TufError } from '../errors.ts';
import { versionFromName } from './parse.ts';
import type { RoleInfo } from './types.ts';
import { formatDuration, parseTimestamp } from '../util/time.ts';

// Small pure checks shared by the trusted set: lengths and hashes that a
// referring metadata records, and expiry against the caller's `now`.

export interface Expected {
  length?: number | undefined;
  hashes?: Record<string, string> | undefined;
}

/**
 * Checks `bytes` against the length and every hash the referring metadata
 * gives. @tufjs/models' MetaFile.verify folds both into one error; users and
 * scripts need to tell them apart, so this is done here with node:crypto.
 */
export function checkLengthAndHashes(bytes: Uint8Array, expected: Expected, file: string, what: string): void {
  if (expected.length !== undefined && bytes.length !== expected.length) {
    throw new TufError('TUF_LENGTH_MISMATCH', `${bytes.length} bytes, ${what} records ${expected.length}`, { file });
  }
  for (const [alg, want] of Object.entries(expected.hashes ?? {})) {
    // An algorithm we cannot compute cannot vouch for the file: fail closed.
    if (!getHashes().includes(alg))
      throw new TufError('TUF_HASH_MISMATCH', `${what} records a ${alg} hash, which cannot be computed`, { file });
    const got = createHash(alg).update(bytes).digest('hex');
    if (got !== want.toLowerCase()) {
      throw new TufError(
        'TUF_HASH_MISMATCH',
        `${alg} ${got.slice(0, 16)}… differs from ${want.slice(0, 16)}… that ${what} records`,
        { file },
      );
    }
  }
}

export interface ExpiryOutcome {
  /** Milliseconds the metadata was expired by at `now`, when grace accepted it. */
  expiredBy?: number;
}

/**
 * Freeze-attack check (5.3.10 root, 5.4.4 timestamp, 5.5.6 snapshot, 5.6.5
 * targets). Metadata is expired when `now >= expires` (as the spec and
 * python-tuf say). `graceMs` lets an air-gapped site keep using a copy for a
 * while after it expired; callers pass 0 for the root, which is never graced.
 */
export function checkExpiry(expires: string, now: Date, graceMs: number, what: string, file: string): ExpiryOutcome {
  // parseMetadata checked the form; should an unchecked one get here, it is refused, never read as valid.
  const exp = parseTimestamp(expires)?.getTime() ?? Number.NaN;
  if (Number.isNaN(exp))
    throw new TufError('TUF_METADATA_MALFORMED', `${what} has an invalid expires '${expires}'`, { file });
  const by = now.getTime() - exp;
  if (by < 0) return {};
  if (graceMs > 0 && by <= graceMs) return { expiredBy: by };
  const graceNote = graceMs > 0 ? `, beyond the grace of ${formatDuration(graceMs)}` : '';
  throw new TufError(
    'TUF_EXPIRED',
    `${what} expired at ${expires}, ${formatDuration(by)} before --now ${now.toISOString()}${graceNote}`,
    { file },
  );
}

/** A role's version and expiry for the report. */
export function info(signed: { version: number; expires: string }, expiredBy?: number): RoleInfo {
  return expiredBy === undefined
    ? { version: signed.version, expires: signed.expires }
    : { version: signed.version, expires: signed.expires, expiredBy };
}

/** True when `role` has the same key ids, keys and threshold in both roots (5.3.11). */
export function sameKeys(a: Root, b: Root, role: string): boolean {
  const ra = a.roles[role];
  const rb = b.roles[role];
  if (!ra || !rb || ra.threshold !== rb.threshold) return false;
  if ([...ra.keyIDs].sort().join() !== [...rb.keyIDs].sort().join()) return false;
  // Key ids are only labels (nothing checks they hash the key): the same id
  // with other key material is a rotation too.
  return ra.keyIDs.every(
    (id) =>
      a.keys[id] !== undefined &&
      b.keys[id] !== undefined &&
      a.keys[id].keyVal.public === b.keys[id].keyVal.public &&
      a.keys[id].scheme === b.keys[id].scheme,
  );
}

/** A consistent-snapshot file name (`161.snapshot.json`) must name the version it holds. */
export function checkNameVersion(file: string, name: string, version: number): void {
  const fromName = versionFromName(name);
  if (fromName !== undefined && fromName !== version) {
    throw new TufError('TUF_VERSION_MISMATCH', `file name says version ${fromName}, content is version ${version}`, {
      file,
    });
  }
}
