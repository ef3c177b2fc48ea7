import type { CommandModule } from '../command.ts';
import { action } from '../command.ts';
import { declareOptions } from './single-options.ts';

// `airlock pins list|forget`: the publisher pins in the trust state folder.

const PINS_OPTIONS = {
  state: {
    type: 'string',
    describe: 'Trust state folder (default $XDG_STATE_HOME/airlock or ~/.local/state/airlock)',
  },
} as const;

export const pinsCommand: CommandModule = {
  name: 'pins',
  subcommands: ['list', 'forget'],
  register: (y, done) =>
    y.command('pins', 'Show or remove the publisher pins of the trust state', (p) =>
      p
        .command(
          'list',
          'List each pinned project: its publishers, whether it had provenance, when it was seen and changed',
          (c) =>
            declareOptions(c, PINS_OPTIONS)
              .example('$0 pins list', 'the pins of the default state folder')
              .example('$0 pins list --state ./state --json', 'as one JSON document (schemas/pins.schema.json)'),
          action(done, async (args) => (await import('../handlers/pins.ts')).list(args)),
        )
        .command(
          'forget <project>',
          'Remove one project pin: its next bundle is treated as new (refused unless --accept-new or the policy ' +
            'names it)',
          (c) =>
            declareOptions(
              c.positional('project', {
                type: 'string',
                demandOption: true,
                describe: 'Project name (any PEP 503 spelling)',
              }),
              PINS_OPTIONS,
            ).example('$0 pins forget pypi-attestations', 'forget the publisher pinned for pypi-attestations'),
          action(done, async (args) => (await import('../handlers/pins.ts')).forget(args)),
        )
        .demandCommand(1, 'name a pins subcommand'),
    ),
};
