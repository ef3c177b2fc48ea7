import { setTimeout as sleep } from 'node:timers/promises';
import { AirlockError, SourceError, errorMessage } from '../errors.ts';
import { resolveLink } from './urls.ts';

// The one HTTP client of airlock (Node's fetch, i.e. undici). It adds what a
// mirror tool needs on top: redirects followed by hand so that none leads to
// plain http, an idle timeout on headers and on every body chunk, and bounded
// retries with backoff for connection errors and 5xx (never for 4xx, and never
// once a body has started: a partial body is reported, not papered over).
// Every error names the URL. transfer.ts reads the bodies.

export interface HttpOptions {
  /** Idle timeout: no headers or no body bytes for this long fails with HTTP_TIMEOUT. */
  timeoutMs: number;
  /** Attempts in total for connection errors and 5xx. */
  attempts: number;
  /** First backoff delay; doubled on each retry. */
  retryDelayMs: number;
  /** Aborts every request (fail fast when a sibling download failed, or on exit). */
  signal?: AbortSignal;
}

const MAX_REDIRECTS = 10;
const USER_AGENT = 'airlock (+offline verification of Python package mirrors)';

/**
 * Defaults for real networks; AIRLOCK_HTTP_ATTEMPTS and AIRLOCK_HTTP_RETRY_DELAY_MS
 * override them so tests of the retry paths stay fast.
 */
export function httpOptions(timeoutSeconds: number, signal?: AbortSignal): HttpOptions {
  const num = (v: string | undefined, d: number) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : d);
  const o: HttpOptions = {
    timeoutMs: timeoutSeconds * 1000,
    attempts: Math.max(1, num(process.env.AIRLOCK_HTTP_ATTEMPTS, 4)),
    retryDelayMs: num(process.env.AIRLOCK_HTTP_RETRY_DELAY_MS, 500),
  };
  if (signal) o.signal = signal;
  return o;
}

class Timeout extends Error {}

export interface Opened {
  res: Response;
  url: URL;
  /** The body, chunk by chunk, with the idle timeout; stream errors become DOWNLOAD_TRUNCATED. */
  chunks(): AsyncGenerator<Uint8Array>;
  cancel(): void;
}

/** Content-Length, when it counts the bytes the body yields (not when fetch decodes an encoding). */
export function declaredLength(res: Response): number | undefined {
  const enc = res.headers.get('content-encoding');
  if (enc !== null && enc.toLowerCase() !== 'identity') return undefined;
  const n = Number(res.headers.get('content-length') ?? NaN);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

export function httpError(url: URL, res: Response, extra = ''): SourceError {
  return new SourceError('HTTP_ERROR', `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${extra}`, {
    file: url.href,
  });
}

function connectionReason(e: unknown): string {
  const c = (e as { cause?: { code?: string; message?: string } }).cause;
  return c?.code ?? c?.message ?? errorMessage(e);
}

/** One request with redirects and retries; resolves with a 2xx or 4xx response. */
export async function openUrl(
  start: URL,
  accept: string,
  opts: HttpOptions,
  o: { identity?: boolean } = {},
): Promise<Opened> {
  // fetch decodes Content-Encoding by itself; a distribution must arrive as the
  // exact bytes the index hashed, so downloads ask for no encoding at all.
  const headers: Record<string, string> = { accept, 'user-agent': USER_AGENT };
  if (o.identity) headers['accept-encoding'] = 'identity';
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    const ctl = new AbortController();
    const onOuter = () => ctl.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onOuter, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => ctl.abort(new Timeout()), opts.timeoutMs);
    };
    const done = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onOuter);
    };
    let url = start;
    let retryable: AirlockError | undefined;
    try {
      for (let hop = 0; ; hop++) {
        arm();
        const res = await fetch(url, { redirect: 'manual', headers, signal: ctl.signal });
        const loc = res.headers.get('location');
        if (res.status >= 300 && res.status < 400 && loc !== null) {
          await res.body?.cancel();
          if (hop >= MAX_REDIRECTS)
            throw new SourceError('HTTP_ERROR', `more than ${MAX_REDIRECTS} redirects`, { file: start.href });
          url = resolveLink(loc, url, 'redirect');
          continue;
        }
        if (res.status >= 500) {
          await res.body?.cancel();
          retryable = httpError(url, res, attempt > 1 ? ` after ${attempt} attempts` : '');
          break;
        }
        // 1xx never reaches here; a 3xx without Location cannot be followed.
        if (res.status >= 300 && res.status < 400) {
          await res.body?.cancel();
          throw httpError(url, res, ' (redirect without a Location)');
        }
        const body = res.body;
        const final = url;
        return {
          res,
          url: final,
          async *chunks() {
            if (!body) return;
            try {
              arm();
              for await (const c of body) {
                arm();
                yield c as Uint8Array;
              }
            } catch (e) {
              if (ctl.signal.reason instanceof Timeout)
                throw new SourceError('HTTP_TIMEOUT', `no data for ${opts.timeoutMs / 1000}s while downloading`, {
                  file: final.href,
                  cause: e,
                });
              if (opts.signal?.aborted) throw opts.signal.reason;
              throw new SourceError(
                'DOWNLOAD_TRUNCATED',
                `connection broken during the download (${connectionReason(e)})`,
                { file: final.href, cause: e },
              );
            } finally {
              done();
            }
          },
          cancel() {
            done();
            body?.cancel().catch(() => undefined);
          },
        };
      }
    } catch (e) {
      done();
      if (ctl.signal.reason instanceof Timeout)
        throw new SourceError('HTTP_TIMEOUT', `no answer within ${opts.timeoutMs / 1000}s`, {
          file: url.href,
          cause: e,
        });
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (e instanceof AirlockError) throw e;
      retryable = new SourceError(
        'HTTP_ERROR',
        `cannot connect (${connectionReason(e)})${attempt > 1 ? ` after ${attempt} attempts` : ''}`,
        { file: url.href, cause: e },
      );
    }
    done();
    if (attempt >= opts.attempts) throw retryable;
    await sleep(opts.retryDelayMs * 2 ** (attempt - 1), undefined, opts.signal ? { signal: opts.signal } : undefined);
  }
}
