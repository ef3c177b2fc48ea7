import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { LOCK_PATH, type Manifest } from '../bundle/index.ts';
import { checkBundleSignature } from '../bundle/signature.ts';
import { toolVersion } from '../bundle/tool.ts';
import { type AirlockError, isAirlockError } from '../errors.ts';
import { appendAuditLocked, pinRecord, type VerdictRecord } from '../audit/index.ts';
import { checkTime, judgeStoredLocked, loadPins, savePins } from '../pins/index.ts';
import { withLock } from '../util/lock.ts';
import { judgeFiles, type FileFacts, type LockRule } from '../policy/index.ts';
import { chooseLock } from './lock.ts';
import { loadTrustMaterial } from '../sigstore/index.ts';
import { runPool } from '../sources/pool.ts';
import { REQUIRED_TARGET, checkRepository, type TrustResult } from '../tuf/index.ts';
import { parseJson } from '../util/json.ts';
import { checkFile, type FileCheck } from './file.ts';
import { provenanceChecker } from './workers.ts';
import { readIndexPage, type IndexPageFacts } from './index-page.ts';
import { peekManifest, readChecked, type CheckedBundle } from './read.ts';
import { judged, notVerified, publisherOf, summarise } from './verdicts.ts';
import type { FileVerdict, TrustFacts, VerifyBundleOptions, VerifyOutcome, VerifyReport } from './types.ts';

// `airlock verify` without the command line: the archive read once through
// lib/bundle's reader, its TUF copy checked from the pinned root, then every
// distribution against its provenance, the policy and the pins. Nothing is
// written here but the temporary checked folder; the trust state, pins and
// time move only in `commit(record)`, which the command calls when it succeeded (the record goes to the
// audit log under the same lock); a refused run is logged with lib/audit's recordAudit.

export type * from './types.ts';
export { readWheel, requiresPythonOf } from './wheel.ts';
export { readIndexPage } from './index-page.ts';
export { formatVerifyReport } from './text.ts';

/** Failures of the operator's own side (state, lock, disk): unusable input, not a verdict on the bundle. */
const LOCAL_FAILURES = new Set([
  'TUF_STATE_UNREADABLE',
  'PINS_UNREADABLE',
  'LOCKED',
  'OUTPUT_FAILED',
  'INPUT_UNREADABLE',
  'INTERNAL_ERROR',
  'INTERRUPTED',
  // A lock this side vouches for (by digest or a trusted signer) that cannot be read: the operator's input.
  'LOCK_INVALID',
]);

function trustFacts(r: TrustResult): TrustFacts {
  const role = (x: { version: number; expires: string }) => ({ version: x.version, expires: x.expires });
  return {
    pinnedRoot: r.pinned,
    rootVersion: r.root.version,
    timestamp: role(r.timestamp),
    snapshot: role(r.snapshot),
    targets: role(r.targets),
  };
}

function baseReport(archive: string, opts: VerifyBundleOptions): VerifyReport {
  return {
    ok: false,
    command: 'verify',
    tool: { name: 'airlock', version: toolVersion() },
    archive,
    now: opts.now.toISOString(),
    nowSource: opts.nowSource,
    graceMs: opts.graceMs,
    graceUsed: false,
    trust: null,
    policy: { uri: opts.policy.uri, sha256: opts.policy.sha256, builtin: opts.policy.builtin },
    summary: { accepted: 0, refused: 0, notVerified: 0 },
    files: [],
    projects: [],
    pinEvents: [],
  };
}

/** A report in which no file is accepted, naming the failure that stopped everything. */
function failedReport(report: VerifyReport, manifest: Manifest | undefined, e: AirlockError): VerifyReport {
  report.failure = { code: e.code, message: e.message };
  if (e.file !== undefined) report.failure.file = e.file;
  if (e.field !== undefined) report.failure.field = e.field;
  report.files = manifest ? notVerified(manifest, e) : [];
  report.summary = summarise(report.files);
  return report;
}

function indexPages(bundle: CheckedBundle): Map<string, IndexPageFacts> {
  const out = new Map<string, IndexPageFacts>();
  for (const pkg of bundle.manifest.packages) {
    if (pkg.indexPage === undefined || out.has(pkg.name)) continue;
    const bytes = bundle.small.get(pkg.indexPage);
    if (!bytes) continue;
    const verified = new Map<string, { sha256: string; size: number }>();
    for (const p of bundle.manifest.packages)
      if (p.name === pkg.name)
        for (const f of p.files) {
          const m = bundle.members.get(f.path);
          if (m) verified.set(f.filename, { sha256: m.sha256, size: m.size });
        }
    out.set(pkg.name, readIndexPage(bytes, pkg.indexPage, verified));
  }
  return out;
}

async function checkTrust(bundle: CheckedBundle, opts: VerifyBundleOptions) {
  const tuf = await checkRepository({
    pin: {
      ...(opts.instance ? { instance: opts.instance } : {}),
      ...(opts.rootFile !== undefined ? { rootFile: opts.rootFile } : {}),
    },
    source: join(bundle.dir, 'tuf'),
    now: opts.now,
    graceMs: opts.graceMs,
    stateDir: opts.stateDir,
  });
  const label = `tuf/${tuf.result.targetFiles.find((t) => t.name === REQUIRED_TARGET)?.path ?? REQUIRED_TARGET}`;
  return {
    ...tuf,
    trust: loadTrustMaterial(parseJson(tuf.trustedRoot, label), label),
    trustedRootFile: { bytes: tuf.trustedRoot, label },
  };
}

/**
 * Verifies a bundle archive. Throws only for failures of the operator's side
 * (unreadable state, lock, disk) or an archive whose manifest cannot be read;
 * everything else is in the report.
 */
export async function verifyBundleFile(archive: string, opts: VerifyBundleOptions): Promise<VerifyOutcome> {
  const report = baseReport(archive, opts);
  const nothing = {
    report,
    commit: async (_: VerdictRecord) => undefined,
    commitProjects: async (_: ReadonlySet<string>, __: VerdictRecord) => undefined,
  };
  const pins = await loadPins(opts.stateDir);
  const nowRecord = { time: opts.now.toISOString(), source: opts.nowSource };
  let bundle: CheckedBundle;
  try {
    bundle = await readChecked(archive, {
      ...(opts.workDir !== undefined ? { workDir: opts.workDir } : {}),
      onProgress: (d, t) => opts.onProgress?.('read', d, t),
    });
  } catch (e) {
    if (!isAirlockError(e) || LOCAL_FAILURES.has(e.code)) throw e;
    const manifest = await peekManifest(archive);
    if (!manifest) throw e;
    return { ...nothing, report: failedReport(report, manifest, e) };
  }
  let keep = false;
  try {
    let trust: Awaited<ReturnType<typeof checkTrust>>;
    let lock: LockRule | undefined;
    try {
      const { envelope, manifestSha256 } = bundle.signature;
      report.signature = checkBundleSignature(envelope, manifestSha256, opts.trustedSigners ?? []);
      const chosen = chooseLock({
        reviewed: opts.lock,
        carried: bundle.small.get(LOCK_PATH),
        policy: opts.policy,
        signature: report.signature,
      });
      report.lock = chosen.report;
      lock = chosen.rule;
      checkTime(pins, nowRecord);
      trust = await checkTrust(bundle, opts);
    } catch (e) {
      if (!isAirlockError(e) || LOCAL_FAILURES.has(e.code)) throw e;
      return { ...nothing, archiveSha256: bundle.archiveSha256, report: failedReport(report, bundle.manifest, e) };
    }
    report.trust = trustFacts(trust.result);
    report.graceUsed = trust.result.graceUsed;
    const index = indexPages(bundle);
    const work = bundle.manifest.packages.flatMap((pkg) => pkg.files.map((f) => ({ pkg, f })));
    let done = 0;
    const jobs = opts.jobs ?? availableParallelism();
    const tasks = work.filter((w) => w.f.provenance !== undefined).length;
    const checker = provenanceChecker({ trust: trust.trust, trustedRoot: trust.trustedRootFile, jobs, tasks });
    const checks: FileCheck[] = await runPool(work, jobs * 16, async ({ pkg, f }) => {
      const c = await checkFile(pkg, f, { bundle, attest: (t) => checker.attest(t), index: index.get(pkg.name) });
      opts.onProgress?.('check', ++done, work.length);
      return c;
    }).finally(() => checker.close());
    const facts: FileFacts[] = checks
      .filter((c) => c.refusal === undefined)
      .map((c) => ({
        project: c.verdict.project,
        version: c.verdict.version,
        filename: c.verdict.filename,
        sha256: c.verdict.sha256,
        attestations: c.attestations,
      }));
    const judgeOpts = {
      acceptNew: opts.acceptNew ?? false,
      acceptChange: opts.acceptChange ?? [],
      now: nowRecord,
      ...(lock ? { lock } : {}),
    };
    const judgement = judgeFiles(opts.policy, pins, facts, judgeOpts);
    report.files = judged(checks, judgement.decisions);
    report.pinEvents = judgement.events.map((e) => ({ ...e }));
    if (judgement.unusedAcceptChange.length) report.unusedAcceptChange = [...judgement.unusedAcceptChange];
    report.projects = [...index.entries()]
      .filter(([, p]) => p.status !== undefined)
      .map(([name, p]) => ({ name, status: { ...p.status!, verified: false as const } }));
    report.summary = summarise(report.files);
    report.ok = report.files.length > 0 && report.summary.accepted === report.files.length;
    keep = opts.keepChecked === true;
    // Under one lock: the pins re-judged on what is stored now (they may still refuse, leaving everything as
    // it was), then the audit log (the verdict and the pins it accepts, as this re-judgement made them; a
    // decision is logged before it takes effect, never after), then the pins and the TUF versions.
    const commitWith = (chosen: FileFacts[], record: VerdictRecord) =>
      withLock(opts.stateDir, async () => {
        const j = await judgeStoredLocked(opts.stateDir, opts.policy, chosen, judgeOpts);
        await appendAuditLocked(opts.stateDir, [record, ...j.events.map(pinRecord)]);
        await savePins(opts.stateDir, j.nextPins);
        await trust.commitHeld();
      });
    return {
      report,
      archiveSha256: bundle.archiveSha256,
      ...(keep ? { checkedDir: bundle.dir } : {}),
      commit: (record: VerdictRecord) => commitWith(facts, record),
      commitProjects: (projects: ReadonlySet<string>, record: VerdictRecord) => {
        const accepted = new Set(report.files.filter((f) => f.verdict === 'accepted').map((f) => f.filename));
        return commitWith(
          facts.filter((f) => projects.has(f.project) && accepted.has(f.filename)),
          record,
        );
      },
    };
  } finally {
    if (!keep) await bundle.discard();
  }
}

export { publisherOf };
export type { FileVerdict };
