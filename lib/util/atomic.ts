import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError, errorMessage } from '../errors.ts';

// Every output is written to a temporary name beside its final one, flushed to
// disk, and renamed into place: a crash, a full disk or Ctrl-C never leaves a
// partial file under the final name. Temporary names still pending at a signal
// are removed by `removePendingTemps` (the CLI calls it).

const pending = new Set<string>();

export function tempPathFor(finalPath: string): string {
  return join(
    dirname(finalPath),
    `.airlock-tmp-${basename(finalPath)}-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
}

function outputError(path: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  return new InputError('OUTPUT_FAILED', `cannot write (${code ?? errorMessage(e)})`, { file: path, cause: e });
}

async function fsyncPath(path: string, flags = 'r'): Promise<void> {
  const fh = await open(path, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Renames `tmp` over `finalPath` after flushing it, then flushes the folder entry. */
export async function commitTemp(tmp: string, finalPath: string): Promise<void> {
  try {
    await fsyncPath(tmp);
    await rename(tmp, finalPath);
    pending.delete(tmp);
    await fsyncPath(dirname(finalPath)).catch(() => undefined);
  } catch (e) {
    await discardTemp(tmp);
    throw outputError(finalPath, e);
  }
}

export async function discardTemp(tmp: string): Promise<void> {
  pending.delete(tmp);
  await rm(tmp, { force: true, recursive: true }).catch(() => undefined);
}

export async function writeFileAtomic(
  finalPath: string,
  data: Uint8Array | string,
  opts: { mkdirs?: boolean } = {},
): Promise<void> {
  if (opts.mkdirs)
    await mkdir(dirname(finalPath), { recursive: true }).catch((e) => {
      throw outputError(finalPath, e);
    });
  const tmp = tempPathFor(finalPath);
  pending.add(tmp);
  try {
    await writeFile(tmp, data, { flag: 'wx' });
  } catch (e) {
    await discardTemp(tmp);
    throw outputError(finalPath, e);
  }
  await commitTemp(tmp, finalPath);
}

export interface AtomicStream {
  readonly stream: WriteStream;
  readonly tempPath: string;
  /** Waits for the stream to finish, then renames it into place. */
  commit(): Promise<void>;
  /** Removes the temporary file; the final name is untouched. */
  abort(): Promise<void>;
}

export function createAtomicWriteStream(finalPath: string): AtomicStream {
  const tmp = tempPathFor(finalPath);
  pending.add(tmp);
  const stream = createWriteStream(tmp, { flags: 'wx' });
  return {
    stream,
    tempPath: tmp,
    async commit() {
      if (!stream.writableFinished) {
        await new Promise<void>((resolve, reject) => {
          stream.once('finish', resolve);
          stream.once('error', reject);
          if (!stream.writableEnded) stream.end();
        }).catch(async (e) => {
          await discardTemp(tmp);
          throw outputError(finalPath, e);
        });
      }
      await commitTemp(tmp, finalPath);
    },
    async abort() {
      stream.destroy();
      await discardTemp(tmp);
    },
  };
}

/** Creates a temporary folder beside `finalPath`, for outputs that are trees. */
export async function makeTempDirFor(finalPath: string): Promise<string> {
  const tmp = tempPathFor(finalPath);
  pending.add(tmp);
  try {
    await mkdir(tmp, { recursive: false });
  } catch (e) {
    pending.delete(tmp);
    throw outputError(finalPath, e);
  }
  return tmp;
}

/** Synchronous best-effort cleanup for signal handlers. */
export function removePendingTemps(rmSync: (p: string, o: { force: boolean; recursive: boolean }) => void): void {
  for (const p of pending) {
    try {
      rmSync(p, { force: true, recursive: true });
    } catch {
      // best effort: the process is going down
    }
  }
  pending.clear();
}
