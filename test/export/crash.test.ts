import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { exportToDir } from '../../lib/export/index.ts';
import type { ExportFormat, ExportInput } from '../../lib/export/types.ts';
import { demoInput, tmp } from './helpers.ts';
import { checkSimpleExport, snapshot } from './validator.ts';

// Crash consistency: an export killed with SIGKILL at every step of its run
// (each step is one change to the destination) leaves a repository whose
// pages list only files that exist with the hashes they give; a rerun of the
// same export then converges to what an uninterrupted export makes.

const CHILD = new URL('./crash-child.ts', import.meta.url).pathname;

function runChild(inputPath: string, dir: string, format: ExportFormat, killAt: number) {
  return new Promise<{ signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [CHILD, inputPath, dir, format, String(killAt)],
      { timeout: 120_000 },
      (err, stdout, stderr) =>
        resolve({ signal: (err as { signal?: NodeJS.Signals } | null)?.signal ?? null, stdout, stderr }),
    );
  });
}

function checkTree(dir: string): void {
  const sums = join(dir, 'SHA256SUMS');
  if (!existsSync(sums)) return;
  for (const line of readFileSync(sums, 'utf8').split('\n').filter(Boolean)) {
    const [sha, path] = line.split('  ') as [string, string];
    assert.ok(existsSync(join(dir, path)), `SHA256SUMS lists ${path}, which is missing`);
    assert.equal(
      createHash('sha256')
        .update(readFileSync(join(dir, path)))
        .digest('hex'),
      sha,
      path,
    );
  }
}

function withoutLock(s: Map<string, string>): Map<string, string> {
  const out = new Map(s);
  out.delete('.airlock.lock');
  return out;
}

async function scenario(
  name: string,
  input: ExportInput,
  format: ExportFormat,
  prepare: (dir: string) => Promise<void>,
): Promise<number> {
  const work = tmp(`crash-${name}`);
  const inputPath = join(work, 'input.json');
  writeFileSync(inputPath, JSON.stringify(input));
  const base = join(work, 'base');
  mkdirSync(base);
  await prepare(base);
  const reference = join(work, 'reference');
  cpSync(base, reference, { recursive: true });
  const full = await runChild(inputPath, reference, format, 0);
  const total = Number(full.stdout.trim());
  assert.ok(total > 5, `${name}: the export has steps (${full.stderr})`);
  const expected = snapshot(reference, false);
  let points = 0;
  for (let k = 1; k <= total; k++) {
    const dir = join(work, `k${k}`);
    cpSync(base, dir, { recursive: true });
    const r = await runChild(inputPath, dir, format, k);
    assert.equal(r.signal, 'SIGKILL', `${name}: killed at step ${k} (${r.stderr})`);
    points++;
    if (format === 'simple') checkSimpleExport(dir);
    else checkTree(dir);
    const reclaimed: number[] = [];
    await exportToDir(input, dir, { format, onLockReclaim: (stale) => reclaimed.push(stale.pid) });
    assert.equal(reclaimed.length, 1, 'the dead export’s lock is reclaimed and reported');
    if (format === 'simple') checkSimpleExport(dir);
    else checkTree(dir);
    assert.deepEqual(
      withoutLock(snapshot(dir, false)),
      expected,
      `${name}: a rerun after a kill at step ${k} converges`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
  rmSync(work, { recursive: true, force: true });
  return points;
}

test('SIGKILL at every step of fresh, merging and tree exports: consistent, and a rerun completes', {
  timeout: 900_000,
}, async () => {
  const work = tmp('crash-input');
  const input = await demoInput(work);
  const rfc = { ...input, files: input.files.filter((f) => f.project === 'rfc8785'), projects: [{ name: 'rfc8785' }] };
  let points = 0;
  points += await scenario('fresh', input, 'simple', async () => undefined);
  points += await scenario('merge', input, 'simple', async (dir) => {
    await exportToDir(rfc, dir);
  });
  points += await scenario('tree', input, 'tree', async () => undefined);
  assert.ok(points >= 30, `killed at ${points} points`);
  rmSync(work, { recursive: true, force: true });
});
