import type { CommandModule } from '../command.ts';
import { TUF_CHECK_OPTIONS, action } from '../command.ts';
import { declareOptions } from './single-options.ts';

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
              TUF_CHECK_OPTIONS,
            ).conflicts('root', 'instance'),
          action(done, async (args) => (await import('../handlers/trust.ts')).verify(args)),
        )
        .demandCommand(1, 'name a trust subcommand'),
    ),
};
