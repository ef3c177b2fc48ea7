import type { CommandModule } from '../command.ts';
import { action } from '../command.ts';
import { declareOptions } from './single-options.ts';

export const inspectCommand: CommandModule = {
  name: 'inspect',
  register: (y, done) =>
    y.command(
      'inspect <bundle>',
      'List what a bundle archive holds, without verifying it',
      (c) =>
        declareOptions(
          c.positional('bundle', {
            type: 'string',
            demandOption: true,
            describe: 'Bundle archive (.tar, .tar.gz, .tar.zst)',
          }),
          {},
        ),
      action(done, async (args) => (await import('../handlers/inspect.ts')).inspect(args.bundle, args.json)),
    ),
};
