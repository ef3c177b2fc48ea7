import { InputError } from '../errors.ts';
import { readFileCapped } from '../util/json.ts';
import { parsePylock } from './pylock.ts';
import { parseRequirements } from './requirements.ts';
import { parseSpecs } from './specs.ts';
import type { LockEntry } from './types.ts';

export type { LockEntry, PinnedFile } from './types.ts';
export { normalizeName } from './names.ts';
export { parsePylock, parseRequirements, parseSpecs };

export type LockKind = 'pylock' | 'requirements';

// A lock names files and hashes: even a very large one is a few megabytes.
const LOCK_CAP = 64 * 1024 * 1024;

/** Reads a lock input from disk (the only I/O of lib/lock) and dispatches on its kind. */
export async function readLock(kind: LockKind, path: string): Promise<LockEntry[]> {
  const bytes = await readFileCapped(
    path,
    LOCK_CAP,
    () => new InputError('LOCK_INVALID', `larger than ${LOCK_CAP} bytes`, { file: path }),
  );
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new InputError('LOCK_INVALID', 'not valid UTF-8', { file: path, cause: e });
  }
  switch (kind) {
    case 'pylock':
      return parsePylock(text, path);
    case 'requirements':
      return parseRequirements(text, path);
    default:
      throw new InputError('INTERNAL_ERROR', `unknown lock kind '${String(kind)}'`);
  }
}
