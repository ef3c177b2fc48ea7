import type { CommandModule } from '../command.ts';
import { action } from '../command.ts';

export const serveCommand: CommandModule = {
  register: (y) =>
    y.command(
      'serve <dir>',
      'Serve a simple export (airlock export --format simple) over HTTP(S) for pip and uv, read-only',
      (c) =>
        c
          .positional('dir', { type: 'string', demandOption: true, describe: 'Folder an export wrote (holds simple/)' })
          .option('host', {
            type: 'string',
            default: '127.0.0.1',
            describe: 'Address to listen on (loopback by default)',
          })
          .option('port', { type: 'number', default: 8000, describe: 'Port to listen on (0: any free port)' })
          .option('tls-cert', { type: 'string', describe: 'PEM certificate chain: serve HTTPS' })
          .option('tls-key', { type: 'string', describe: 'PEM private key of --tls-cert' })
          .option('insecure-http', {
            type: 'boolean',
            default: false,
            describe: 'Allow plain HTTP on a non-loopback --host (anyone on the path can change what pip installs)',
          }),
      action(async (a) =>
        (await import('../handlers/serve.ts')).serve({
          dir: String(a.dir),
          host: String(a.host),
          port: Number(a.port),
          tlsCert: a.tlsCert === undefined ? undefined : String(a.tlsCert),
          tlsKey: a.tlsKey === undefined ? undefined : String(a.tlsKey),
          insecureHttp: Boolean(a.insecureHttp),
          json: Boolean(a.json),
        }),
      ),
    ),
};
