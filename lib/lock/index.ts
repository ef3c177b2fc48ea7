import { InputError, InternalError } from '../errors.ts';
import { CAPS } from '../util/caps.ts';
import { readUserFile } from '../util/read.ts';
import { parsePylock } from './pylock.ts';
import { parseRequirements } from './requirements.ts';
import { parseSpecs } from './specs.ts';
import type { LockEntry } from './types.ts';

export type { LockEntry, PinnedFile } from './types.ts';
export { normalizeName } from './names.ts';
export { parsePylock, parseRequirements, parseSpecs };

export type LockKind = 'pylock' | 'requirements';

/**
 * A lock file's text (the only file I/O of lib/lock): bounded, UTF-8 or
 * LOCK_INVALID. A byte order mark is dropped unless `keepBom` (an editor of
 * the file must write it back).
 */
export async function readLockText(path: string, opts: { keepBom?: boolean } = {}): Promise<string> {
  const bytes = await readUserFile(path, {
    cap: CAPS.lock,
    tooLarge: () => new InputError('LOCK_INVALID', `larger than ${CAPS.lock} bytes`, { file: path }),
  });
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: opts.keepBom === true }).decode(bytes);
  } catch (e) {
    throw new InputError('LOCK_INVALID', 'not valid UTF-8', { file: path, cause: e });
  }
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
