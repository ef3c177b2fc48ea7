import { ArchiveError } from '../errors.ts';
import { parseLongName, parsePaxRecords } from './extended-records.ts';
import { ambiguous, BLOCK, isZeroBlock, readHeader, type RawHeader } from './header-rules.ts';
import { printable } from './paths.ts';

// Walks the tar structure of the decompressed stream in front of tar-stream:
// each header block is checked by header-rules.ts, each extended header body
// by extended-records.ts, before tar-stream sees a byte of it; member bodies
// are skipped unread. It also counts every byte, headers included, against
// the total cap, so headers that are not members cannot make a bomb.
// After the end-of-archive marker (the first zero block where a header is
// due: tarfile and GNU tar stop there, tar-stream reads on) only zeros pass.

const pad = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;

type State =
  | { at: 'header' }
  | { at: 'skip'; left: number }
  | { at: 'extended'; header: RawHeader; left: number; parts: Buffer[] }
  | { at: 'ended'; since: number }
  /** After a header the reader refuses from its type (links, devices): nothing after it is read. */
  | { at: 'done' };

interface Pending {
  kind: 'pax' | 'longname';
  /** Where it was, for messages before its member is known. */
  label: string;
  body: Buffer;
}

export class HeaderWalk {
  private readonly archive: string;
  private readonly maxTotalBytes: number;
  private offset = 0;
  private state: State = { at: 'header' };
  private carry: Buffer = Buffer.alloc(0);
  /** The extended header waiting for its member. */
  private pending: Pending | undefined;

  constructor(archive: string, maxTotalBytes: number) {
    this.archive = archive;
    this.maxTotalBytes = maxTotalBytes;
  }

  /** Takes the next bytes of the decompressed stream; throws the refusal, if any. */
  walk(chunk: Buffer): void {
    let data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = Buffer.alloc(0);
    while (data.length > 0) {
      const s = this.state;
      if (s.at === 'done') return;
      if (s.at === 'skip') {
        const n = Math.min(s.left, data.length);
        s.left -= n;
        this.offset += n;
        data = data.subarray(n);
        if (s.left === 0) this.state = { at: 'header' };
        continue;
      }
      if (s.at === 'extended') {
        const n = Math.min(s.left, data.length);
        s.parts.push(Buffer.from(data.subarray(0, n)));
        s.left -= n;
        this.offset += n;
        data = data.subarray(n);
        if (s.left === 0) this.extendedBody(s.header, Buffer.concat(s.parts));
        continue;
      }
      if (data.length < BLOCK) {
        this.carry = Buffer.from(data);
        return;
      }
      if (s.at === 'ended') {
        if (!isZeroBlock(data)) throw this.trailing(s.since, data.subarray(0, BLOCK));
      } else this.header(data.subarray(0, BLOCK));
      this.offset += BLOCK;
      data = data.subarray(BLOCK);
    }
  }

  private header(block: Buffer): void {
    const p = this.pending;
    if (isZeroBlock(block)) {
      if (p !== undefined) throw ambiguous(p.label, 'typeflag', 'an extended header with no member after it');
      this.state = { at: 'ended', since: this.offset };
      return;
    }
    const h = readHeader(block, this.offset, this.archive);
    // An extended header is judged with the member it applies to, so that messages name that member.
    const name = p === undefined ? h.name : this.applyExtended(p, h);
    const end = this.offset + BLOCK + pad(h.size);
    if (end > this.maxTotalBytes)
      throw new ArchiveError(
        'ARCHIVE_TOO_LARGE',
        `the archive passes ${this.maxTotalBytes} bytes, headers included, at this entry (cap maxTotalBytes)`,
        { file: printable(name) },
      );
    if (h.kind === 'pax' || h.kind === 'longname') {
      this.pending = { kind: h.kind, label: `extended header at offset ${this.offset}`, body: Buffer.alloc(0) };
      this.state = { at: 'extended', header: h, left: h.size, parts: [] };
      if (h.size === 0) this.extendedBody(h, Buffer.alloc(0));
      return;
    }
    this.pending = undefined;
    // tar-stream reads a name ending in '/' as a folder with no body; the reader refuses it.
    if (h.kind === 'other' || name.endsWith('/')) {
      this.state = { at: 'done' };
      return;
    }
    this.state = h.size === 0 ? { at: 'header' } : { at: 'skip', left: pad(h.size) };
  }

  /** Checks the pending extended header against the header after it; returns the member's final name. */
  private applyExtended(p: Pending, h: RawHeader): string {
    // One extended header per member: with two, readers disagree on which one wins.
    if (h.kind === 'pax' || h.kind === 'longname')
      throw ambiguous(
        h.name,
        'typeflag',
        `a ${h.kind === 'pax' ? 'pax' : 'GNU long-name'} header right after another extended header (${p.label})`,
      );
    if (p.kind === 'pax') return parsePaxRecords(p.body, h.name).get('path') ?? h.name;
    return parseLongName(p.body, h.name);
  }

  private extendedBody(h: RawHeader, body: Buffer): void {
    this.pending = { kind: h.kind === 'pax' ? 'pax' : 'longname', label: this.pending!.label, body };
    const padding = pad(h.size) - h.size;
    this.state = padding === 0 ? { at: 'header' } : { at: 'skip', left: padding };
  }

  private trailing(since: number, block: Buffer): ArchiveError {
    // Name what was appended when it is a readable header.
    let what = '';
    if (block.length === BLOCK) {
      try {
        what = ` ('${printable(readHeader(block, this.offset, this.archive).name)}')`;
      } catch {
        what = '';
      }
    }
    return new ArchiveError('ARCHIVE_TRAILING_DATA', `data after the end-of-archive marker at offset ${since}${what}`, {
      file: this.archive,
    });
  }

  /** At the end of the stream. A cut header or body is tar-stream's to report (the reader knows where it was). */
  end(): void {
    if (this.state.at === 'ended' && this.carry.some((b) => b !== 0)) throw this.trailing(this.state.since, this.carry);
  }
}
