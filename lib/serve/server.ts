import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { printable } from '../bundle/paths.ts';
import { normalizeProjectName } from '../dist/name.ts';
import { InputError, errorMessage } from '../errors.ts';
import { negotiate } from './negotiate.ts';
import { parseRange } from './range.ts';
import { resolveRequest } from './resolve.ts';

// `airlock serve`: a read-only HTTP(S) server for a simple export. Pages
// (index.html / index.json in a folder) are negotiated from Accept (PEP 691);
// files are served with ETag, Last-Modified, ranges and HEAD. Nothing outside
// the folder is reachable (resolve.ts), and every request is logged.

export interface ServeOptions {
  dir: string;
  host: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer };
  log: (line: string) => void;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

const FILE_TYPES: Array<[RegExp, string]> = [
  [/\.html$/, 'text/html; charset=utf-8'],
  [/\.(?:json|provenance)$/, 'application/json'],
  [/\.metadata$/, 'text/plain; charset=utf-8'],
];

function fileType(path: string): string {
  return FILE_TYPES.find(([re]) => re.test(path))?.[1] ?? 'application/octet-stream';
}

function etagOf(size: number, mtimeMs: number, tag: string): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}-${tag}"`;
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === '*' || v === etag;
  });
}

interface Answer {
  status: number;
  headers: Record<string, string | number>;
  file?: { path: string; start: number; end: number };
  body?: string;
}

function plain(status: number, text: string, extra: Record<string, string> = {}): Answer {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...extra }, body: `${text}\n` };
}

async function page(req: IncomingMessage, dir: string): Promise<Answer> {
  const rep = negotiate(req.headers.accept);
  if (!rep)
    return plain(
      406,
      'Not Acceptable: this index serves application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html and text/html',
      { Vary: 'Accept' },
    );
  const path = join(dir, rep.file);
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) return plain(404, 'Not Found');
  const etag = etagOf(st.size, st.mtimeMs, rep.tag);
  const headers = {
    'Content-Type': rep.type === 'text/html' ? 'text/html; charset=utf-8' : rep.type,
    Vary: 'Accept',
    ETag: etag,
    'Last-Modified': new Date(st.mtimeMs).toUTCString(),
    'Cache-Control': 'no-cache',
  };
  if (matches(req.headers['if-none-match'], etag)) return { status: 304, headers };
  return {
    status: 200,
    headers: { ...headers, 'Content-Length': st.size },
    file: { path, start: 0, end: st.size - 1 },
  };
}

function file(req: IncomingMessage, path: string, size: number, mtimeMs: number): Answer {
  const etag = etagOf(size, mtimeMs, 'f');
  const headers: Record<string, string | number> = {
    'Content-Type': fileType(path),
    ETag: etag,
    'Last-Modified': new Date(mtimeMs).toUTCString(),
    'Accept-Ranges': 'bytes',
  };
  if (matches(req.headers['if-none-match'], etag)) return { status: 304, headers };
  const ifRange = req.headers['if-range'];
  const range =
    ifRange === undefined || ifRange === etag ? parseRange(req.headers.range, size) : { kind: 'all' as const };
  if (range.kind === 'unsatisfiable')
    return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` } };
  if (range.kind === 'part') {
    return {
      status: 206,
      headers: {
        ...headers,
        'Content-Range': `bytes ${range.start}-${range.end}/${size}`,
        'Content-Length': range.end - range.start + 1,
      },
      file: { path, start: range.start, end: range.end },
    };
  }
  return { status: 200, headers: { ...headers, 'Content-Length': size }, file: { path, start: 0, end: size - 1 } };
}

async function answer(req: IncomingMessage, root: string): Promise<Answer> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
  const rawPath = (req.url ?? '/').split('?')[0] as string;
  if (rawPath === '/') return plain(301, 'Moved', { Location: '/simple/' });
  // A page URL with no acceptable representation is 406 whether or not the project exists (as nginx answers).
  if (/^\/simple\/(?:[^/]+\/)?$/.test(rawPath) && !negotiate(req.headers.accept)) return page(req, root);
  const r = await resolveRequest(root, rawPath);
  if (r.kind === 'error') {
    // PEP 503: an index may redirect a non-normalised project URL to the normalised one.
    const m = /^\/simple\/([^/]+)\/$/.exec(rawPath);
    if (r.status === 404 && m) {
      const norm = normalizeProjectName(decodeURIComponent(m[1] as string));
      if (/^[a-z0-9-]+$/.test(norm) && norm !== m[1]) return plain(301, 'Moved', { Location: `/simple/${norm}/` });
    }
    return plain(r.status, r.status === 400 ? 'Bad Request' : 'Not Found');
  }
  if (r.kind === 'dir') {
    if (!rawPath.endsWith('/')) return plain(301, 'Moved', { Location: `${rawPath}/` });
    return page(req, r.path);
  }
  if (rawPath.endsWith('/')) return plain(404, 'Not Found');
  return file(req, r.path, r.size, r.mtimeMs);
}

function send(req: IncomingMessage, res: ServerResponse, a: Answer): Promise<void> {
  res.writeHead(a.status, a.headers);
  if (req.method === 'HEAD' || a.status === 304) {
    res.end();
    return Promise.resolve();
  }
  if (a.body !== undefined) {
    res.end(a.body);
    return Promise.resolve();
  }
  const f = a.file;
  if (!f || f.end < f.start) {
    res.end();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const s = createReadStream(f.path, { start: f.start, end: f.end });
    s.on('error', () => {
      res.destroy();
      resolve();
    });
    res.on('close', () => resolve());
    s.pipe(res);
  });
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const root = await realpath(opts.dir).catch((e: unknown) => {
    throw new InputError('INPUT_UNREADABLE', `cannot read (${errorMessage(e)})`, { file: opts.dir, cause: e });
  });
  const st = await stat(root);
  if (!st.isDirectory()) throw new InputError('INPUT_UNREADABLE', 'not a folder', { file: opts.dir });
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    answer(req, root)
      .catch(() => plain(500, 'Internal Server Error'))
      .then((a) => send(req, res, a).then(() => a))
      .then((a) => {
        const len = a.headers['Content-Length'] ?? 0;
        opts.log(
          `${req.socket.remoteAddress ?? '-'} "${req.method} ${printable(req.url ?? '')}" ${a.status} ${req.method === 'HEAD' ? 0 : len} ${Date.now() - started}ms`,
        );
      });
  };
  const server: Server = opts.tls
    ? createHttps({ cert: opts.tls.cert, key: opts.tls.key }, handler)
    : createHttp(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) =>
      reject(new InputError('USAGE', `cannot listen on ${opts.host}:${opts.port} (${errorMessage(e)})`, { cause: e })),
    );
    server.listen(opts.port, opts.host, resolve);
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `${opts.tls ? 'https' : 'http'}://${host}:${addr.port}/simple/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const LOOPBACK = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}
