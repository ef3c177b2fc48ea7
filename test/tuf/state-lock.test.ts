import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkRepository, loadPinnedRoot, loadTrustState, statePath } from '../../lib/tuf/index.ts';
import { runCli } from '../helpers/cli.ts';
import { TUF_2025, TUF_2026 } from '../helpers/fixtures.ts';
import { snapshotDir, tempDir } from './harness.ts';

// Issue 9.6: two checks run against one trust state at the same time each
// verify against what they read, so the later commit could move the state
// back. A commit takes the state folder's lock, re-reads what is stored and
// refuses to write anything older (TUF_ROLLBACK), whichever order they end in.

// Each copy checked inside its own validity, as an import of it would be.
const NOW: Record<string, string> = { [TUF_2025()]: '2025-11-24T00:00:00Z', [TUF_2026()]: '2026-08-22T00:00:00Z' };
const at2025 = { rootVersion: 13, timestamp: 522, snapshot: 162, targets: 13 };
const at2026 = { rootVersion: 15, timestamp: 762, snapshot: 165, targets: 14 };

async function versions(stateDir: string) {
  const s = await loadTrustState(stateDir, await loadPinnedRoot({ instance: 'public-good' }));
  return s && { rootVersion: s.rootVersion, timestamp: s.timestamp, snapshot: s.snapshot, targets: s.targets };
}

const check = (dir: string, stateDir: string) =>
  checkRepository({ pin: { instance: 'public-good' }, source: dir, now: new Date(NOW[dir]!), stateDir });

test('two checks from one state: the older copy committing last is TUF_ROLLBACK, the state stays', async () => {
  const stateDir = join(await tempDir(), 'state');
  const [newer, older] = [await check(TUF_2026(), stateDir), await check(TUF_2025(), stateDir)];
  await newer.commit();
  assert.deepEqual(await versions(stateDir), at2026);
  const before = await snapshotDir(stateDir);
  const file = statePath(stateDir, await loadPinnedRoot({ instance: 'public-good' }));
  await assert.rejects(older.commit(), {
    code: 'TUF_ROLLBACK',
    file,
    message:
      'root version 13 < stored 15: another airlock moved the trust state forward meanwhile; the state is left as ' +
      'it is',
  });
  assert.deepEqual(await snapshotDir(stateDir), before);
});

test('two checks from one state: the newer copy committing last moves it forward', async () => {
  const stateDir = join(await tempDir(), 'state');
  const [newer, older] = [await check(TUF_2026(), stateDir), await check(TUF_2025(), stateDir)];
  await older.commit();
  assert.deepEqual(await versions(stateDir), at2025);
  await newer.commit();
  assert.deepEqual(await versions(stateDir), at2026);
});

test('the same copy committed twice (two runs of one import) is fine', async () => {
  const stateDir = join(await tempDir(), 'state');
  const [a, b] = [await check(TUF_2026(), stateDir), await check(TUF_2026(), stateDir)];
  await a.commit();
  await b.commit();
  assert.deepEqual(await versions(stateDir), at2026);
});

test('trust verify, 2026 and 2025 copies at once on one --state: never left at 2025', async () => {
  const stateDir = join(await tempDir(), 'state');
  const args = (dir: string) => ['trust', 'verify', dir, '--state', stateDir, '--now', NOW[dir]!];
  const [r2026, r2025] = await Promise.all([runCli(args(TUF_2026())), runCli(args(TUF_2025()))]);
  assert.equal(r2026.code, 0, r2026.stderr);
  // The 2025 run either committed first (then the 2026 one moved the state on)
  // or it is refused as a rollback, whether by the check or by the commit.
  if (r2025.code !== 0) {
    assert.equal(r2025.code, 1);
    assert.match(r2025.stderr, /^airlock: TUF_ROLLBACK: /);
  }
  assert.deepEqual(await versions(stateDir), at2026);
  assert.equal(existsSync(join(stateDir, '.airlock.lock')), false, 'the lock is released');
  // One after the other, the older copy is a rollback.
  const again = await runCli(args(TUF_2025()));
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^airlock: TUF_ROLLBACK: metadata\/timestamp\.json: version 522 < trusted 762\n$/);
  assert.deepEqual(await versions(stateDir), at2026);
});
