import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { AirlockError, DigestError, InputError, SourceError, errorMessage } from '../errors.ts';
import { declaredLength, httpError, openUrl, type HttpOptions } from './http.ts';

// Response bodies: small documents into memory under a cap, distributions
// streamed to disk and hashed on the way. Lengths are checked against what
// the server or the index announced.

const WRITE_BLOCK = 1 << 20;

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
  // Hashed as it arrives, written in blocks of WRITE_BLOCK: the socket's small chunks one write each kept the
  // download waiting on the disk.
  async function* counted() {
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
      if (blockBytes >= WRITE_BLOCK) {
        yield Buffer.concat(block, blockBytes);
        block = [];
        blockBytes = 0;
      }
    }
    if (blockBytes > 0) yield Buffer.concat(block, blockBytes);
  }
  try {
    await pipeline(counted, createWriteStream(dest, { flags: 'wx' }));
  } catch (e) {
    if (e instanceof AirlockError || opts.signal?.aborted) throw e;
    throw new InputError(
      'OUTPUT_FAILED',
      `cannot write the download (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`,
      { file: dest, cause: e },
    );
  }
  if (expected !== undefined && size < expected) {
    throw new SourceError('DOWNLOAD_TRUNCATED', `got ${size} of ${expected} bytes`, { file: r.url.href });
  }
  return { sha256: hash.digest('hex'), size, url: r.url };
}
