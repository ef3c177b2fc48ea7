import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { lstat, mkdir, open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ExportError, InputError, errorMessage } from '../errors.ts';
import { createAtomicWriteStream, writeFileAtomic } from '../util/atomic.ts';
import type { Blob } from './record.ts';

// File system steps inside the destination. Symbolic links there are never
// followed: every folder on the way is checked with lstat, existing files are
// opened with O_NOFOLLOW, and new files are created under a fresh temporary
// name (O_EXCL) then renamed, which replaces a name and never writes through it.

const TEMP_PREFIX = '.airlock-tmp-';

function notSafe(root: string, rel: string, what: string): ExportError {
  return new ExportError('EXPORT_UNSAFE_DIR', `${what}; airlock never writes through links`, {
    file: join(root, rel),
  });
}

function ioError(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  return new InputError('OUTPUT_FAILED', `cannot write (${code ?? errorMessage(e)})`, { file, cause: e });
}

async function lstatOrNull(path: string) {
  return lstat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw ioError(path, e);
  });
}

/** Checks every folder of `rel` under `root` (no links, only folders); creates the missing ones when `create`. */
async function walkDirs(root: string, rel: string, create: boolean): Promise<boolean> {
  const parts = rel.split('/').slice(0, -1);
  let here = root;
  let sofar = '';
  for (const part of parts) {
    here = join(here, part);
    sofar = sofar ? `${sofar}/${part}` : part;
    const st = await lstatOrNull(here);
    if (st === null) {
      if (!create) return false;
      await mkdir(here).catch((e) => {
        throw ioError(here, e);
      });
    } else if (st.isSymbolicLink()) throw notSafe(root, sofar, 'a symbolic link');
    else if (!st.isDirectory()) throw notSafe(root, sofar, 'not a folder');
  }
  return true;
}

export type Probe = { kind: 'missing' } | ({ kind: 'file' } & Blob);

/** What is at `rel` now: nothing, or a regular file with its hash. Anything else is refused. */
export async function probe(root: string, rel: string): Promise<Probe> {
  if (!(await walkDirs(root, rel, false))) return { kind: 'missing' };
  const path = join(root, rel);
  const st = await lstatOrNull(path);
  if (st === null) return { kind: 'missing' };
  if (st.isSymbolicLink()) throw notSafe(root, rel, 'a symbolic link');
  if (!st.isFile()) throw notSafe(root, rel, 'not a regular file');
  return { kind: 'file', ...(await hashNoFollow(path)) };
}

async function hashNoFollow(path: string): Promise<Blob> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch((e) => {
    throw new InputError('INPUT_UNREADABLE', `cannot read (${errorMessage(e)})`, { file: path, cause: e });
  });
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of createReadStream('', { fd: fh, autoClose: false })) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } finally {
    await fh.close();
  }
  return { sha256: hash.digest('hex'), size };
}

/** Hashes a checked source file outside the destination. */
export async function hashSource(path: string): Promise<Blob> {
  return hashNoFollow(path);
}

/**
 * Copies `source` to `rel` through a flushed temporary file and a rename,
 * hashing what it copies: a source that is not `expect` is never placed.
 */
export async function placeFile(root: string, rel: string, source: string, expect: Blob): Promise<void> {
  await walkDirs(root, rel, true);
  const out = createAtomicWriteStream(join(root, rel));
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    await pipeline(createReadStream(source), tap, out.stream);
  } catch (e) {
    await out.abort();
    throw new InputError('INPUT_UNREADABLE', `cannot copy (${errorMessage(e)})`, { file: source, cause: e });
  }
  const sha256 = hash.digest('hex');
  if (sha256 !== expect.sha256 || size !== expect.size) {
    await out.abort();
    throw new ExportError(
      'EXPORT_SOURCE_CHANGED',
      `has ${size} bytes with sha256 ${sha256}; verification accepted ${expect.size} bytes with sha256 ` +
        `${expect.sha256}`,
      { file: source },
    );
  }
  await out.commit();
}

/** Whether `rel` holds exactly `bytes`. */
export async function holds(root: string, rel: string, bytes: Uint8Array): Promise<boolean> {
  const now = await probe(root, rel);
  return (
    now.kind === 'file' && now.size === bytes.length && now.sha256 === createHash('sha256').update(bytes).digest('hex')
  );
}

/** Replaces the page at `rel` when its content differs; returns whether it wrote. */
export async function writeIfChanged(root: string, rel: string, text: string): Promise<boolean> {
  const bytes = Buffer.from(text);
  if (await holds(root, rel, bytes)) return false;
  await walkDirs(root, rel, true);
  await writeFileAtomic(join(root, rel), bytes);
  return true;
}

/** Removes temporary files a killed export left in `relDir` (the caller holds the folder lock). */
export async function removeStaleTemps(root: string, relDir: string): Promise<void> {
  const dir = relDir === '' ? root : join(root, relDir);
  if (relDir !== '' && !(await walkDirs(root, `${relDir}/x`, false))) return;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(TEMP_PREFIX))
      await rm(join(dir, name), { force: true, recursive: true }).catch(() => undefined);
  }
}
