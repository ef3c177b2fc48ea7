import type { CommandResult } from '../output.ts';
import { createProgress } from '../progress.ts';
import { inspectBundle } from '../../bundle/inspect.ts';
import { formatInspectReport } from '../../bundle/inspect-text.ts';

// `inspect`: lists a bundle without verifying it. Loaded only when the command runs.
export async function inspect(bundle: string, json: boolean): Promise<CommandResult> {
  const progress = createProgress('inspect', { json });
  const report = await inspectBundle(bundle, { onProgress: (done, total) => progress.update(done, total) }).finally(
    () => progress.done(),
  );
  return { exitCode: 0, text: formatInspectReport(report), json: report };
}
