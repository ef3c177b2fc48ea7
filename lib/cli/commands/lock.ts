import type { CommandModule } from '../command.ts';
import { action } from '../command.ts';
import { SOURCE_OPTIONS, sourceConflicts } from './bundle.ts';
import { declareOptions } from './single-options.ts';

// `airlock lock annotate`: adds PEP 751 `attestation-identities` to a
// pylock.toml from the verified provenance of its files (connected side).

const ANNOTATE_OPTIONS = {
  output: { alias: 'o', type: 'string', describe: 'Write the annotated lock here (default: in place)' },
  ...SOURCE_OPTIONS,
} as const;

export const lockCommand: CommandModule = {
  name: 'lock',
  subcommands: ['annotate'],
  register: (y, done) =>
    y.command('lock', 'Work on a PEP 751 pylock.toml (connected side)', (p) =>
      p
        .command(
          'annotate <lock>',
          'Add attestation-identities to each package that has none, from the verified provenance of its files; ' +
            'nothing else in the file changes',
          (c) =>
            sourceConflicts(
              declareOptions(
                c.positional('lock', { type: 'string', demandOption: true, describe: 'The pylock.toml to annotate' }),
                ANNOTATE_OPTIONS,
              ),
            )
              .example('$0 lock annotate pylock.toml', 'annotate in place from PyPI and Sigstore')
              .example(
                '$0 lock annotate pylock.toml -o reviewed.toml --json',
                'write elsewhere; a JSON summary of what was added',
              ),
          action(done, async (args) => (await import('../handlers/lock.ts')).annotate(args)),
        )
        .demandCommand(1, 'name a lock subcommand'),
    ),
};
