// `export`: verification (lib/verify) then lib/export, in one command. Only
// files verified in this run reach the destination, taken from the reader's
// checked extraction, never from the archive again.
import { rm } from 'node:fs/promises';
import { UsageError } from '../../errors.ts';
import { exportToDir } from '../../export/index.ts';
import { exportInputFromVerify, type VerifyReportLike } from '../../export/from-verify.ts';
import type { ExportFormat, ExportSummary } from '../../export/types.ts';
import { afterSuccess } from '../command.ts';
import type { CommandResult } from '../output.ts';
import { createProgress } from '../progress.ts';
import { printable } from '../../bundle/paths.ts';

export interface ExportArgs {
  bundle: string;
  to: string;
  format: ExportFormat;
  baseUrl?: string;
  partial: boolean;
  json: boolean;
  /** Every parsed option, for the verification call. */
  verifyArgs: Record<string, unknown>;
}

interface Verified {
  report: VerifyReportLike;
  /** The reader's checked extraction of the whole archive; removed here when the export is done. */
  checkedDir: string;
  bundleSha256: string;
  /** Moves TUF state, pins and time forward: only once the whole command succeeded. */
  commit(): Promise<void>;
}

// LEAD: the one place to wire lib/verify (branch `verify`) after the merge:
//   const outcome = await verifyBundleFile(a.bundle, { ...verify options from a.verifyArgs, keepChecked: true });
//   return { report: outcome.report, checkedDir: outcome.checkedDir!, bundleSha256: <sha256 of the archive,
//            from the report if lib/verify records it>, commit: outcome.commit };
// With --partial, pins should move only for the projects exported (INTERFACES.md: commit() takes no argument yet).
async function verifyForExport(a: ExportArgs): Promise<Verified> {
  void a;
  throw new UsageError('USAGE', 'airlock export needs lib/verify, which is not in this build yet');
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
    `exported into ${printable(s.dir)} (${s.format}): ${s.added.length} added, ${s.kept.length} kept, serial ${s.serial}`,
  ];
  for (const f of refused) lines.push(`  refused by verification: ${printable(f.filename)}`);
  for (const r of s.refused) lines.push(`  not exported: ${printable(r.filename)}: ${r.code}: ${printable(r.message)}`);
  for (const c of s.carriedUnverified)
    lines.push(`  carried unverified from the index page: ${printable(c.filename)}: ${c.fields.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

export async function exportBundle(a: ExportArgs): Promise<CommandResult> {
  const baseUrl = baseUrlOf(a.baseUrl);
  const v = await verifyForExport(a);
  try {
    const refused = v.report.files.filter((f) => f.verdict !== 'accepted');
    if (refused.length > 0 && !a.partial) {
      const text = `nothing exported: ${refused.length} file(s) not accepted (--partial exports the accepted ones)\n`;
      return { exitCode: 1, text, json: { ok: false, exported: false, report: v.report } };
    }
    const progress = createProgress('export', { json: a.json });
    const summary = await exportToDir(exportInputFromVerify(v.report, v.checkedDir, v.bundleSha256), a.to, {
      format: a.format,
      baseUrl,
      onProgress: (d, t) => progress.update(d, t),
      onLockReclaim: (stale, file) =>
        process.stderr.write(
          `airlock: reclaimed the lock ${file} of process ${stale.pid} on ${stale.host} (not running)\n`,
        ),
    }).finally(() => progress.done());
    afterSuccess(() => v.commit());
    return {
      exitCode: 0,
      text: formatSummary(summary, refused),
      json: { ...summary, refusedByVerification: refused.map((f) => ({ filename: f.filename, verdict: f.verdict })) },
    };
  } finally {
    await rm(v.checkedDir, { recursive: true, force: true });
  }
}
