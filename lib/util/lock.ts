import { hostname } from 'node:os';
import { join } from 'node:path';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError, errorMessage } from '../errors.ts';
import { parseJson } from './json.ts';

// One exclusive lock per folder (the trust state, an export destination): a
// file created with O_EXCL that names its holder. Two airlock processes that
// share a folder take turns, so a read-check-write of the state can never
// interleave with another and move it backwards. A lock left by a process
// that no longer runs on this host is reclaimed and reported; any other is
// waited for, with a bound, then refused (LOCKED), never broken.

export const LOCK_FILE = '.airlock.lock';

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

export interface LockOptions {
  /** How long to wait for another holder before refusing (default 30 s). */
  waitMs?: number;
  /** Called when a stale lock of a dead process on this host was removed. */
  onReclaim?: (stale: LockHolder, file: string) => void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const v = parseJson(text, LOCK_FILE) as Partial<LockHolder>;
    if (Number.isSafeInteger(v.pid) && typeof v.host === 'string' && typeof v.since === 'string') {
      return v as LockHolder;
    }
  } catch {
    // An unreadable lock file is treated as held: it is never broken on a guess.
  }
  return undefined;
}

async function tryCreate(file: string, me: LockHolder): Promise<boolean> {
  try {
    const fh = await open(file, 'wx', 0o644);
    try {
      await fh.writeFile(`${JSON.stringify(me)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new InputError('OUTPUT_FAILED', `cannot create the lock (${errorMessage(e)})`, { file, cause: e });
  }
}

/** Runs `fn` holding the exclusive lock of `dir` (created if missing); the lock is released whatever happens. */
export async function withLock<T>(dir: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const file = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const deadline = Date.now() + (opts.waitMs ?? 30_000);
  await mkdir(dir, { recursive: true }).catch((e: unknown) => {
    throw new InputError('OUTPUT_FAILED', `cannot create the folder (${errorMessage(e)})`, { file: dir, cause: e });
  });
  let delay = 20;
  for (;;) {
    if (await tryCreate(file, me)) break;
    const holder = parseHolder(await readFile(file, 'utf8').catch(() => ''));
    if (holder && holder.host === me.host && holder.pid !== me.pid && !alive(holder.pid)) {
      await unlink(file).catch(() => undefined);
      opts.onReclaim?.(holder, file);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `process ${holder.pid} on ${holder.host} since ${holder.since}` : 'an unreadable lock file';
      throw new InputError('LOCKED', `held by ${who}; remove ${LOCK_FILE} by hand only if no airlock runs`, { file });
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 500);
  }
  try {
    return await fn();
  } finally {
    await unlink(file).catch(() => undefined);
  }
}
