import { ARCHIVE_LIMITS } from '../util/caps.ts';
import { Transform, type TransformCallback } from 'node:stream';
import { ArchiveError } from '../errors.ts';
import type { HeaderWalk } from './header-walk.ts';

// tar-stream skips all-zero blocks silently and goes on parsing after them,
// so by itself it cannot tell the end-of-archive marker from data appended
// after it. This pass-through sits in front of the tar parser, counts the
// decompressed bytes and remembers which 512-byte blocks at or after the end
// of the last member seen are all zero. The reader raises that position as
// members go by, so the record stays a handful of intervals however large the
// archive is. Not a tar parser: it only answers "was the block at this
// offset zero" and "is everything from here to the end zero".

const BLOCK = 512;
const ZERO = Buffer.alloc(BLOCK);

/**
 * Zero padding allowed after the end-of-archive marker. Tar pads to its record
 * size (10 KiB by default, 1 MiB at the largest blocking factors in use); a
 * gigabyte of zeros compresses to almost nothing, so the padding is capped
 * rather than read to its end.
 */
export const MAX_ZERO_PADDING = ARCHIVE_LIMITS.maxZeroPadding;

export class BlockTap extends Transform {
  readonly file: string;
  /** Decompressed bytes seen so far. */
  total = 0;
  private from = 0;
  private carry: Buffer = Buffer.alloc(0);
  /** Merged runs of zero blocks, [start, end), sorted. */
  private runs: [number, number][] = [];

  private readonly walker: HeaderWalk | undefined;

  /** `walker` sees every byte first (header-walk.ts): one stage, not two, in a pipeline kept lean. */
  constructor(file: string, walker?: HeaderWalk) {
    super();
    this.file = file;
    this.walker = walker;
  }

  /** Blocks before `offset` no longer matter: the reader knows what is there. */
  forgetBefore(offset: number): void {
    this.from = Math.max(this.from, offset);
    this.runs = this.runs.filter(([, end]) => end > this.from);
  }

  /** Whether the 512-byte block starting at `offset` was all zero. */
  zeroAt(offset: number): boolean {
    return this.runs.some(([s, e]) => s <= offset && offset + BLOCK <= e);
  }

  /** Whether every byte from `offset` to the end seen so far is zero. */
  zeroFrom(offset: number): boolean {
    if (this.carry.length > 0 && !this.carry.equals(ZERO.subarray(0, this.carry.length))) return false;
    const end = this.total - this.carry.length;
    return offset >= end || this.runs.some(([s, e]) => s <= offset && e >= end);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.walker?.walk(chunk);
      this.scan(chunk);
    } catch (e) {
      cb(e as Error);
      return;
    }
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.walker?.end();
    } catch (e) {
      cb(e as Error);
      return;
    }
    cb();
  }

  private scan(chunk: Buffer): void {
    let pos = this.total - this.carry.length; // offset of the first byte of `data`
    this.total += chunk.length;
    let data = chunk;
    if (this.carry.length > 0) {
      data = Buffer.concat([this.carry, chunk.subarray(0, Math.min(chunk.length, BLOCK - this.carry.length))]);
      if (data.length < BLOCK) {
        this.carry = Buffer.from(data);
        return;
      }
      this.note(pos, data);
      pos += BLOCK;
      data = chunk.subarray(BLOCK - this.carry.length);
      this.carry = Buffer.alloc(0);
    }
    // Skip the blocks the reader already accounted for (member bodies) without looking at them.
    let i = pos < this.from ? Math.min(data.length - (data.length % BLOCK), this.from - pos) : 0;
    for (; i + BLOCK <= data.length; i += BLOCK) this.note(pos + i, data.subarray(i, i + BLOCK));
    this.carry = Buffer.from(data.subarray(i));
  }

  private note(offset: number, block: Buffer): void {
    if (offset < this.from || !block.equals(ZERO)) return;
    const last = this.runs[this.runs.length - 1];
    if (last !== undefined && last[1] === offset) last[1] += BLOCK;
    else this.runs.push([offset, offset + BLOCK]);
    const run = this.runs[this.runs.length - 1]!;
    // Only runs outside every member body get here (bodies are skipped), so a
    // long one is padding after the end-of-archive marker.
    if (run[0] >= this.from && run[1] - run[0] > MAX_ZERO_PADDING + 1024) {
      throw new ArchiveError(
        'ARCHIVE_TRAILING_DATA',
        `more than ${MAX_ZERO_PADDING} bytes of zero padding after the end-of-archive marker at offset ${run[0]}`,
        { file: this.file },
      );
    }
  }
}
