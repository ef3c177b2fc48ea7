import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { printable } from '../bundle/paths.ts';
import { InputError, UsageError, errorMessage } from '../errors.ts';
import { answer, plain, type Answer } from './answer.ts';

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
          `${req.socket.remoteAddress ?? '-'} "${req.method} ${printable(req.url ?? '')}" ${a.status} ` +
            `${req.method === 'HEAD' ? 0 : len} ${Date.now() - started}ms`,
        );
      });
  };
  const server: Server = opts.tls
    ? createHttps({ cert: opts.tls.cert, key: opts.tls.key }, handler)
    : createHttp(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) =>
      reject(new UsageError('USAGE', `cannot listen on ${opts.host}:${opts.port} (${errorMessage(e)})`, { cause: e })),
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
