import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, rename, symlink, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkRepository } from '../../lib/tuf/index.ts';
import { runCli } from '../helpers/cli.ts';
import { TUF_2026 } from '../helpers/fixtures.ts';
import { tempDir } from './harness.ts';

// Issue 9.5 and 9.8: a TUF copy's files are read by the one reader
// (lib/util/read.ts): opened non-blocking and without following links, the
// type checked on the descriptor. A FIFO where a root would be no longer
// blocks `trust verify` forever; a copy with two layouts is refused; messages
// name the file that is in the copy.

const NOW = new Date('2026-08-22T00:00:00Z');

async function copy(): Promise<string> {
  const d = join(await tempDir(), 'copy');
  await cp(TUF_2026(), d, { recursive: true });
  return d;
}

const check = (dir: string) => checkRepository({ pin: { instance: 'public-good' }, source: dir, now: NOW });

test('a FIFO named 16.root.json is refused at once, not waited on', async () => {
  const d = await copy();
  try {
    execFileSync('mkfifo', [join(d, 'metadata', '16.root.json')]);
  } catch {
    return; // no mkfifo here
  }
  await assert.rejects(check(d), {
    code: 'INPUT_UNREADABLE',
    file: 'metadata/16.root.json',
    message: 'a FIFO, not a regular file',
  });
  const started = Date.now();
  const r = await runCli(['trust', 'verify', d, '--now', '2026-08-22T00:00:00Z'], { timeoutMs: 60_000 });
  assert.equal(r.signal, null, 'not killed by the timeout');
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'airlock: INPUT_UNREADABLE: metadata/16.root.json: a FIFO, not a regular file\n');
  assert.ok(Date.now() - started < 60_000);
});

test('a symbolic link in a copy is refused, not followed', async () => {
  const d = await copy();
  const ts = join(d, 'metadata', 'timestamp.json');
  await rename(ts, join(d, 'elsewhere.json'));
  await symlink(join(d, 'elsewhere.json'), ts);
  await assert.rejects(check(d), {
    code: 'INPUT_UNREADABLE',
    file: 'metadata/timestamp.json',
    message: 'a symbolic link, not a file',
  });
});

test('roots both under metadata/ and at the top of the folder: TUF_NOT_A_REPOSITORY', async () => {
  const d = await copy();
  await copyFile(join(d, 'metadata', '15.root.json'), join(d, '15.root.json'));
  await assert.rejects(check(d), {
    code: 'TUF_NOT_A_REPOSITORY',
    file: d,
    message: 'TUF metadata both in metadata/ and at the top of the folder: ambiguous layout, keep one',
  });
});

test('a root beyond the chain is named as the copy names it (016.root.json, not 16.root.json)', async () => {
  const d = await copy();
  await copyFile(join(d, 'metadata', '15.root.json'), join(d, 'metadata', '016.root.json'));
  await assert.rejects(check(d), {
    code: 'TUF_ROOT_VERSION',
    file: 'metadata/16.root.json',
    message: 'the copy holds 016.root.json but the verified root chain ends at v15 (no usable 16.root.json)',
  });
});
