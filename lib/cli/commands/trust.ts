import type { CommandModule } from '../command.ts';
import { NOW_OPTION, TRUSTED_ROOT_INSTANCE_OPTION, action } from '../command.ts';
import type { CommandResult } from '../output.ts';
import { parseDuration, parseNow } from '../../util/time.ts';
import {
  defaultStateDir,
  loadPinnedRoot,
  loadState,
  openLocalRepository,
  saveState,
  statePath,
  verifyRepository,
  type Instance,
  type TrustResult,
} from '../../tuf/index.ts';
import { formatTrustReport, trustReportJson } from '../../tuf/report.ts';

interface VerifyArgs {
  dir: string;
  root?: string;
  instance?: Instance;
  now?: string;
  grace?: string;
  state?: string;
}

async function verify(args: VerifyArgs): Promise<CommandResult> {
  const now = parseNow(args.now);
  const graceMs = args.grace === undefined ? 0 : parseDuration(args.grace);
  const pinned = await loadPinnedRoot(args.root !== undefined ? { rootFile: args.root } : { instance: args.instance ?? 'public-good' });
  const stateDir = args.state ?? defaultStateDir();
  const source = await openLocalRepository(args.dir);
  const state = await loadState(stateDir, pinned);
  const file = statePath(stateDir, pinned);
  const result: TrustResult = await verifyRepository(source, { pinned, now, graceMs, stateFile: file, ...(state ? { state } : {}) });
  // Only a fully successful check moves the state forward.
  await saveState(stateDir, pinned, result.newState);
  const stateInfo = { file, previousRootVersion: state?.rootVersion };
  return { exitCode: 0, text: formatTrustReport(args.dir, result, stateInfo), json: trustReportJson(args.dir, result, stateInfo) };
}

export const trustCommand: CommandModule = {
  register: (y) =>
    y.command('trust', 'Check Sigstore TUF trust metadata offline', (t) =>
      t
        .command(
          'verify <dir>',
          'Verify a local copy of a Sigstore TUF repository from a pinned root, offline',
          (c) =>
            c
              .positional('dir', { type: 'string', demandOption: true, describe: 'TUF copy: metadata/ and targets/ folders, or the CDN layout' })
              .option('root', { type: 'string', describe: 'Start from this TUF root.json instead of a pinned one (private Sigstore deployments)' })
              .option('instance', TRUSTED_ROOT_INSTANCE_OPTION)
              .conflicts('root', 'instance')
              .option('now', NOW_OPTION)
              .option('grace', { type: 'string', describe: 'Accept timestamp/snapshot/targets metadata expired by at most this long before --now (e.g. 14d); never the root' })
              .option('state', { type: 'string', describe: 'Trust state folder (default $XDG_STATE_HOME/airlock or ~/.local/state/airlock)' }),
          // yargs has parsed and checked the options declared above.
          action(async (args) => verify(args as unknown as VerifyArgs)),
        )
        .demandCommand(1, 'name a trust subcommand'),
    ),
};
