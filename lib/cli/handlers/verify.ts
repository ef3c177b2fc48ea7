import { lstat, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { recordAudit, verdictRecord, type VerdictRecord } from '../../audit/index.ts';
import { sha256File } from '../../util/digest.ts';
import { UsageError } from '../../errors.ts';
import { defaultStateDir, type Instance } from '../../tuf/index.ts';
import { parseDuration, parseNow } from '../../util/time.ts';
import type { KeyObject } from 'node:crypto';
import type { Policy } from '../../policy/index.ts';
import { formatVerifyReport, verifyBundleFile, type VerifyOutcome, type VerifyReport } from '../../verify/index.ts';
import type { CommandResult } from '../output.ts';
import { createProgress } from '../progress.ts';
import { loadPolicy } from './bundle-policy.ts';
import { loadTrustedSigners } from './signers.ts';
import { extractAccepted, loadVsaKey, writeReportFile, writeVsas } from './verify-outputs.ts';

// `airlock verify`: the I/O edge of lib/verify. It reads the options, the
// policy and the VSA key, runs the verification, writes what --report,
// --vsa-out and --extract name, and moves the trust state, pins and time
// forward only when every file was accepted (the result's commit).

export interface VerifyArgs {
  bundle: string;
  policy?: string;
  /** The reviewed pylock.toml. */
  lock?: string;
  root?: string;
  instance?: Instance;
  now?: string;
  grace?: string;
  state?: string;
  acceptNew: boolean;
  acceptChange: string[];
  jobs?: number;
  json: boolean;
  report?: string;
  vsaOut?: string;
  vsaKey?: string;
  extract?: string;
  /** PEM public keys of the trusted bundle signers. */
  trustedSigner: string[];
}

function str(args: Record<string, unknown>, name: string): string | undefined {
  const v = args[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new UsageError('USAGE', `--${name} needs a value`);
  return v;
}

/** The yargs arguments as VerifyArgs, each checked (yargs declared them; this keeps the types honest). */
export function verifyArgs(args: Record<string, unknown>): VerifyArgs {
  const bundle = str(args, 'bundle');
  if (bundle === undefined) throw new UsageError('USAGE', 'name the bundle to verify');
  const jobs = args.jobs;
  if (jobs !== undefined && (typeof jobs !== 'number' || !Number.isInteger(jobs) || jobs < 1 || jobs > 256))
    throw new UsageError('USAGE', '--jobs must be a whole number from 1 to 256');
  const change = args['accept-change'];
  const acceptChange = change === undefined ? [] : Array.isArray(change) ? change.map(String) : [String(change)];
  const instance = str(args, 'instance');
  if (instance !== undefined && instance !== 'public-good' && instance !== 'staging')
    throw new UsageError('USAGE', '--instance is public-good or staging');
  const signers = args['trusted-signer'];
  const trustedSigner = signers === undefined ? [] : Array.isArray(signers) ? signers.map(String) : [String(signers)];
  const out: VerifyArgs = {
    bundle,
    acceptNew: args['accept-new'] === true,
    acceptChange,
    json: args.json === true,
    trustedSigner,
  };
  for (const [key, name] of [
    ['policy', 'policy'],
    ['lock', 'lock'],
    ['root', 'root'],
    ['now', 'now'],
    ['grace', 'grace'],
    ['state', 'state'],
    ['report', 'report'],
    ['vsaOut', 'vsa-out'],
    ['vsaKey', 'vsa-key'],
    ['extract', 'extract'],
  ] as const) {
    const v = str(args, name);
    if (v !== undefined) out[key] = v;
  }
  if (instance !== undefined) out.instance = instance;
  if (typeof jobs === 'number') out.jobs = jobs;
  return out;
}

async function refuseExisting(path: string | undefined, option: string): Promise<void> {
  if (path === undefined) return;
  const exists = await lstat(path).then(
    () => true,
    () => false,
  );
  if (exists) throw new UsageError('USAGE', `${option} ${path} already exists; it must name a new folder`);
}

export interface Verification {
  outcome: VerifyOutcome;
  policy: Policy;
  vsaKey: KeyObject | undefined;
  stateDir: string;
  /** The archive's sha256, for the audit log and export's report. */
  bundleSha256: string;
}

/**
 * The verification both `verify` and `export` run: every option checked
 * before the bundle is read (a typo never costs a long run), then lib/verify.
 */
export async function runVerification(args: VerifyArgs, keepChecked: boolean): Promise<Verification> {
  const now = parseNow(args.now);
  const graceMs = args.grace === undefined ? 0 : parseDuration(args.grace);
  const policy = await loadPolicy(args.policy);
  const lock =
    args.lock === undefined ? undefined : await (await import('../../lock/index.ts')).readLockFile(args.lock);
  const trustedSigners = [...(await loadTrustedSigners(args.trustedSigner)), ...policy.signers.map((s) => s.key)];
  const vsaKey = args.vsaKey === undefined ? undefined : await loadVsaKey(args.vsaKey);
  if (vsaKey !== undefined && args.vsaOut === undefined) throw new UsageError('USAGE', '--vsa-key goes with --vsa-out');
  await refuseExisting(args.extract, '--extract');
  const stateDir = args.state ?? defaultStateDir();
  const progress = createProgress('verify', { json: args.json });
  let readTotal = 0;
  const outcome = await verifyBundleFile(args.bundle, {
    now,
    nowSource: args.now === undefined ? 'clock' : '--now',
    graceMs,
    ...(args.instance ? { instance: args.instance } : {}),
    ...(args.root !== undefined ? { rootFile: args.root } : {}),
    stateDir,
    policy,
    ...(lock ? { lock } : {}),
    trustedSigners,
    acceptNew: args.acceptNew,
    acceptChange: args.acceptChange,
    ...(args.jobs !== undefined ? { jobs: args.jobs } : {}),
    keepChecked,
    // The progress line counts archive bytes; the file checks that follow say how many files are done.
    onProgress: (phase, done, total) => {
      if (phase === 'read') {
        readTotal = total;
        progress.update(done, total, 'reading');
      } else progress.update(readTotal, readTotal, `${done}/${total} files checked`);
    },
  }).finally(() => progress.done());
  // The reader hashed the archive as it read it; only a refused archive is hashed again, for the audit log.
  const bundleSha256 = outcome.archiveSha256 ?? (await sha256File(args.bundle)).sha256;
  return { outcome, policy, vsaKey, stateDir, bundleSha256 };
}

/**
 * The verdict's summary for the audit log. A run that succeeds passes it to
 * the outcome's commit (one lock with the pins and TUF state); a refused one
 * (exit 1) records it alone, the state otherwise untouched.
 */
/** The audit log's line for this run's verdict. */
export function verdictOf(
  v: Verification,
  args: VerifyArgs,
  command: VerdictRecord['command'],
  exitCode: 0 | 1,
): VerdictRecord {
  return verdictRecord(command, v.outcome.report, { path: resolve(args.bundle), sha256: v.bundleSha256 }, exitCode);
}

/** The verdict's line; a refused run (exit 1) logs it now, an accepted one with its commit. */
export async function auditVerdict(
  v: Verification,
  args: VerifyArgs,
  command: VerdictRecord['command'],
  exitCode: 0 | 1,
): Promise<VerdictRecord> {
  const record = verdictOf(v, args, command, exitCode);
  if (exitCode === 1) await recordAudit(v.stateDir, [record]);
  return record;
}

export async function verify(raw: Record<string, unknown>): Promise<CommandResult> {
  const args = verifyArgs(raw);
  const v = await runVerification(args, args.extract !== undefined);
  const { outcome, policy, vsaKey } = v;
  const report: VerifyReport = outcome.report;
  try {
    if (args.extract !== undefined && outcome.checkedDir !== undefined)
      await extractAccepted(outcome.checkedDir, report, args.extract);
    if (args.vsaOut !== undefined) await writeVsas(report, policy, args.vsaOut, vsaKey);
    if (args.report !== undefined) await writeReportFile(args.report, report);
  } finally {
    if (outcome.checkedDir !== undefined) await rm(outcome.checkedDir, { recursive: true, force: true });
  }
  // The trust state, pins and time move only when every file was accepted (action() runs the commit on exit 0);
  // the audit log records the verdict either way.
  const exitCode = report.ok ? 0 : 1;
  const record = await auditVerdict(v, args, 'verify', exitCode);
  return {
    exitCode,
    text: formatVerifyReport(report),
    json: report,
    ...(report.ok ? { commit: () => outcome.commit(record) } : {}),
  };
}
