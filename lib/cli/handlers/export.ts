// `export`: verification (lib/verify) then lib/export, in one command. Only
// files verified in this run reach the destination, taken from the reader's
// checked extraction, never from the archive again.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { vsaFileName } from '../../verify/vsa.ts';
import { UsageError } from '../../errors.ts';
import { exportToDir } from '../../export/index.ts';
import { exportInputFromVerify, type VerifyReportLike } from '../../export/from-verify.ts';
import type { ExportFormat, ExportSummary } from '../../export/types.ts';
import type { CommandResult } from '../output.ts';
import { createProgress } from '../progress.ts';
import { printable } from '../../bundle/paths.ts';
import type { VerdictRecord } from '../../audit/index.ts';
import { auditVerdict, runVerification, verdictOf, verifyArgs, type Verification, type VerifyArgs } from './verify.ts';
import { writeReportFile, writeVsas } from './verify-outputs.ts';

export interface ExportArgs {
  bundle: string;
  to: string;
  format: string;
  baseUrl?: string | undefined;
  partial: boolean;
  json?: boolean | undefined;
}

interface Verified {
  report: VerifyReportLike;
  /** The reader's checked extraction of the whole archive; removed here when the export is done. */
  checkedDir: string;
  bundleSha256: string;
  /** The verification as run, for the audit log. */
  verification: Verification;
  args: VerifyArgs;
  /** Removes the checked folder and the VSAs made for the tree. */
  dispose(): Promise<void>;
}

/**
 * The verification of `airlock verify`, with the reader's checked extraction
 * kept: only files verified in this run are exported, from that folder. The
 * tree format carries a VSA beside each file, written here like --vsa-out.
 */
async function verifyForExport(a: ExportArgs & Record<string, unknown>): Promise<Verified> {
  const args = verifyArgs(a);
  const verification = await runVerification(args, true);
  const { outcome, policy, vsaKey } = verification;
  const checkedDir = outcome.checkedDir;
  const dispose = async () => {
    if (checkedDir !== undefined) await rm(checkedDir, { recursive: true, force: true });
  };
  try {
    if (args.report !== undefined) await writeReportFile(args.report, outcome.report);
    if (args.vsaOut !== undefined) await writeVsas(outcome.report, policy, args.vsaOut, vsaKey);
    // No accepted file, or the archive refused before extraction: nothing to export from.
    const dir = checkedDir ?? '';
    const files: Array<(typeof outcome.report.files)[number] & { vsaPath?: string }> = outcome.report.files.map(
      (f) => ({ ...f }),
    );
    if (a.format === 'tree' && checkedDir !== undefined) {
      const vsaDir = `${checkedDir}.vsa`;
      await writeVsas(outcome.report, policy, vsaDir, vsaKey);
      for (const f of files) if (f.verdict === 'accepted') f.vsaPath = join(vsaDir, vsaFileName(f.filename));
    }
    return {
      report: { ...outcome.report, files },
      checkedDir: dir,
      // The tree keeps one report per bundle, named by the archive's digest.
      bundleSha256: verification.bundleSha256,
      verification,
      args,
      dispose: async () => {
        await dispose();
        if (checkedDir !== undefined) await rm(`${checkedDir}.vsa`, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await dispose();
    throw e;
  }
}

function baseUrlOf(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError('USAGE', `--base-url is not a URL: '${printable(raw)}'`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new UsageError('USAGE', '--base-url must be an http:// or https:// URL');
  if (u.search || u.hash) throw new UsageError('USAGE', '--base-url must not have a query or fragment');
  return u.href.replace(/\/+$/, '');
}

export function formatSummary(s: ExportSummary, refused: VerifyReportLike['files']): string {
  const lines = [
    `exported into ${printable(s.dir)} (${s.format}): ${s.added.length} added, ${s.kept.length} kept, serial ` +
      `${s.serial}`,
  ];
  for (const f of refused) lines.push(`  refused by verification: ${printable(f.filename)}`);
  for (const r of s.refused) lines.push(`  not exported: ${printable(r.filename)}: ${r.code}: ${printable(r.message)}`);
  for (const c of s.carriedUnverified)
    lines.push(`  carried unverified from the index page: ${printable(c.filename)}: ${c.fields.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

export async function exportBundle(a: ExportArgs & Record<string, unknown>): Promise<CommandResult> {
  if (a.format !== 'simple' && a.format !== 'tree') throw new UsageError('USAGE', '--format is simple or tree');
  const format: ExportFormat = a.format;
  const baseUrl = baseUrlOf(a.baseUrl);
  const v = await verifyForExport(a);
  try {
    const refused = v.report.files.filter((f) => f.verdict !== 'accepted');
    // Nothing accepted (the archive or its TUF copy refused, or every file): nothing to export, even with
    // --partial, so a refused bundle never touches the destination.
    if (refused.length > 0 && (!a.partial || refused.length === v.report.files.length)) {
      await auditVerdict(v.verification, v.args, 'export', 1);
      const text = `nothing exported: ${refused.length} file(s) not accepted (--partial exports the accepted ones)\n`;
      return { exitCode: 1, text, json: { ok: false, exported: false, report: v.report } };
    }
    const progress = createProgress('export', { json: a.json === true });
    const summary = await exportToDir(exportInputFromVerify(v.report, v.checkedDir, v.bundleSha256), a.to, {
      format,
      baseUrl,
      onProgress: (d, t) => progress.update(d, t),
      onLockReclaim: (stale, file) =>
        process.stderr.write(
          `airlock: reclaimed the lock ${file} of process ${stale.pid} on ${stale.host} (not running)\n`,
        ),
    }).finally(() => progress.done());
    // With --partial and refused files the export happened, but the command still fails (exit 1): the pins
    // move for the projects exported, and only for them, here rather than through the result's commit.
    const exitCode = refused.length > 0 ? 1 : 0;
    let record: VerdictRecord;
    if (exitCode !== 0) {
      const notExported = new Set(summary.refused.map((r) => r.filename));
      const refusedProjects = new Set(refused.map((f) => f.project));
      const exported = v.report.files.filter(
        (f) => f.verdict === 'accepted' && !notExported.has(f.filename) && !refusedProjects.has(f.project),
      );
      // The verdict is logged with the pins it moves, under one lock.
      record = verdictOf(v.verification, v.args, 'export', 1);
      await v.verification.outcome.commitProjects(new Set(exported.map((f) => f.project)), record);
    } else record = await auditVerdict(v.verification, v.args, 'export', 0);
    return {
      exitCode,
      ...(exitCode === 0 ? { commit: () => v.verification.outcome.commit(record) } : {}),
      text: formatSummary(summary, refused),
      json: { ...summary, refusedByVerification: refused.map((f) => ({ filename: f.filename, verdict: f.verdict })) },
    };
  } finally {
    await v.dispose();
  }
}
