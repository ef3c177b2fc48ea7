import assert from 'node:assert/strict';
import { after } from 'node:test';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAirlockError } from '../../lib/errors.ts';
import { checkRepository } from '../../lib/tuf/index.ts';
import { encode, type TestTufRepo } from '../helpers/tuf-repo.ts';

// Shared by the lib/tuf tests: run a check with a trust state folder, and
// assert the exact error code, file, and that the state did not change.

export const NOW = new Date('2030-01-01T00:00:00Z');

const temps = new Set<string>();
after(async () => {
  for (const d of temps) await rm(d, { recursive: true, force: true });
});

/** A fresh temp folder, removed when the test file ends. */
export async function tempDir(prefix = 'airlock-tuf-test-'): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  temps.add(d);
  return d;
}

/** Every file under `dir` with its content, to compare before and after. */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string, rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) await walk(join(d, e.name), `${rel}${e.name}/`);
      else out[`${rel}${e.name}`] = await readFile(join(d, e.name), 'utf8');
    }
  };
  await walk(dir, '');
  return out;
}

export interface Ctx {
  rootFile: string;
  stateDir: string;
}

/** Writes the repo's root v1 as a --root file beside a fresh state folder. */
export async function context(repo: TestTufRepo): Promise<Ctx> {
  temps.add(repo.dir);
  const d = await tempDir();
  const rootFile = join(d, 'pinned.root.json');
  await writeFile(rootFile, encode(repo.roots[0]));
  return { rootFile, stateDir: join(d, 'state') };
}

/** The one check (lib/tuf/check.ts), committed to the state as a command that succeeded would. */
export async function check(repo: TestTufRepo, ctx: Ctx, opts: { now?: Date; graceMs?: number } = {}) {
  const checked = await checkRepository({
    pin: { rootFile: ctx.rootFile },
    source: repo.dir,
    stateDir: ctx.stateDir,
    now: opts.now ?? NOW,
    ...(opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {}),
  });
  await checked.commit();
  return checked;
}

/** Runs the check, expects `code` (and `file`), and that the state folder is unchanged. */
export async function expectFailure(
  repo: TestTufRepo,
  ctx: Ctx,
  code: string,
  file?: string,
  opts: { now?: Date; graceMs?: number; message?: RegExp } = {},
) {
  const before = await snapshotDir(ctx.stateDir);
  await assert.rejects(check(repo, ctx, opts), (e: unknown) => {
    assert.ok(isAirlockError(e), `not an AirlockError: ${String(e)}`);
    assert.equal(e.code, code, e.toLine());
    if (file !== undefined) assert.equal(e.file, file, e.toLine());
    if (opts.message) assert.match(e.message, opts.message);
    return true;
  });
  assert.deepEqual(await snapshotDir(ctx.stateDir), before, 'the trust state must not change on failure');
}
