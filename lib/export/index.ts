import { lstat, realpath } from 'node:fs/promises';
import { ExportError, InputError, errorMessage } from '../errors.ts';
import { withLock } from '../util/lock.ts';
import { holds, placeFile, removeStaleTemps, writeIfChanged } from './fs.ts';
import { ROOT_PAGES, SHA256SUMS, commonFolders, projectFolders, projectPages } from './layout.ts';
import { projectHtml, projectJson, rootHtml, rootJson, sha256sums, type PageOptions } from './pages.ts';
import { buildPlan, type Plan } from './plan.ts';
import { RECORD_PATH, readRecord, serializeRecord, type ExportRecord } from './record.ts';
import type { ExportFormat, ExportInput, ExportOptions, ExportSummary } from './types.ts';

export type * from './types.ts';
export { exportInputFromVerify } from './from-verify.ts';

// lib/export: places verified files into a folder any web server can serve
// (simple) or a build system can read (tree), merging with what airlock
// exported there before and never damaging it. Order of work, so that a
// process killed at any moment leaves only consistent pages:
//   1. finish the pages of the previous export if it was killed (its root JSON
//      page, written last, names an older serial);
//   2. place every new file (temporary name, flush, rename);
//   3. write the record of what is exported (pages derive from it);
//   4. rewrite the pages of the projects this export touched, then the root.
// Pages only ever list files already in place, and files are never removed.

async function destination(dir: string): Promise<string> {
  const st = await lstat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new InputError('INPUT_UNREADABLE', `cannot read (${e.code ?? errorMessage(e)})`, { file: dir, cause: e });
  });
  if (st && !st.isDirectory() && !st.isSymbolicLink())
    throw new ExportError('EXPORT_UNSAFE_DIR', 'not a folder', { file: dir });
  // The destination itself is what the user named (it may be a link they made); nothing inside is followed.
  return st ? realpath(dir) : dir;
}

async function writePages(
  dir: string,
  format: ExportFormat,
  record: ExportRecord,
  projects: string[],
  opts: PageOptions,
  step: (s: string) => void,
  written: string[],
): Promise<void> {
  const write = async (rel: string, text: string) => {
    step(`page ${rel}`);
    if (await writeIfChanged(dir, rel, text)) written.push(rel);
  };
  if (format === 'tree') {
    await write(SHA256SUMS, sha256sums(record));
    return;
  }
  const byName = new Map(record.projects.map((p) => [p.name, p]));
  for (const name of projects) {
    const p = byName.get(name);
    if (!p) continue;
    const pages = projectPages(name);
    await write(pages.html, projectHtml(p, opts));
    await write(pages.json, projectJson(p, opts));
  }
  // The root lists a project only after its pages exist.
  await write(ROOT_PAGES.html, rootHtml(record));
  await write(ROOT_PAGES.json, rootJson(record));
}

async function run(dir: string, plan: Plan, format: ExportFormat, opts: ExportOptions): Promise<ExportSummary> {
  const step = opts.onStep ?? (() => undefined);
  const pageOpts: PageOptions = { baseUrl: opts.baseUrl };
  const written: string[] = [];
  const folders = new Set([...commonFolders(format), ...plan.projects.flatMap((p) => projectFolders(format, p))]);
  for (const f of folders) await removeStaleTemps(dir, f);

  // The root's JSON page is the last thing an export writes, and it names the serial: when it is the prior
  // record's, the previous export finished its pages, and they are not rendered and read back again.
  const finished = format === 'simple' && (await holds(dir, ROOT_PAGES.json, Buffer.from(rootJson(plan.prior))));
  const unfinished = finished
    ? []
    : plan.prior.projects.filter((p) => p.serial === plan.prior.serial && plan.prior.serial > 0);
  await writePages(
    dir,
    format,
    plan.prior,
    unfinished.map((p) => p.name),
    pageOpts,
    step,
    written,
  );

  const total = plan.placements.reduce((n, p) => n + p.blob.size, 0);
  let done = 0;
  for (const p of plan.placements) {
    step(`place ${p.rel}`);
    if ('path' in p.source) await placeFile(dir, p.rel, p.source.path, p.blob);
    else await writeIfChanged(dir, p.rel, p.source.text);
    done += p.blob.size;
    opts.onProgress?.(done, total);
  }
  if (plan.record !== plan.prior || plan.prior.serial === 0) {
    step(`record ${RECORD_PATH}`);
    await writeIfChanged(dir, RECORD_PATH, serializeRecord(plan.record));
  }
  await writePages(dir, format, plan.record, plan.projects, pageOpts, step, written);
  step('done');
  return {
    ok: true,
    format,
    dir,
    added: plan.placements.map((p) => p.rel),
    kept: plan.kept,
    refused: plan.refused,
    carriedUnverified: plan.carriedUnverified,
    pagesWritten: [...new Set(written)].sort(),
    serial: plan.record.serial,
  };
}

/** Exports `input` into `dir` under the folder's lock; refuses the whole export on any conflict. */
export async function exportToDir(
  input: ExportInput,
  dirArg: string,
  opts: ExportOptions = {},
): Promise<ExportSummary> {
  const format = opts.format ?? 'simple';
  const dir = await destination(dirArg);
  return withLock(
    dir,
    async () => {
      const plan = await buildPlan(dir, input, await readRecord(dir), format);
      return run(dir, plan, format, opts);
    },
    { waitMs: opts.lockWaitMs, onReclaim: opts.onLockReclaim },
  );
}
