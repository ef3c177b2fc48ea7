import type { CommandModule } from '../command.ts';
import { action } from '../command.ts';
import { inspectBundle } from '../../bundle/inspect.ts';
import { formatInspectReport } from '../../bundle/inspect-text.ts';

export const inspectCommand: CommandModule = {
  register: (y) =>
    y.command(
      'inspect <bundle>',
      'List what a bundle archive holds, without verifying it',
      (c) => c.positional('bundle', { type: 'string', demandOption: true }),
      action(async (args) => {
        const report = await inspectBundle(String(args.bundle));
        return { exitCode: 0, text: formatInspectReport(report), json: report };
      }),
    ),
};
