import { constants, type Stats } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { type AirlockError, InputError, errorMessage, isAirlockError } from '../errors.ts';
import { parseJson } from './json.ts';

// The one reader of user files (--root, --trusted-root, --provenance, locks,
// a TUF copy's files, --from-dir provenance, the trust state). Three rules:
// - open with O_NONBLOCK, so a FIFO cannot block the open itself;
// - check the type with fstat on the opened descriptor (checking the path and
//   opening after would race): only regular files are read, so a FIFO, a
//   device (/dev/zero) or a folder is refused at once;
// - read bounded: the fstat size beyond the cap is refused unread, and the
//   read stops one byte past the cap in case the file grows meanwhile.

export interface ReadFileOptions {
  /** Most bytes accepted. */
  cap: number;
  /** How to name the file in messages (default: the path). */
  label?: string;
  /** The error for a file past the cap (default INPUT_UNREADABLE, `larger than N bytes`). */
  tooLarge?: (size: number | undefined) => AirlockError;
  /** O_NOFOLLOW: refuse a symbolic link where none is expected (a TUF copy's files). */
  noFollow?: boolean;
}

function unreadable(label: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ELOOP' ? 'a symbolic link, not a file' : `cannot read (${code ?? errorMessage(e)})`;
  return new InputError('INPUT_UNREADABLE', why, { file: label, cause: e });
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'a special file';
}

async function readBounded(fh: FileHandle, size: number, cap: number, tooLarge: () => AirlockError): Promise<Buffer> {
  const buf = Buffer.alloc(Math.min(size, cap) + 1);
  let off = 0;
  while (off < buf.length) {
    const { bytesRead } = await fh.read(buf, off, buf.length - off, off);
    if (bytesRead === 0) break;
    off += bytesRead;
  }
  if (off > cap) throw tooLarge();
  return buf.subarray(0, off);
}

/**
 * Opens a regular file for reading (O_NONBLOCK, O_NOFOLLOW with `noFollow`),
 * its type checked on the descriptor; undefined when it does not exist and
 * `missingOk`. The caller closes the handle.
 */
export async function openRegularFile(
  path: string,
  opts: { label?: string; noFollow?: boolean; missingOk?: boolean } = {},
): Promise<{ fh: FileHandle; size: number } | undefined> {
  const label = opts.label ?? path;
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (opts.noFollow ? constants.O_NOFOLLOW : 0);
  let fh: FileHandle;
  try {
    fh = await open(path, flags);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (opts.missingOk && (code === 'ENOENT' || code === 'ENOTDIR')) return undefined;
    throw unreadable(label, e);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new InputError('INPUT_UNREADABLE', `${kindOf(st)}, not a regular file`, { file: label });
    return { fh, size: st.size };
  } catch (e) {
    await fh.close().catch(() => undefined);
    if (isAirlockError(e)) throw e;
    throw unreadable(label, e);
  }
}

async function read(path: string, opts: ReadFileOptions, missingOk: boolean): Promise<Uint8Array | undefined> {
  const label = opts.label ?? path;
  const tooLarge = (size?: number) =>
    opts.tooLarge?.(size) ?? new InputError('INPUT_UNREADABLE', `larger than ${opts.cap} bytes`, { file: label });
  const opened = await openRegularFile(path, {
    label,
    missingOk,
    ...(opts.noFollow !== undefined ? { noFollow: opts.noFollow } : {}),
  });
  if (!opened) return undefined;
  const { fh } = opened;
  try {
    if (opened.size > opts.cap) throw tooLarge(opened.size);
    return new Uint8Array(await readBounded(fh, opened.size, opts.cap, () => tooLarge(undefined)));
  } catch (e) {
    if (isAirlockError(e)) throw e;
    throw unreadable(label, e);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** The bytes of a regular file, at most `cap`; undefined when it does not exist (ENOENT, ENOTDIR). */
export function readUserFileIfExists(path: string, opts: ReadFileOptions): Promise<Uint8Array | undefined> {
  return read(path, opts, true);
}

/** The bytes of a regular file, at most `cap`; a missing file is INPUT_UNREADABLE (`cannot read (ENOENT)`). */
export async function readUserFile(path: string, opts: ReadFileOptions): Promise<Uint8Array> {
  return (await read(path, opts, false))!;
}

/** A bounded JSON input: INPUT_UNREADABLE past the cap, MALFORMED_JSON when not UTF-8 JSON. */
export async function readJsonFile(path: string, opts: ReadFileOptions): Promise<unknown> {
  return parseJson(await readUserFile(path, opts), opts.label ?? path);
}

/**
 * A stream's bytes (an archive member, a download), at most `cap`. Past the
 * cap: with `tooLarge`, that error at once; without, the rest is still read
 * and dropped and the result is undefined, so that a check at the stream's
 * end (a member's digest) still runs.
 */
export async function readStreamBounded(
  stream: AsyncIterable<Uint8Array>,
  cap: number,
  tooLarge?: () => AirlockError,
): Promise<Buffer | undefined> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of stream) {
    n += chunk.length;
    if (n > cap && tooLarge) throw tooLarge();
    if (n <= cap) parts.push(chunk);
  }
  return n <= cap ? Buffer.concat(parts) : undefined;
}
