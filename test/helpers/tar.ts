import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

// Builds tar archives, hostile ones included, with tar-stream (the library
// the reader uses), plus the few raw header blocks tar-stream will not write
// (GNU long names, unknown type flags). For tests only.

export type EntryType = tar.Header['type'];

export interface TarEntry {
  name: string;
  body?: Buffer | string;
  type?: EntryType;
  linkname?: string;
  /** Extra pax records; `path` here rewrites the name the reader sees. */
  pax?: Record<string, string>;
}

/** Packs entries in order; `end: false` leaves out the end-of-archive blocks. Buffers are copied in as they are. */
export async function packTar(entries: (TarEntry | Buffer)[], opts: { end?: boolean } = {}): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (Buffer.isBuffer(e)) parts.push(e);
    else if (e.pax !== undefined) {
      // tar-stream would write its own `path` record before these: write the pax header by hand.
      const records = Object.entries(e.pax).map(([k, v]) => paxRecord(k, v));
      parts.push(paxHeader(records.join('')), rawMember(e.name, e.body ?? ''));
    } else parts.push(await packOne(e));
  }
  if (opts.end !== false) parts.push(END_BLOCKS);
  return Buffer.concat(parts);
}

/** One entry as tar-stream writes it, without the end-of-archive blocks. */
async function packOne(e: TarEntry): Promise<Buffer> {
  const pack = tar.pack();
  const out: Buffer[] = [];
  const done = pipeline(
    pack as unknown as NodeJS.ReadableStream,
    new Writable({
      write: (c: Buffer, _e, cb) => {
        out.push(c);
        cb();
      },
    }),
  );
  const body = e.body === undefined ? undefined : Buffer.from(e.body);
  const header = {
    name: e.name,
    type: e.type ?? 'file',
    mode: 0o644,
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
    mtime: new Date(0),
    ...(e.linkname === undefined ? {} : { linkname: e.linkname }),
  };
  await new Promise<void>((resolve, reject) => {
    const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
    if (body !== undefined) pack.entry(header, body, cb);
    else pack.entry(header, cb);
  });
  pack.finalize();
  await done;
  const bytes = Buffer.concat(out);
  return bytes.subarray(0, bytes.length - 1024);
}

/** Concatenates archive pieces; strips the end-of-archive blocks of all but the last. */
export function concatTar(...parts: Buffer[]): Buffer {
  return Buffer.concat(parts.map((p, i) => (i < parts.length - 1 ? p.subarray(0, p.length - 1024) : p)));
}

export const END_BLOCKS = Buffer.alloc(1024);

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

/** One ustar header block written by hand: for type flags and fields tar-stream cannot emit. */
export function rawHeader(name: string, typeflag: string, size: number): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0, 100, 'utf8');
  b.write(octal(0o644, 8), 100);
  b.write(octal(0, 8), 108);
  b.write(octal(0, 8), 116);
  if (size.toString(8).length > 11) {
    // GNU base-256, as tar-stream writes sizes of 8 GiB and more.
    b[124] = 0x80;
    let n = size;
    for (let i = 135; i > 124; i--, n = Math.floor(n / 256)) b[i] = n % 256;
  } else b.write(octal(size, 12), 124);
  b.write(octal(0, 12), 136);
  b.write(typeflag, 156, 'latin1');
  b.write('ustar\0' + '00', 257, 'binary');
  b.write(octal(0, 8), 329);
  b.write(octal(0, 8), 337);
  return setChecksum(b);
}

/** Rewrites the checksum field of a header block: the unsigned sum POSIX asks for, or the signed one. */
export function setChecksum(b: Buffer, signed = false): Buffer {
  let sum = 0;
  for (let i = 0; i < 512; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : b[i]!;
    sum += signed && byte >= 0x80 ? byte - 256 : byte;
  }
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}

/** Overwrites bytes of a header block at `at` (latin1 string or bytes) and fixes its checksum. */
export function patchHeader(
  block: Buffer,
  at: number,
  bytes: string | Buffer,
  opts: { signed?: boolean } = {},
): Buffer {
  const b = Buffer.from(block);
  (typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes).copy(b, at);
  return setChecksum(b, opts.signed);
}

/** One pax record, its length field computed: `"%d key=value\n"`. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len++;
  return `${len}${body}`;
}

/** A pax extended header (`x`, or `g` for a global one) with these records, padded to blocks. */
export function paxHeader(records: string | Buffer, typeflag = 'x'): Buffer {
  const body = Buffer.from(records);
  return Buffer.concat([rawHeader('PaxHeader/x', typeflag, body.length), padBlock(body)]);
}

/** A regular-file member written by hand: header and padded body. */
export function rawMember(name: string, body: Buffer | string): Buffer {
  const b = Buffer.from(body);
  return Buffer.concat([rawHeader(name, '0', b.length), padBlock(b)]);
}

export function padBlock(body: Buffer | string): Buffer {
  const b = Buffer.from(body);
  return Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
}

/** A GNU long-name entry ('L') that renames the entry after it. */
export function gnuLongName(name: string): Buffer {
  const body = Buffer.from(`${name}\0`);
  return Buffer.concat([rawHeader('././@LongLink', 'L', body.length), padBlock(body)]);
}

// --- manifests ---

export interface TestMember {
  path: string;
  body: Buffer;
  role: string;
}

const ROLE_BY_PREFIX: [RegExp, string][] = [
  [/\.provenance$/, 'provenance'],
  [/\.metadata$/, 'core-metadata'],
  [/^packages\//, 'distribution'],
  [/^index\//, 'index-page'],
  [/^tuf\/metadata\//, 'tuf-metadata'],
  [/^tuf\/targets\//, 'tuf-target'],
  [/^lock\//, 'lock'],
];

export function member(path: string, body: Buffer | string): TestMember {
  const role = ROLE_BY_PREFIX.find(([re]) => re.test(path))?.[1] ?? 'tuf-target';
  return { path, body: Buffer.from(body), role };
}

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** A manifest object listing `members` (sorted), with no packages unless given. */
export function manifestFor(members: TestMember[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format: 'airlock-bundle',
    formatVersion: 1,
    createdAt: '2026-08-22T00:00:00Z',
    tool: { name: 'airlock', version: '0.1.0' },
    sources: {},
    packages: [],
    members: [...members]
      .sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
      .map((m) => ({ path: m.path, size: m.body.length, sha256: sha256(m.body), role: m.role })),
    ...extra,
  };
}

/** The manifest entry followed by `entries`: the usual start of a hostile bundle. */
export function withManifest(listed: TestMember[], entries: TarEntry[], manifest?: unknown): TarEntry[] {
  const json = typeof manifest === 'string' ? manifest : JSON.stringify(manifest ?? manifestFor(listed));
  return [{ name: 'airlock-manifest.json', body: json }, ...entries];
}

export const asEntries = (members: TestMember[]): TarEntry[] => members.map((m) => ({ name: m.path, body: m.body }));
