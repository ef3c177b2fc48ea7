import { rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError, errorMessage } from '../../errors.ts';
import { builtinPolicy, parsePolicy, type Policy } from '../../policy/index.ts';
import type { LockFile } from '../../lock/index.ts';
import type { Instance } from '../../tuf/index.ts';
import { discardTemp, makeTempDirFor } from '../../util/atomic.ts';
import { formatVerifyReport, verifyBundleFile, type NowSource } from '../../verify/index.ts';
import type { CommandResult } from '../output.ts';
import { CAPS } from '../../util/caps.ts';
import { readUserFile } from '../../util/read.ts';

// `airlock bundle --policy`: the connected side runs the very verification
// `airlock verify` runs (certificates against the TUF copy it just checked,
// not the provenance's claims) on the archive it staged, and writes it only
// if every file would be accepted, so a bad bundle never crosses the gap.
// The connected side keeps no pins: projects the policy does not name pass
// as under --accept-new, and the air-gapped side pins them.

export async function loadPolicy(file: string | undefined): Promise<Policy> {
  if (file === undefined) return builtinPolicy();
  return parsePolicy(await readUserFile(file, { cap: CAPS.policy }), file);
}

export interface StagedOutput {
  dir: string;
  path: string;
}

/**
 * A temporary folder beside the output, holding the archive under its own name (the extension picks the compression).
 */
export async function stagedOutput(output: string): Promise<StagedOutput> {
  const dir = await makeTempDirFor(output);
  return { dir, path: join(dir, basename(output)) };
}

/** Verifies the staged archive; renames it into place when every file passed, else returns the refusal. */
export async function checkStaged(
  staged: StagedOutput,
  output: string,
  opts: {
    policy: Policy;
    now: Date;
    nowSource: NowSource;
    instance?: Instance;
    rootFile?: string;
    /** The lock bundled from: it decides with the policy here as `--lock` will inside the gap. */
    lock?: LockFile;
  },
): Promise<CommandResult | undefined> {
  try {
    const outcome = await verifyBundleFile(staged.path, {
      now: opts.now,
      nowSource: opts.nowSource,
      graceMs: 0,
      ...(opts.instance ? { instance: opts.instance } : {}),
      ...(opts.rootFile !== undefined ? { rootFile: opts.rootFile } : {}),
      // A throw-away state: the connected side's check must not move any trust state.
      stateDir: join(staged.dir, 'state'),
      policy: opts.policy,
      ...(opts.lock ? { lock: opts.lock } : {}),
      acceptNew: true,
      workDir: staged.dir,
    });
    if (!outcome.report.ok) {
      const text =
        `${formatVerifyReport(outcome.report)}\n\nnothing written: airlock verify with this policy would ` +
        `refuse this bundle`;
      return { exitCode: 1, text, json: outcome.report };
    }
    await rename(staged.path, output).catch((e: unknown) => {
      throw new InputError('OUTPUT_FAILED', `cannot write (${errorMessage(e)})`, { file: output, cause: e });
    });
    return undefined;
  } finally {
    await discardTemp(staged.dir);
  }
}
