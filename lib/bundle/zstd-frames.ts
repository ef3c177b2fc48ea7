import { Transform, type TransformCallback } from 'node:stream';
import { ArchiveError } from '../errors.ts';

// Node's zstd decompressor stops at the end of the first frame and silently
// drops whatever follows, so data appended to a .tar.zst would go unnoticed.
// This pass-through walks the frame structure (RFC 8878 section 3.1.1: frame
// header, block headers, optional checksum) only to find where the first
// frame ends, and refuses anything after it except empty frames (Node's
// compressor, when piped, ends its output with one: 13 bytes, one empty raw
// block). It decodes nothing: the decompressor still checks the content and
// its checksum. No npm package exposes frame boundaries, hence these lines.

const MAGIC = 0xfd2fb528;

export class ZstdSingleFrame extends Transform {
  private readonly file: string;
  private offset = 0;
  private need = 4; // bytes still wanted for the current step
  private step: 'magic' | 'fhd' | 'skip-header' | 'block' | 'skip-block' | 'checksum' = 'magic';
  private frame = 0;
  private buf: number[] = [];
  private checksum = false;
  private lastBlock = false;

  constructor(file: string) {
    super();
    this.file = file;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.step === 'skip-header' || this.step === 'skip-block' || this.step === 'checksum') {
        const n = Math.min(this.need, chunk.length - i);
        i += n;
        this.offset += n;
        this.need -= n;
        if (this.need === 0) this.next();
        continue;
      }
      this.buf.push(chunk[i]!);
      i++;
      this.offset++;
      if (this.buf.length === this.need) {
        const err = this.header();
        if (err) {
          cb(err);
          return;
        }
      }
    }
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    // A short first frame is the decompressor's to report; a cut trailing frame is ours.
    if (this.frame > 0 && (this.step !== 'magic' || this.buf.length > 0)) {
      cb(new ArchiveError('ARCHIVE_TRUNCATED', 'the zstd stream ends inside a frame', { file: this.file }));
      return;
    }
    cb();
  }

  /** Interprets the bytes gathered for a magic number, frame header descriptor or block header. */
  private header(): ArchiveError | undefined {
    const b = this.buf;
    this.buf = [];
    if (this.step === 'magic') {
      if ((b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0 !== MAGIC) {
        return this.frame > 0
          ? this.trailing()
          : new ArchiveError('ARCHIVE_UNREADABLE', 'not a zstd frame', { file: this.file });
      }
      this.step = 'fhd';
      this.need = 1;
      return undefined;
    }
    if (this.step === 'fhd') {
      const fhd = b[0]!;
      const single = (fhd >> 5) & 1;
      this.checksum = ((fhd >> 2) & 1) === 1;
      const fcs = [single ? 1 : 0, 2, 4, 8][fhd >> 6]!;
      const dict = [0, 1, 2, 4][fhd & 3]!;
      this.need = (single ? 0 : 1) + dict + fcs;
      this.step = 'skip-header';
      if (this.need === 0) this.next();
      return undefined;
    }
    // block header: bit 0 last block, bits 1-2 type, bits 3-23 size
    const v = b[0]! | (b[1]! << 8) | (b[2]! << 16);
    const type = (v >> 1) & 3;
    if (type === 3) return new ArchiveError('ARCHIVE_UNREADABLE', 'corrupt zstd block header', { file: this.file });
    if (this.frame > 0 && v >> 1 !== 0) return this.trailing();
    this.lastBlock = (v & 1) === 1;
    this.need = type === 1 ? 1 : v >> 3;
    this.step = 'skip-block';
    if (this.need === 0) this.next();
    return undefined;
  }

  private next(): void {
    if (this.step === 'skip-header' || (this.step === 'skip-block' && !this.lastBlock)) {
      this.step = 'block';
      this.need = 3;
    } else if (this.step === 'skip-block' && this.checksum) {
      this.step = 'checksum';
      this.need = 4;
    } else {
      this.step = 'magic';
      this.need = 4;
      this.frame++;
    }
  }

  private trailing(): ArchiveError {
    return new ArchiveError(
      'ARCHIVE_TRAILING_DATA',
      `data after the end of the zstd frame (near offset ${this.offset})`,
      { file: this.file },
    );
  }
}
