// The export figure of npm run bench: `airlock export` of a bundle of 100 new
// files into an index that already holds `existing` files, over the same
// export into an empty folder. Both are whole processes (verification
// included, as a user runs it); the ratio shows what the files already there
// cost. The existing index is a real airlock export (lib/export's
// exportToDir, which writes the record and pages the command would), made
// once in-process from tiny files on a memory file system where there is one
// (its flush of every file would take minutes on a disk), then copied afresh
// into the temporary folder for each run.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportToDir, type ExportFile } from '../lib/export/index.ts';

export interface ExportBench {
  tmp: string;
  existing: number;
  /** Bundles `files` (with provenance) from the folder `tmp/name` into `out`. */
  makeBundle(name: string, files: { filename: string; sha256: string }[], out: string): Promise<unknown>;
  /** Runs airlock with `args` as a whole process. */
  airlock(args: string[]): Promise<{ seconds: number; code: number; stderr: string }>;
  verifyArgs: string[];
  log(m: string): void;
}

const NEW_FILES = 100;
const FILES_PER_PROJECT = 5;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** An index of `n` files in n/5 projects, five versions each. */
async function existingIndex(dir: string, src: string, n: number): Promise<void> {
  await mkdir(src, { recursive: true });
  const files: ExportFile[] = [];
  for (let i = 0; i < n; i++) {
    const project = `p${Math.floor(i / FILES_PER_PROJECT)}`;
    const version = `1.${i % FILES_PER_PROJECT}`;
    const filename = `${project}-${version}.tar.gz`;
    const bytes = Buffer.from(`existing file ${i}\n`);
    await writeFile(join(src, filename), bytes);
    files.push({ project, version, filename, sha256: sha256(bytes), size: bytes.length, source: join(src, filename) });
  }
  await exportToDir({ files, projects: [], report: { bench: 'existing index' }, bundleSha256: '0'.repeat(64) }, dir);
}

export async function exportFigure(b: ExportBench): Promise<{ into: number; empty: number }> {
  // The new files: one new version in each of 100 existing projects, so the merge has work to do.
  const name = 'export-new';
  const dir = join(b.tmp, name);
  await mkdir(dir);
  const files: { filename: string; sha256: string }[] = [];
  for (let i = 0; i < NEW_FILES; i++) {
    const project = `p${Math.floor((i * b.existing) / NEW_FILES / FILES_PER_PROJECT)}`;
    const filename = `${project}-2.0.tar.gz`;
    const bytes = Buffer.from(`new file ${i}\n`);
    await writeFile(join(dir, filename), bytes);
    files.push({ filename, sha256: sha256(bytes) });
  }
  const bundle = join(b.tmp, 'export-new.tar');
  await b.makeBundle(name, files, bundle);

  b.log(`export: an index of ${b.existing} files`);
  const scratch = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : b.tmp, 'airlock-bench-export-'));
  const base = join(scratch, 'index');
  try {
    await existingIndex(base, join(scratch, 'sources'), b.existing);
    return await measure(b, bundle, base);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function measure(b: ExportBench, bundle: string, base: string): Promise<{ into: number; empty: number }> {
  const once = async (from: string | undefined): Promise<number> => {
    const to = await mkdtemp(join(b.tmp, 'export-to-'));
    const state = await mkdtemp(join(b.tmp, 'state-'));
    if (from !== undefined) await cp(from, to, { recursive: true });
    const r = await b.airlock(['export', bundle, '--to', to, '--state', state, ...b.verifyArgs]);
    if (r.code !== 0) throw new Error(`export failed (${r.code}): ${r.stderr.slice(0, 2000)}`);
    await rm(to, { recursive: true, force: true });
    await rm(state, { recursive: true, force: true });
    return r.seconds;
  };
  b.log('export: 100 files into the index, and into an empty folder');
  let into = Number.POSITIVE_INFINITY;
  let empty = Number.POSITIVE_INFINITY;
  // Interleaved, so that a burst of load on a shared machine hits both alike.
  for (let i = 0; i < 3; i++) {
    into = Math.min(into, await once(base));
    empty = Math.min(empty, await once(undefined));
  }
  return { into, empty };
}
