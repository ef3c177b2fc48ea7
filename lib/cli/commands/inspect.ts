import type { CommandModule } from '../command.ts';
import { action } from '../command.ts';
import { UsageError } from '../../errors.ts';

export const inspectCommand: CommandModule = {
  register: (y) =>
    y.command(
      'inspect <bundle>',
      'List what a bundle archive holds, without verifying it',
      (c) => c.positional('bundle', { type: 'string', demandOption: true }),
      action(async () => {
        throw new UsageError('USAGE', 'inspect is not implemented yet');
      }),
    ),
};
