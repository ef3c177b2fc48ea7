import { ARCHIVE_LIMITS } from '../util/caps.ts';
import { Transform, type TransformCallback } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import { ArchiveError } from '../errors.ts';

// One gzip member, nothing after it, as zstd-frames.ts does for zstd: Node's
// gunzip decompresses every concatenated member (a second member's content is
// read as more archive) and stops quietly at a zero byte, so it cannot say
// where the first member ended. Here the header (RFC 1952 section 2.3) is
// parsed by hand, the deflate data goes to zlib's raw inflater, which stops
// at its end and reports how much it used, and the trailer (CRC-32, size)
// is checked against what came out. Only the header and trailer are ours.

const MAX_HEADER = ARCHIVE_LIMITS.maxGzipHeader;
const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

/** Length of a complete gzip header at the start of `b`, undefined when more bytes are needed. */
export function gzipHeaderLength(b: Buffer, file: string): number | undefined {
  if (b.length < 10) return undefined;
  const corrupt = (why: string): ArchiveError =>
    new ArchiveError('ARCHIVE_UNREADABLE', `compressed data is corrupt (${why})`, { file });
  if (b[0] !== 0x1f || b[1] !== 0x8b) throw corrupt('not a gzip member');
  if (b[2] !== 8) throw corrupt(`gzip compression method ${b[2]}, not deflate`);
  const flg = b[3]!;
  if (flg & 0xe0) throw corrupt('reserved gzip header flags set');
  let at = 10;
  if (flg & FEXTRA) {
    if (b.length < at + 2) return undefined;
    at += 2 + b.readUInt16LE(at);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flg & flag)) continue;
    const nul = b.indexOf(0, at);
    if (nul === -1) return undefined;
    at = nul + 1;
  }
  if (flg & FHCRC) {
    if (b.length < at + 2) return undefined;
    if ((crc32(b.subarray(0, at)) & 0xffff) !== b.readUInt16LE(at)) throw corrupt('gzip header checksum mismatch');
    at += 2;
  }
  return b.length < at ? undefined : at;
}

export interface GzipOne {
  stages: NodeJS.ReadWriteStream[];
  /** After a clean end: the trailer follows the deflate data exactly and matches what came out. */
  assertEnd(): void;
}

export function gzipSingleMember(file: string): GzipOne {
  const inflate = createInflateRaw();
  let inflated = false;
  inflate.once('end', () => {
    inflated = true;
  });
  let headerLength: number | undefined;
  let head = Buffer.alloc(0);
  let total = 0;
  let last8 = Buffer.alloc(0);
  const trailingAt = (): number => (headerLength ?? 0) + inflate.bytesWritten + 8;
  const trailing = (): ArchiveError =>
    new ArchiveError('ARCHIVE_TRAILING_DATA', `data after the end of the gzip stream at offset ${trailingAt()}`, {
      file,
    });

  const framer = new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      total += chunk.length;
      last8 = Buffer.concat([last8, chunk.subarray(-8)]).subarray(-8);
      // The deflate data ended (the inflater said so): only the 8-byte trailer may follow.
      if (inflated && total > trailingAt()) {
        cb(trailing());
        return;
      }
      if (headerLength !== undefined) {
        cb(null, chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      try {
        headerLength = gzipHeaderLength(head, file);
      } catch (e) {
        cb(e as Error);
        return;
      }
      if (headerLength === undefined) {
        if (head.length > MAX_HEADER) {
          cb(new ArchiveError('ARCHIVE_UNREADABLE', 'compressed data is corrupt (gzip header too long)', { file }));
          return;
        }
        cb();
        return;
      }
      const rest = head.subarray(headerLength);
      head = Buffer.alloc(0);
      cb(null, rest.length > 0 ? rest : undefined);
    },
  });

  let crc = 0;
  let size = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      crc = crc32(chunk, crc);
      size = (size + chunk.length) % 2 ** 32;
      cb(null, chunk);
    },
  });

  return {
    stages: [framer, inflate, check],
    assertEnd() {
      if (headerLength === undefined || !inflated || total < trailingAt())
        throw new ArchiveError('ARCHIVE_TRUNCATED', 'compressed data ends early (gzip trailer missing)', { file });
      if (total > trailingAt()) throw trailing();
      if (last8.readUInt32LE(0) !== crc >>> 0 || last8.readUInt32LE(4) !== size)
        throw new ArchiveError('ARCHIVE_UNREADABLE', 'compressed data is corrupt (gzip CRC-32 or size mismatch)', {
          file,
        });
    },
  };
}
