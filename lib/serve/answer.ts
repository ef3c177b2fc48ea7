import { stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { normalizeProjectName } from '../dist/name.ts';
import { negotiate } from './negotiate.ts';
import { parseRange } from './range.ts';
import { resolveRequest } from './resolve.ts';

// What `airlock serve` answers to one request, decided from the request and
// the folder (status, headers, and which bytes of which file); server.ts sends it.

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

export interface Answer {
  status: number;
  headers: Record<string, string | number>;
  file?: { path: string; start: number; end: number };
  body?: string;
}

export function plain(status: number, text: string, extra: Record<string, string> = {}): Answer {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...extra }, body: `${text}\n` };
}

async function page(req: IncomingMessage, dir: string): Promise<Answer> {
  const rep = negotiate(req.headers.accept);
  if (!rep)
    return plain(
      406,
      'Not Acceptable: this index serves application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html ' +
        'and text/html',
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

export async function answer(req: IncomingMessage, root: string): Promise<Answer> {
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
