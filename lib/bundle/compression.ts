import { Transform } from 'node:stream';
import { constants, createGzip, createZstdCompress, createZstdDecompress } from 'node:zlib';
import { ArchiveError, UsageError } from '../errors.ts';
import type { Compression } from './types.ts';
import { gzipSingleMember } from './gzip-member.ts';
import { ZstdSingleFrame } from './zstd-frames.ts';

// Compression is chosen by the writer from the output name and detected by
// the reader from magic bytes only: a renamed file still reads, and a file
// that is neither tar nor a supported compression is refused up front.

export function compressionFromPath(path: string): Compression {
  const p = path.toLowerCase();
  if (p.endsWith('.tar')) return 'none';
  if (p.endsWith('.tar.gz') || p.endsWith('.tgz')) return 'gzip';
  if (p.endsWith('.tar.zst') || p.endsWith('.tzst')) return 'zstd';
  throw new UsageError(
    'USAGE',
    'cannot tell the compression from the output name: use .tar, .tar.gz, .tgz, .tar.zst or .tzst',
    { file: path },
  );
}

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const OTHER_MAGIC: [string, number[]][] = [
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
];

function startsWith(head: Uint8Array, magic: number[]): boolean {
  return head.length >= magic.length && magic.every((b, i) => head[i] === b);
}

/** Detects the compression from the first bytes; a known but unsupported format is refused by name. */
export function detectCompression(head: Uint8Array, file: string): Compression {
  if (startsWith(head, GZIP_MAGIC)) return 'gzip';
  if (startsWith(head, ZSTD_MAGIC)) return 'zstd';
  for (const [name, magic] of OTHER_MAGIC) {
    if (startsWith(head, magic))
      throw new ArchiveError(
        'ARCHIVE_UNREADABLE',
        `${name} archives are not supported (bundles are .tar, .tar.gz or .tar.zst)`,
        { file },
      );
  }
  return 'none';
}

// Fixed levels: the same input must give the same bytes.
const GZIP_LEVEL = 6;
const ZSTD_LEVEL = 3;

/**
 * zlib writes the build's operating system into byte 9 of the gzip header
 * (3 on Unix, other values on macOS and Windows builds); setting it to 255
 * ("unknown") makes the archive byte-identical wherever it is written. The
 * byte is outside every checksum, so this changes nothing else.
 */
function gzipOsByteNormaliser(): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (seen <= 9 && seen + chunk.length > 9) {
        chunk = Buffer.from(chunk);
        chunk[9 - seen] = 0xff;
      }
      seen += chunk.length;
      cb(null, chunk);
    },
  });
}

/**
 * Feeds the compressor fixed-size chunks. zstd's streaming output depends on
 * how its input was split into writes (which varies with disk reads and
 * stream timing), so without this two writes of the same archive could differ.
 */
const CHUNK = 64 * 1024;
function fixedChunks(): Transform {
  let buf = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      let off = 0;
      while (off < chunk.length) {
        const n = Math.min(CHUNK - used, chunk.length - off);
        chunk.copy(buf, used, off, off + n);
        used += n;
        off += n;
        if (used === CHUNK) {
          this.push(buf);
          buf = Buffer.allocUnsafe(CHUNK);
          used = 0;
        }
      }
      cb();
    },
    flush(cb) {
      cb(null, used > 0 ? buf.subarray(0, used) : undefined);
    },
  });
}

export function compressStages(kind: Compression): NodeJS.ReadWriteStream[] {
  switch (kind) {
    case 'none':
      return [];
    case 'gzip':
      return [fixedChunks(), createGzip({ level: GZIP_LEVEL }), gzipOsByteNormaliser()];
    case 'zstd':
      return [
        fixedChunks(),
        createZstdCompress({
          params: { [constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL, [constants.ZSTD_c_checksumFlag]: 1 },
        }),
      ];
    default:
      throw new UsageError('USAGE', `unknown compression '${String(kind)}'`);
  }
}

export interface Decompressor {
  readonly kind: Compression;
  readonly stages: NodeJS.ReadWriteStream[];
  /** After a clean end: refuses compressed bytes the decompressor never used. */
  assertConsumed(bytesIn: number): void;
}

export function createDecompressor(kind: Compression, file: string): Decompressor {
  switch (kind) {
    case 'none':
      return { kind, stages: [], assertConsumed() {} };
    case 'gzip': {
      const one = gzipSingleMember(file);
      return { kind, stages: one.stages, assertConsumed: () => one.assertEnd() };
    }
    case 'zstd':
      return { kind, stages: [new ZstdSingleFrame(file), createZstdDecompress()], assertConsumed() {} };
    default:
      throw new UsageError('USAGE', `unknown compression '${String(kind)}'`);
  }
}
