import type { CommandModule } from '../command.ts';
import { action } from '../command.ts';
import { createProgress } from '../progress.ts';
import { inspectBundle } from '../../bundle/inspect.ts';
import { formatInspectReport } from '../../bundle/inspect-text.ts';

export const inspectCommand: CommandModule = {
  register: (y) =>
    y.command(
      'inspect <bundle>',
      'List what a bundle archive holds, without verifying it',
      (c) => c.positional('bundle', { type: 'string', demandOption: true }),
      action(async (args) => {
        const progress = createProgress('inspect', { json: Boolean(args.json) });
        const report = await inspectBundle(String(args.bundle), { onProgress: (done, total) => progress.update(done, total) }).finally(() => progress.done());
        return { exitCode: 0, text: formatInspectReport(report), json: report };
      }),
    ),
};
