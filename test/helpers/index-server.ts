import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync, inflateRawSync } from 'node:zlib';
import { PYPI, TUF_2026 } from './fixtures.ts';

// A real HTTP server on 127.0.0.1 that stands in for PyPI and Sigstore's TUF
// CDN, built from the real fixtures: PEP 691 JSON and PEP 503 HTML project
// pages, the distribution files, PEP 658 core metadata, the Integrity API and
// the CDN layout (metadata/X at /tuf/X, targets at /tuf/targets/...).
// Faults can be set per request path to exercise every failure the client handles.

export type Fault =
  /** Answer with this status (the first `times` requests only, when given). */
  | { kind: 'status'; status: number; times?: number }
  | { kind: 'truncate' }
  | { kind: 'wrong-bytes' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'stall' }
  | { kind: 'redirect'; location: string }
  /** Content-Encoding: gzip when the client accepts it, as a CDN would. */
  | { kind: 'gzip' };

export interface DistFixture {
  project: string;
  version: string;
  filename: string;
  bytes: Buffer;
  sha256: string;
  provenance?: Buffer;
  metadata: Buffer;
  metadataSha256: string;
}

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** The `*.dist-info/METADATA` of a (trusted, well-formed) fixture wheel, from its zip central directory. */
export function wheelMetadata(zip: Buffer): Buffer {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let p = zip.readUInt32LE(eocd + 16);
  for (let n = zip.readUInt16LE(eocd + 10); n > 0; n--) {
    const nameLen = zip.readUInt16LE(p + 28);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    if (/^[^/]+\.dist-info\/METADATA$/.test(name)) {
      const size = zip.readUInt32LE(p + 20);
      const local = zip.readUInt32LE(p + 42);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      return zip.readUInt16LE(p + 10) === 8 ? inflateRawSync(data) : Buffer.from(data);
    }
    p += 46 + nameLen + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  throw new Error('fixture wheel without METADATA');
}

function fixtureDist(project: string, version: string, filename: string): DistFixture {
  const bytes = readFileSync(PYPI(filename));
  const provPath = join(PYPI(filename).replace(/[^/]+$/, ''), `${filename}.provenance`);
  // PEP 658 content: a wheel's own METADATA, as PyPI serves it (airlock verify refuses a wheel whose core
  // metadata differs); for an sdist a minimal METADATA, whose hash only has to agree with the index.
  const metadata = filename.endsWith('.whl')
    ? wheelMetadata(bytes)
    : Buffer.from(`Metadata-Version: 2.1\nName: ${project}\nVersion: ${version}\n`);
  const d: DistFixture = {
    project,
    version,
    filename,
    bytes,
    sha256: sha(bytes),
    metadata,
    metadataSha256: sha(metadata),
  };
  if (existsSync(provPath)) d.provenance = readFileSync(provPath);
  return d;
}

export function fixtureDists(): DistFixture[] {
  return [
    fixtureDist('pypi-attestations', '0.0.19', 'pypi_attestations-0.0.19.tar.gz'),
    fixtureDist('gitlab-oidc-project', '0.0.3', 'gitlab_oidc_project-0.0.3.tar.gz'),
    fixtureDist('rfc8785', '0.1.2', 'rfc8785-0.1.2-py3-none-any.whl'),
  ];
}

export interface IndexServerOptions {
  tufDir?: string;
  /** Serve only PEP 503 HTML pages (no JSON, so no provenance links: the Integrity API is used). */
  htmlOnly?: boolean;
  /** Pages give no sha256 for the files (only a lock's pin can then check them). */
  withoutHashes?: boolean;
  /** filename → yank reason (or true). */
  yanked?: Record<string, string | true>;
  /** Offer PEP 658 core metadata as `true` (JSON) / `data-core-metadata="true"` (HTML): no hash to check it by. */
  coreMetadataWithoutHash?: boolean;
  /** The distributions to serve (default: the real fixtures); bench/run.ts serves its generated corpus. */
  dists?: DistFixture[];
}

export interface IndexServer {
  /** http://127.0.0.1:PORT */
  base: string;
  indexUrl: string;
  tufUrl: string;
  dists: DistFixture[];
  setFault(path: string, fault: Fault): void;
  clearFaults(): void;
  hits(path: string): number;
  /** Headers of the last request for a path. */
  lastHeaders(path: string): Record<string, string | string[] | undefined> | undefined;
  close(): Promise<void>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export async function startIndexServer(opts: IndexServerOptions = {}): Promise<IndexServer> {
  const tufDir = opts.tufDir ?? TUF_2026();
  const dists = opts.dists ?? fixtureDists();
  // Each fault counts the requests it saw, for `times`.
  const faults = new Map<string, { fault: Fault; seen: number }>();
  const hits = new Map<string, number>();
  const headers = new Map<string, Record<string, string | string[] | undefined>>();
  let base = '';

  const jsonPage = (project: string) => ({
    meta: { 'api-version': '1.1' },
    name: project,
    versions: [...new Set(dists.filter((d) => d.project === project).map((d) => d.version))],
    files: dists
      .filter((d) => d.project === project)
      .map((d) => ({
        filename: d.filename,
        url: `${base}/files/${d.filename}`,
        hashes: opts.withoutHashes ? {} : { sha256: d.sha256 },
        size: d.bytes.length,
        yanked: opts.yanked?.[d.filename] ?? false,
        'core-metadata': opts.coreMetadataWithoutHash ? true : { sha256: d.metadataSha256 },
        'data-dist-info-metadata': opts.coreMetadataWithoutHash ? true : { sha256: d.metadataSha256 },
        provenance: d.provenance ? `${base}/integrity/${d.project}/${d.version}/${d.filename}/provenance` : null,
      })),
  });

  const htmlPage = (project: string) => {
    const links = dists
      .filter((d) => d.project === project)
      .map((d) => {
        const y = opts.yanked?.[d.filename];
        const yank = y === undefined ? '' : y === true ? ' data-yanked' : ` data-yanked="${esc(y)}"`;
        const frag = opts.withoutHashes ? '' : `#sha256=${d.sha256}`;
        const meta = opts.coreMetadataWithoutHash ? 'true' : `sha256=${d.metadataSha256}`;
        return (
          `<a href="../../files/${d.filename}${frag}" data-core-metadata="${meta}"${yank}>` +
          `${esc(d.filename)}</a><br/>`
        );
      });
    return (
      `<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.1"><title>Links for ` +
      `${project}</title></head><body><h1>Links for ${project}</h1>\n${links.join('\n')}\n</body></html>\n`
    );
  };

  function route(req: IncomingMessage, path: string): { status: number; type: string; body: Buffer } {
    const notFound = { status: 404, type: 'text/plain', body: Buffer.from('not found\n') };
    let m = /^\/simple\/([^/]+)\/$/.exec(path);
    if (m) {
      if (!dists.some((d) => d.project === m![1])) return notFound;
      const wantsJson = !opts.htmlOnly && (req.headers.accept ?? '').includes('application/vnd.pypi.simple.v1+json');
      return wantsJson
        ? {
            status: 200,
            type: 'application/vnd.pypi.simple.v1+json',
            body: Buffer.from(JSON.stringify(jsonPage(m[1]!))),
          }
        : { status: 200, type: 'text/html; charset=utf-8', body: Buffer.from(htmlPage(m[1]!)) };
    }
    // /mirror/files/... serves the same files, as a second host would: a redirect target.
    m = /^\/(?:mirror\/)?files\/([^/]+?)(\.metadata)?$/.exec(path);
    if (m) {
      const d = dists.find((x) => x.filename === m![1]);
      if (!d) return notFound;
      return { status: 200, type: 'application/octet-stream', body: m[2] ? d.metadata : d.bytes };
    }
    m = /^\/integrity\/([^/]+)\/([^/]+)\/([^/]+)\/provenance$/.exec(path);
    if (m) {
      const d = dists.find((x) => x.project === m![1] && x.version === m![2] && x.filename === m![3]);
      if (!d?.provenance) return notFound;
      return { status: 200, type: 'application/vnd.pypi.integrity.v1+json', body: d.provenance };
    }
    m = /^\/tuf\/(targets\/.+|[^/]+\.json)$/.exec(path);
    if (m) {
      const rel = m[1]!.startsWith('targets/') ? m[1]! : `metadata/${m[1]}`;
      if (rel.split('/').some((s) => s === '..' || s === '')) return notFound;
      const p = join(tufDir, ...rel.split('/'));
      if (!existsSync(p) || !statSync(p).isFile()) return notFound;
      return { status: 200, type: 'application/json', body: readFileSync(p) };
    }
    return notFound;
  }

  function send(res: ServerResponse, status: number, type: string, body: Buffer): void {
    res.writeHead(status, { 'content-type': type, 'content-length': body.length });
    res.end(body);
  }

  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', base).pathname);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    headers.set(path, { ...req.headers });
    const r = route(req, path);
    const entry = faults.get(path);
    if (!entry) return send(res, r.status, r.type, r.body);
    const fault = entry.fault;
    entry.seen++;
    switch (fault.kind) {
      case 'status':
        if (fault.times === undefined || entry.seen <= fault.times)
          return send(res, fault.status, 'text/plain', Buffer.from(`fault ${fault.status}\n`));
        return send(res, r.status, r.type, r.body);
      case 'truncate':
        // Announce the full length, send half, then drop the connection.
        res.writeHead(r.status, { 'content-type': r.type, 'content-length': r.body.length });
        res.write(r.body.subarray(0, Math.floor(r.body.length / 2)), () => res.socket?.destroy());
        return;
      case 'wrong-bytes': {
        const b = Buffer.from(r.body);
        b[b.length - 1] = b[b.length - 1]! ^ 0xff;
        return send(res, r.status, r.type, b);
      }
      case 'slow': {
        const t = setTimeout(() => send(res, r.status, r.type, r.body), fault.delayMs);
        res.on('close', () => clearTimeout(t));
        return;
      }
      case 'stall':
        // Headers and half the body, then nothing until the client goes away.
        res.writeHead(r.status, { 'content-type': r.type, 'content-length': r.body.length });
        res.write(r.body.subarray(0, Math.floor(r.body.length / 2)));
        return;
      case 'gzip': {
        if (!/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return send(res, r.status, r.type, r.body);
        const z = gzipSync(r.body);
        res.writeHead(r.status, { 'content-type': r.type, 'content-encoding': 'gzip', 'content-length': z.length });
        res.end(z);
        return;
      }
      case 'redirect':
        res.writeHead(302, { location: fault.location, 'content-length': 0 });
        res.end();
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    indexUrl: `${base}/simple/`,
    tufUrl: `${base}/tuf/`,
    dists,
    setFault: (p, f) => faults.set(p, { fault: f, seen: 0 }),
    clearFaults: () => faults.clear(),
    hits: (p) => hits.get(p) ?? 0,
    lastHeaders: (p) => headers.get(p),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
