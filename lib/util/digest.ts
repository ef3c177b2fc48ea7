import { createHash } from 'node:crypto';
import { InputError, errorMessage } from '../errors.ts';
import { openRegularFile } from './read.ts';

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Streams a file through sha256, never holding it whole in memory. Opened by
 * the one reader's rules (lib/util/read.ts): only a regular file, so a FIFO
 * given as a distribution is refused instead of waited on.
 */
export async function sha256File(path: string, label = path): Promise<{ sha256: string; size: number }> {
  const { fh } = (await openRegularFile(path, { label }))!;
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of fh.createReadStream({ autoClose: false })) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch (e) {
    throw new InputError('INPUT_UNREADABLE', `cannot read (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`, {
      file: label,
      cause: e,
    });
  } finally {
    await fh.close().catch(() => undefined);
  }
  return { sha256: hash.digest('hex'), size };
}

export function isSha256Hex(s: unknown): s is string {
  return typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);
}
