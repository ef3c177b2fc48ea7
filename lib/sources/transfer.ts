import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { AirlockError, DigestError, InputError, SourceError, errorMessage } from '../errors.ts';
import { declaredLength, httpError, openUrl, type HttpOptions } from './http.ts';

// Response bodies: small documents into memory under a cap, distributions
// streamed to disk and hashed on the way. Lengths are checked against what
// the server or the index announced.

const WRITE_BLOCK = 1 << 20;
const MAX_BLOCK_CHUNKS = 1024;

function outputFailed(dest: string, e: unknown): InputError {
  return new InputError(
    'OUTPUT_FAILED',
    `cannot write the download (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`,
    { file: dest, cause: e },
  );
}

/** Writes all of `block` at the end of the file; a short write continues where it stopped. */
async function writeBlock(fh: FileHandle, block: Uint8Array[], bytes: number, dest: string): Promise<void> {
  const { bytesWritten } = await fh.writev(block);
  if (bytesWritten === bytes) return;
  const rest = Buffer.concat(block, bytes).subarray(bytesWritten);
  for (let off = 0; off < rest.length; ) {
    const w = await fh.write(rest, off);
    if (w.bytesWritten === 0) throw outputFailed(dest, new Error('no progress writing'));
    off += w.bytesWritten;
  }
}

export interface FetchedBytes {
  bytes: Uint8Array;
  url: URL;
  contentType: string;
}

/**
 * Fetches a small document (index page, provenance, TUF metadata) into memory,
 * refusing more than `maxBytes`. A 404 resolves to undefined when `allow404`.
 */
export async function fetchBytes(
  url: URL,
  o: { accept: string; maxBytes: number; allow404?: boolean; tooLarge?: (url: URL) => AirlockError },
  opts: HttpOptions,
): Promise<FetchedBytes | undefined> {
  const r = await openUrl(url, o.accept, opts);
  if (r.res.status === 404 && o.allow404) {
    r.cancel();
    return undefined;
  }
  if (r.res.status >= 400) {
    r.cancel();
    throw httpError(r.url, r.res);
  }
  const tooLarge = () =>
    o.tooLarge?.(r.url) ??
    new SourceError('HTTP_ERROR', `response larger than ${o.maxBytes} bytes`, { file: r.url.href });
  const declared = declaredLength(r.res);
  if (declared !== undefined && declared > o.maxBytes) {
    r.cancel();
    throw tooLarge();
  }
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of r.chunks()) {
    n += c.length;
    if (n > o.maxBytes) {
      r.cancel();
      throw tooLarge();
    }
    parts.push(c);
  }
  if (declared !== undefined && n < declared) {
    throw new SourceError('DOWNLOAD_TRUNCATED', `got ${n} of ${declared} bytes`, { file: r.url.href });
  }
  return { bytes: Buffer.concat(parts), url: r.url, contentType: r.res.headers.get('content-type') ?? '' };
}

/**
 * Streams a download to `dest` (a new file), hashing it on the way; never holds
 * it in memory. A body longer than `expectedSize` is cut off (DIGEST_MISMATCH),
 * a shorter one is DOWNLOAD_TRUNCATED. The caller compares the digest.
 */
export async function downloadToFile(
  url: URL,
  dest: string,
  o: { expectedSize?: number; onBytes?: (n: number) => void },
  opts: HttpOptions,
): Promise<{ sha256: string; size: number; url: URL }> {
  const r = await openUrl(url, '*/*', opts, { identity: true });
  if (r.res.status >= 400) {
    r.cancel();
    throw httpError(r.url, r.res);
  }
  const declared = declaredLength(r.res);
  const expected = o.expectedSize ?? declared;
  const hash = createHash('sha256');
  let size = 0;
  const fh = await open(dest, 'wx').catch((e: unknown) => {
    r.cancel();
    throw outputFailed(dest, e);
  });
  try {
    // Hashed as it arrives, written in blocks of WRITE_BLOCK with one writev each: the socket's small chunks
    // one write each kept the download waiting on the disk.
    let block: Uint8Array[] = [];
    let blockBytes = 0;
    for await (const c of r.chunks()) {
      size += c.length;
      if (expected !== undefined && size > expected) {
        r.cancel();
        throw new DigestError('DIGEST_MISMATCH', `more than the ${expected} bytes announced`, { file: r.url.href });
      }
      hash.update(c);
      o.onBytes?.(c.length);
      block.push(c);
      blockBytes += c.length;
      // A block of many tiny chunks is written early: one writev takes a bounded list.
      if (blockBytes >= WRITE_BLOCK || block.length >= MAX_BLOCK_CHUNKS) {
        await writeBlock(fh, block, blockBytes, dest);
        block = [];
        blockBytes = 0;
      }
    }
    if (blockBytes > 0) await writeBlock(fh, block, blockBytes, dest);
  } catch (e) {
    r.cancel();
    if (e instanceof AirlockError || opts.signal?.aborted) throw e;
    throw outputFailed(dest, e);
  } finally {
    await fh.close().catch(() => undefined);
  }
  if (expected !== undefined && size < expected) {
    throw new SourceError('DOWNLOAD_TRUNCATED', `got ${size} of ${expected} bytes`, { file: r.url.href });
  }
  return { sha256: hash.digest('hex'), size, url: r.url };
}
