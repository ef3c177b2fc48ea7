// `trust verify`: the I/O edge of lib/tuf. Loaded only when the command runs.
import type { CommandResult } from '../output.ts';
import { parseDuration, parseNow } from '../../util/time.ts';
import {
  defaultStateDir,
  loadPinnedRoot,
  loadTrustState,
  openLocalRepository,
  saveState,
  statePath,
  verifyRepository,
  type Instance,
  type TrustResult,
} from '../../tuf/index.ts';
import { formatTrustReport, trustReportJson } from '../../tuf/report.ts';

export interface TrustVerifyArgs {
  dir: string;
  root?: string;
  instance?: Instance;
  now?: string;
  grace?: string;
  state?: string;
}

export async function verify(args: TrustVerifyArgs): Promise<CommandResult> {
  const now = parseNow(args.now);
  const graceMs = args.grace === undefined ? 0 : parseDuration(args.grace);
  const pinned = await loadPinnedRoot(
    args.root !== undefined ? { rootFile: args.root } : { instance: args.instance ?? 'public-good' },
  );
  const stateDir = args.state ?? defaultStateDir();
  const source = await openLocalRepository(args.dir);
  const state = await loadTrustState(stateDir, pinned);
  const file = statePath(stateDir, pinned);
  const result: TrustResult = await verifyRepository(source, {
    pinned,
    now,
    graceMs,
    stateFile: file,
    ...(state ? { state } : {}),
  });
  // Only a fully successful check moves the state forward.
  await saveState(stateDir, pinned, result.newState);
  const stateInfo = { file, previousRootVersion: state?.rootVersion };
  return {
    exitCode: 0,
    text: formatTrustReport(args.dir, result, stateInfo),
    json: trustReportJson(args.dir, result, stateInfo),
  };
}
