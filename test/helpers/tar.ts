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

/** Packs entries in order; `end: false` leaves out the end-of-archive blocks. */
export async function packTar(entries: (TarEntry | Buffer)[], opts: { end?: boolean } = {}): Promise<Buffer> {
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
  const raw: Buffer[] = [];
  for (const e of entries) {
    if (Buffer.isBuffer(e)) {
      raw.push(e);
      continue;
    }
    if (raw.length > 0) throw new Error('raw blocks must come last in packTar; use concatTar');
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
      ...(e.pax === undefined ? {} : { pax: e.pax }),
    };
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (body !== undefined) pack.entry(header, body, cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  await done;
  let tarBytes = Buffer.concat(out);
  if (opts.end === false) tarBytes = tarBytes.subarray(0, tarBytes.length - 1024);
  return Buffer.concat([tarBytes, ...raw]);
}

/** Concatenates archive pieces; strips the end-of-archive blocks of all but the last. */
export function concatTar(...parts: Buffer[]): Buffer {
  return Buffer.concat(parts.map((p, i) => (i < parts.length - 1 ? p.subarray(0, p.length - 1024) : p)));
}

export const END_BLOCKS = Buffer.alloc(1024);

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

/** One ustar header block written by hand: for type flags tar-stream cannot emit. */
export function rawHeader(name: string, typeflag: string, size: number): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0, 100, 'utf8');
  b.write(octal(0o644, 8), 100);
  b.write(octal(0, 8), 108);
  b.write(octal(0, 8), 116);
  b.write(octal(size, 12), 124);
  b.write(octal(0, 12), 136);
  b.write(typeflag, 156);
  b.write('ustar\0' + '00', 257, 'binary');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return b;
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
