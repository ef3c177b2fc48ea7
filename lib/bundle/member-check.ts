import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { ArchiveError } from '../errors.ts';
import type { ManifestMember } from './types.ts';

/** The failure of a member whose body had `size` bytes with this sha256; null when it matches the manifest. */
function endError(expected: ManifestMember, size: number, actual: string, label: string): ArchiveError | null {
  const file = expected.path;
  if (size !== expected.size)
    return new ArchiveError('MEMBER_SIZE_MISMATCH', `${label} has ${size} bytes, the manifest lists ${expected.size}`, {
      file,
    });
  if (actual !== expected.sha256)
    return new ArchiveError(
      'MEMBER_DIGEST_MISMATCH',
      `${label} has sha256 ${actual}, the manifest lists ${expected.sha256}`,
      {
        file,
      },
    );
  return null;
}

/** memberCheck over a body already in memory (a small member read whole): throws what the stream would fail with. */
export function checkMemberBytes(expected: ManifestMember, body: Buffer): void {
  const err = endError(expected, body.length, createHash('sha256').update(body).digest('hex'), expected.path);
  if (err) throw err;
}

/**
 * A pass-through that hashes and counts a member's bytes and fails instead of
 * ending when they differ from the manifest entry: too many bytes fail at
 * once, too few or a different sha256 fail in place of 'end'. Both the writer
 * (re-hashing files while packing) and the reader use it, so a consumer that
 * waits for the end of the stream only ever acts on verified bytes.
 */
export function memberCheck(
  expected: ManifestMember,
  opts: { label?: string; onBytes?: (n: number) => void } = {},
): Transform {
  const hash = createHash('sha256');
  let size = 0;
  const file = expected.path;
  const label = opts.label ?? expected.path;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > expected.size) {
        cb(
          new ArchiveError(
            'MEMBER_SIZE_MISMATCH',
            `${label} has more than the ${expected.size} bytes the manifest lists`,
            { file },
          ),
        );
        return;
      }
      hash.update(chunk);
      opts.onBytes?.(chunk.length);
      cb(null, chunk);
    },
    flush(cb) {
      cb(endError(expected, size, hash.digest('hex'), label));
    },
  });
}
