import { SourceError, UsageError } from '../errors.ts';

// Which URLs airlock may fetch. Everything must be https, except plain http to
// the loopback interface, which only a local test server or a local mirror
// can answer (nothing on the path can tamper with it).

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || LOOPBACK_V4.test(h);
}

export function isAllowedUrl(u: URL): boolean {
  return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname));
}

/** Checks a URL given on the command line (--index-url, --tuf-url). */
export function parseBaseUrl(text: string, option: string): URL {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError('USAGE', `${option} is not a URL: '${text}'`);
  }
  if (!isAllowedUrl(u))
    throw new UsageError('USAGE', `${option} must be https (plain http only to loopback), got '${text}'`);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  u.search = '';
  u.hash = '';
  return u;
}

/** Resolves a link found in fetched data (index page, redirect) and refuses insecure targets. */
export function resolveLink(href: string, base: URL | string, what: string): URL {
  let u: URL;
  try {
    u = new URL(href, base);
  } catch (e) {
    throw new SourceError('HTTP_INSECURE_REDIRECT', `${what} is not a valid URL: '${href}'`, {
      file: String(base),
      cause: e,
    });
  }
  if (!isAllowedUrl(u)) {
    throw new SourceError(
      'HTTP_INSECURE_REDIRECT',
      `${what} points to ${u.protocol}//${u.host}, which is neither https nor loopback: ${u.href}`,
      { file: String(base) },
    );
  }
  // Never a downgrade: from https (a real index or CDN) only to https. The
  // loopback exception is for local test servers and mirrors reached over
  // http, not for a remote server steering the client to a local port.
  const from = typeof base === 'string' ? new URL(base) : base;
  if (from.protocol === 'https:' && u.protocol !== 'https:') {
    throw new SourceError('HTTP_INSECURE_REDIRECT', `${what} leaves https for ${u.protocol}//${u.host}: ${u.href}`, {
      file: String(base),
    });
  }
  return u;
}
