import { ArchiveError, InputError, errorMessage, isAirlockError } from '../errors.ts';
import type { BlockTap } from './blocks.ts';
import { printable } from './paths.ts';
import type { Compression } from './types.ts';

// When a stream breaks (zlib, tar-stream, the file system), the error says
// little ("Unexpected end of data"); where the reader was when it broke says
// which code applies. Also the checks at the clean end of the archive.
// zlib's codes are read where it gives one; the library messages read below
// are pinned one by one in test/bundle/library-messages.test.ts.

export function unreadable(file: string, e: unknown): InputError {
  return new InputError('INPUT_UNREADABLE', `cannot read (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`, {
    file,
    cause: e,
  });
}

/** What the reader knows about where it is, to name the failure when a stream breaks. */
export interface Position {
  archive: string;
  entries: number;
  /** Member whose body is being read, if any. */
  inBody?: string;
  /** End of the last member body (aligned): where the next header or the end marker must be. */
  end: number;
}

/** Turns a stream failure (zlib, tar-stream, fs) into the code that describes it. */
export function classify(e: unknown, pos: Position, tap: BlockTap, kind: Compression | undefined): Error {
  if (isAirlockError(e)) return e;
  const file = pos.archive;
  const err = e as NodeJS.ErrnoException;
  if (err.syscall === 'read' || err.syscall === 'open') return unreadable(file, e);
  const msg = errorMessage(e);
  if (
    typeof err.code === 'string' &&
    (err.code.startsWith('Z_') ||
      err.code.startsWith('ZSTD_') ||
      err.code.startsWith('ERR_ZSTD') ||
      err.code.startsWith('ERR_ZLIB'))
  ) {
    if (err.code === 'Z_BUF_ERROR' || /unexpected end|truncated|premature/i.test(msg)) {
      return new ArchiveError(
        'ARCHIVE_TRUNCATED',
        `compressed data ends early${pos.inBody ? ` in member '${printable(pos.inBody)}'` : ''}`,
        { file, cause: e },
      );
    }
    // Node reads bytes after a gzip member as the start of another one. The first
    // header was checked already, so a bad magic number here is appended data.
    if (kind === 'gzip' && /incorrect header check/.test(msg))
      return new ArchiveError('ARCHIVE_TRAILING_DATA', `data after the end of the compressed archive (${msg})`, {
        file,
        cause: e,
      });
    return new ArchiveError('ARCHIVE_UNREADABLE', `compressed data is corrupt (${msg})`, { file, cause: e });
  }
  if (pos.inBody !== undefined) {
    return new ArchiveError('ARCHIVE_TRUNCATED', `archive ends inside member '${printable(pos.inBody)}'`, {
      file,
      cause: e,
    });
  }
  if (pos.entries > 0 && tap.zeroAt(pos.end)) {
    return new ArchiveError('ARCHIVE_TRAILING_DATA', `data after the end-of-archive marker at offset ${pos.end}`, {
      file,
      cause: e,
    });
  }
  if (/Unexpected end of data/.test(msg)) {
    if (pos.entries === 0)
      return new ArchiveError('ARCHIVE_UNREADABLE', 'not a tar archive (too short)', { file, cause: e });
    return new ArchiveError('ARCHIVE_TRUNCATED', `archive ends inside a header at offset ${pos.end}`, {
      file,
      cause: e,
    });
  }
  if (/exceeds max size/.test(msg))
    return new ArchiveError('ARCHIVE_TOO_LARGE', `an extended header is larger than 4 MiB at offset ${pos.end}`, {
      file,
      cause: e,
    });
  if (pos.entries === 0 && pos.end === 0)
    return new ArchiveError('ARCHIVE_UNREADABLE', `not a tar archive (${msg})`, { file, cause: e });
  return new ArchiveError('ARCHIVE_UNREADABLE', `corrupt tar header after offset ${pos.end} (${msg})`, {
    file,
    cause: e,
  });
}

/**
 * At a clean end of the tar stream: the end-of-archive marker (two zero
 * blocks) must follow the last member, and nothing but zero padding after it.
 */
export function assertArchiveEnd(tap: BlockTap, pos: Position): void {
  const file = pos.archive;
  if (!tap.zeroFrom(pos.end))
    throw new ArchiveError(
      'ARCHIVE_TRAILING_DATA',
      `non-zero data after the end-of-archive marker at offset ${pos.end}`,
      { file },
    );
  if (tap.total - pos.end < 1024)
    throw new ArchiveError('ARCHIVE_TRUNCATED', 'archive ends without its end-of-archive marker', { file });
}
