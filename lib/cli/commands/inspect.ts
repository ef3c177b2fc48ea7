import type { CommandModule } from '../command.ts';
import { action } from '../command.ts';

export const inspectCommand: CommandModule = {
  register: (y) =>
    y.command(
      'inspect <bundle>',
      'List what a bundle archive holds, without verifying it',
      (c) =>
        c.positional('bundle', {
          type: 'string',
          demandOption: true,
          describe: 'Bundle archive (.tar, .tar.gz, .tar.zst)',
        }),
      action(async (args) => (await import('../handlers/inspect.ts')).inspect(String(args.bundle), Boolean(args.json))),
    ),
};
