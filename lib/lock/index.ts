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

/** Reads a lock input from disk (the only I/O of lib/lock) and dispatches on its kind. */
export async function readLock(kind: LockKind, path: string): Promise<LockEntry[]> {
  const bytes = await readUserFile(path, {
    cap: CAPS.lock,
    tooLarge: () => new InputError('LOCK_INVALID', `larger than ${CAPS.lock} bytes`, { file: path }),
  });
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
      throw new InternalError(`unknown lock kind '${String(kind satisfies never)}'`);
  }
}
