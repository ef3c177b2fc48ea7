import type { CommandModule } from '../command.ts';
import { action } from '../command.ts';
import { declareOptions } from './single-options.ts';

const SERVE_OPTIONS = {
  host: { type: 'string', default: '127.0.0.1', describe: 'Address to listen on (loopback by default)' },
  port: { type: 'number', default: 8000, describe: 'Port to listen on (0: any free port)' },
  'tls-cert': { type: 'string', describe: 'PEM certificate chain: serve HTTPS' },
  'tls-key': { type: 'string', describe: 'PEM private key of --tls-cert' },
  'insecure-http': {
    type: 'boolean',
    default: false,
    describe: 'Allow plain HTTP on a non-loopback --host (anyone on the path can change what pip installs)',
  },
} as const;

export const serveCommand: CommandModule = {
  name: 'serve',
  register: (y, done) =>
    y.command(
      'serve <dir>',
      'Serve a simple export (airlock export --format simple) over HTTP(S) for pip and uv, read-only',
      (c) =>
        declareOptions(
          c.positional('dir', {
            type: 'string',
            demandOption: true,
            describe: 'Folder an export wrote (holds simple/)',
          }),
          SERVE_OPTIONS,
        ).example('$0 serve /srv/pypi --port 8080', 'pip install --index-url http://127.0.0.1:8080/simple/ NAME'),
      action(done, async (a) =>
        (await import('../handlers/serve.ts')).serve({
          dir: a.dir,
          host: a.host,
          port: a.port,
          tlsCert: a.tlsCert,
          tlsKey: a.tlsKey,
          insecureHttp: a.insecureHttp,
          json: Boolean(a.json),
        }),
      ),
    ),
};
