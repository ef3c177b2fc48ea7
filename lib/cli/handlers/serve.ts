// `serve`: runs lib/serve until SIGINT or SIGTERM, then stops cleanly (exit 0).
import { readFile } from 'node:fs/promises';
import { InputError, UsageError, errorMessage } from '../../errors.ts';
import { isLoopback, startServer } from '../../serve/server.ts';
import { releaseSignals } from '../main.ts';
import type { CommandResult } from '../output.ts';

export interface ServeArgs {
  dir: string;
  host: string;
  port: number;
  tlsCert?: string;
  tlsKey?: string;
  insecureHttp: boolean;
  json?: boolean;
}

async function pem(path: string): Promise<Buffer> {
  return readFile(path).catch((e: unknown) => {
    throw new InputError('INPUT_UNREADABLE', `cannot read (${errorMessage(e)})`, { file: path, cause: e });
  });
}

export async function serve(a: ServeArgs): Promise<CommandResult> {
  if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535)
    throw new UsageError('USAGE', `--port must be 0-65535, got ${a.port}`);
  if ((a.tlsCert === undefined) !== (a.tlsKey === undefined))
    throw new UsageError('USAGE', '--tls-cert and --tls-key go together');
  const tls = a.tlsCert && a.tlsKey ? { cert: await pem(a.tlsCert), key: await pem(a.tlsKey) } : undefined;
  if (!tls && !isLoopback(a.host) && !a.insecureHttp)
    throw new InputError(
      'SERVE_INSECURE',
      `refusing plain HTTP on ${a.host}: give --tls-cert/--tls-key, or --insecure-http if the network is trusted`,
    );
  const server = await startServer({
    dir: a.dir,
    host: a.host,
    port: a.port,
    tls,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  // Our handlers first, main's released after, the address printed last: a write to a pipe is synchronous,
  // so a reader may signal as soon as it has the line, and at no moment may a signal find no handler (the
  // default would kill the server without a clean stop).
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  releaseSignals();
  // With --json, stdout is kept for the one JSON object printed at the end.
  (a.json ? process.stderr : process.stdout).write(`airlock: serving ${a.dir} at ${server.url}\n`);
  const signal = await stopped;
  await server.close();
  process.stderr.write(`airlock: stopped on ${signal}\n`);
  return { exitCode: 0, text: '', json: { ok: true, stopped: signal, url: server.url } };
}
