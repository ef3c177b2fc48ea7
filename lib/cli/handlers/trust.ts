// `trust verify`: the I/O edge of lib/tuf. Loaded only when the command runs.
import type { CommandResult } from '../output.ts';
import { parseDuration, parseNow } from '../../util/time.ts';
import { checkRepository, defaultStateDir, type Instance } from '../../tuf/index.ts';
import { formatTrustReport, trustReportJson } from '../../tuf/report.ts';

export interface TrustVerifyArgs {
  dir: string;
  root?: string | undefined;
  instance?: Instance | undefined;
  now?: string | undefined;
  grace?: string | undefined;
  state?: string | undefined;
}

export async function verify(args: TrustVerifyArgs): Promise<CommandResult> {
  const now = parseNow(args.now);
  const graceMs = args.grace === undefined ? 0 : parseDuration(args.grace);
  const checked = await checkRepository({
    pin: args.root !== undefined ? { rootFile: args.root } : { instance: args.instance ?? 'public-good' },
    source: args.dir,
    now,
    graceMs,
    stateDir: args.state ?? defaultStateDir(),
  });
  const stateInfo = checked.state!;
  return {
    exitCode: 0,
    text: formatTrustReport(args.dir, checked.result, stateInfo),
    json: trustReportJson(args.dir, checked.result, stateInfo),
    // Only a fully successful check moves the state forward.
    commit: checked.commit,
  };
}
