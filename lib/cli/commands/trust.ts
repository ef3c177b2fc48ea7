import type { CommandModule } from '../command.ts';
import { NOW_OPTION, TRUSTED_ROOT_INSTANCE_OPTION, action } from '../command.ts';
import { declareOptions } from './single-options.ts';

const VERIFY_OPTIONS = {
  root: {
    type: 'string',
    describe: 'Start from this TUF root.json instead of a pinned one (private Sigstore deployments)',
  },
  instance: TRUSTED_ROOT_INSTANCE_OPTION,
  now: NOW_OPTION,
  grace: {
    type: 'string',
    describe:
      'Accept timestamp/snapshot/targets metadata expired by at most this long before --now (e.g. 14d); never the root',
  },
  state: {
    type: 'string',
    describe: 'Trust state folder (default $XDG_STATE_HOME/airlock or ~/.local/state/airlock)',
  },
} as const;

export const trustCommand: CommandModule = {
  name: 'trust',
  subcommands: ['verify'],
  register: (y, done) =>
    y.command('trust', 'Check Sigstore TUF trust metadata offline', (t) =>
      t
        .command(
          'verify <dir>',
          'Verify a local copy of a Sigstore TUF repository from a pinned root, offline',
          (c) =>
            declareOptions(
              c.positional('dir', {
                type: 'string',
                demandOption: true,
                describe: 'TUF copy: metadata/ and targets/ folders, or the CDN layout',
              }),
              VERIFY_OPTIONS,
            ).conflicts('root', 'instance'),
          action(done, async (args) => (await import('../handlers/trust.ts')).verify(args)),
        )
        .demandCommand(1, 'name a trust subcommand'),
    ),
};
