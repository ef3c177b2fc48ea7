import { createHash, type Hash } from 'node:crypto';

// Splits the log's bytes into lines as they stream, hashing each whole line
// (its bytes without the newline) however long it is, and keeping its bytes
// only up to a cap, so neither appending nor checking holds the log in memory.

export interface Line {
  /** 1-based. */
  n: number;
  /** Hex sha256 of the line's bytes, without its newline. */
  sha256: string;
  /** The line's bytes; undefined when it is longer than the cap. */
  bytes: Buffer | undefined;
  /** False for a last line without a newline. */
  terminated: boolean;
}

export class LineScanner {
  private n = 0;
  private hash: Hash = createHash('sha256');
  private parts: Buffer[] = [];
  private length = 0;
  private readonly cap: number;

  constructor(cap: number) {
    this.cap = cap;
  }

  private finish(terminated: boolean): Line {
    const line: Line = {
      n: ++this.n,
      sha256: this.hash.digest('hex'),
      bytes: this.length > this.cap ? undefined : Buffer.concat(this.parts),
      terminated,
    };
    this.hash = createHash('sha256');
    this.parts = [];
    this.length = 0;
    return line;
  }

  /** The lines this chunk completes. */
  push(chunk: Buffer): Line[] {
    const out: Line[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, nl < 0 ? chunk.length : nl);
      this.hash.update(piece);
      this.length += piece.length;
      // Copied: a stream may reuse its chunk buffers.
      if (this.length <= this.cap) this.parts.push(Buffer.from(piece));
      else this.parts = [];
      if (nl < 0) return out;
      out.push(this.finish(true));
      start = nl + 1;
    }
  }

  /** The last line, when the bytes did not end with a newline. */
  end(): Line | undefined {
    return this.length > 0 ? this.finish(false) : undefined;
  }
}
