import { InputError, InternalError } from '../errors.ts';
import { CAPS } from '../util/caps.ts';
import { sha256Hex } from '../util/digest.ts';
import { readUserFile } from '../util/read.ts';
import { parsePylock } from './pylock.ts';
import { parseRequirements } from './requirements.ts';
import { parseSpecs } from './specs.ts';
import type { LockEntry } from './types.ts';

export type { LockEntry, PinnedFile } from './types.ts';
export { normalizeName } from './names.ts';
export { parsePylock, parseRequirements, parseSpecs };

export type LockKind = 'pylock' | 'requirements';

/** A pylock.toml as read once: the bytes (bundled and hashed as they are), their sha256, what they say. */
export interface LockFile {
  file: string;
  bytes: Uint8Array;
  sha256: string;
  entries: LockEntry[];
}

/** UTF-8 or LOCK_INVALID. A byte order mark is dropped unless `keepBom` (an editor of the file must write it back). */
function decode(bytes: Uint8Array, path: string, keepBom = false): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: keepBom }).decode(bytes);
  } catch (e) {
    throw new InputError('LOCK_INVALID', 'not valid UTF-8', { file: path, cause: e });
  }
}

/**
 * A pylock.toml's bytes (read from disk, or carried in a bundle), parsed; `file` names it in messages. `sha256`
 * when the caller already has the digest of these bytes.
 */
export function parseLockFile(bytes: Uint8Array, file: string, sha256 = sha256Hex(bytes)): LockFile {
  return { file, bytes, sha256, entries: parsePylock(decode(bytes, file), file) };
}

/** The only file I/O of lib/lock: bounded. */
async function readLockBytes(path: string): Promise<Uint8Array> {
  return readUserFile(path, {
    cap: CAPS.lock,
    tooLarge: () => new InputError('LOCK_INVALID', `larger than ${CAPS.lock} bytes`, { file: path }),
  });
}

/** Reads a pylock.toml once: the bytes that are parsed are the bytes a bundle carries. */
export async function readLockFile(path: string): Promise<LockFile> {
  return parseLockFile(await readLockBytes(path), path);
}

/** A lock file's text: bounded, UTF-8 or LOCK_INVALID. */
export async function readLockText(path: string, opts: { keepBom?: boolean } = {}): Promise<string> {
  return decode(await readLockBytes(path), path, opts.keepBom === true);
}

/** Reads a lock input from disk and dispatches on its kind. */
export async function readLock(kind: LockKind, path: string): Promise<LockEntry[]> {
  const text = await readLockText(path);
  switch (kind) {
    case 'pylock':
      return parsePylock(text, path);
    case 'requirements':
      return parseRequirements(text, path);
    default:
      throw new InternalError(`unknown lock kind '${String(kind satisfies never)}'`);
  }
}
