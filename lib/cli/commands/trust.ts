import type { CommandModule } from '../command.ts';
import { NOW_OPTION, TRUSTED_ROOT_INSTANCE_OPTION, action } from '../command.ts';
import type { TrustVerifyArgs } from '../handlers/trust.ts';

export const trustCommand: CommandModule = {
  register: (y) =>
    y.command('trust', 'Check Sigstore TUF trust metadata offline', (t) =>
      t
        .command(
          'verify <dir>',
          'Verify a local copy of a Sigstore TUF repository from a pinned root, offline',
          (c) =>
            c
              .positional('dir', {
                type: 'string',
                demandOption: true,
                describe: 'TUF copy: metadata/ and targets/ folders, or the CDN layout',
              })
              .option('root', {
                type: 'string',
                describe: 'Start from this TUF root.json instead of a pinned one (private Sigstore deployments)',
              })
              .option('instance', TRUSTED_ROOT_INSTANCE_OPTION)
              .conflicts('root', 'instance')
              .option('now', NOW_OPTION)
              .option('grace', {
                type: 'string',
                describe:
                  'Accept timestamp/snapshot/targets metadata expired by at most this long before --now (e.g. 14d); never the root',
              })
              .option('state', {
                type: 'string',
                describe: 'Trust state folder (default $XDG_STATE_HOME/airlock or ~/.local/state/airlock)',
              }),
          // yargs has parsed and checked the options declared above.
          action(async (args) => (await import('../handlers/trust.ts')).verify(args as unknown as TrustVerifyArgs)),
        )
        .demandCommand(1, 'name a trust subcommand'),
    ),
};
