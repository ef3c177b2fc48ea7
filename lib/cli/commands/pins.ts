import type { CommandModule } from '../command.ts';
import { action } from '../command.ts';
import { refuseRepeated } from './single-options.ts';

// `airlock pins list|forget`: the publisher pins in the trust state folder.

const STATE = {
  type: 'string',
  describe: 'Trust state folder (default $XDG_STATE_HOME/airlock or ~/.local/state/airlock)',
} as const;

export const pinsCommand: CommandModule = {
  register: (y) =>
    y.command('pins', 'Show or remove the publisher pins of the trust state', (p) =>
      p
        .command(
          'list',
          'List each pinned project: its publishers, whether it had provenance, when it was seen and changed',
          (c) =>
            c
              .option('state', STATE)
              .check(refuseRepeated(['state']))
              .example('$0 pins list', 'the pins of the default state folder')
              .example('$0 pins list --state ./state --json', 'as one JSON document (schemas/pins.schema.json)'),
          action(async (args) => (await import('../handlers/pins.ts')).list(args)),
        )
        .command(
          'forget <project>',
          'Remove one project pin: its next bundle is treated as new (refused unless --accept-new or the policy names it)',
          (c) =>
            c
              .positional('project', {
                type: 'string',
                demandOption: true,
                describe: 'Project name (any PEP 503 spelling)',
              })
              .option('state', STATE)
              .check(refuseRepeated(['state']))
              .example('$0 pins forget pypi-attestations', 'forget the publisher pinned for pypi-attestations'),
          action(async (args) => (await import('../handlers/pins.ts')).forget(args)),
        )
        .demandCommand(1, 'name a pins subcommand'),
    ),
};
