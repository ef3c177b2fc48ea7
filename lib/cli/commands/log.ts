import type { CommandModule } from '../command.ts';
import { action } from '../command.ts';
import { declareOptions } from './single-options.ts';

// `airlock log [--check]`: the audit log of the trust state folder.

const LOG_OPTIONS = {
  state: {
    type: 'string',
    describe: 'Trust state folder (default $XDG_STATE_HOME/airlock or ~/.local/state/airlock)',
  },
  check: {
    type: 'boolean',
    default: false,
    describe: 'Only verify the chain: exit 1 (AUDIT_LOG_BROKEN) naming the first broken line',
  },
} as const;

export const logCommand: CommandModule = {
  name: 'log',
  register: (y, done) =>
    y.command(
      'log',
      'Show the audit log: every verify and export verdict, every pin accepted or forgotten, ' +
        'each line chained to the one before',
      (c) =>
        declareOptions(c, LOG_OPTIONS)
          .example('$0 log', 'one line per entry, the chain checked')
          .example('$0 log --check --state ./state', 'exit 0 if the chain is unbroken, 1 naming the first broken line')
          .example('$0 log --json', 'the entries as JSON (schemas/audit-entry.schema.json)'),
      action(done, async (args) => (await import('../handlers/log.ts')).log(args)),
    ),
};
