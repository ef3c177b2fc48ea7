import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AirlockError } from '../../lib/errors.ts';
import { LOCK_FILE, withLock } from '../../lib/util/lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'airlock-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the holder is written while held and the lock is gone after, also when fn throws', async () => {
  const d = join(dir, 'a');
  await withLock(d, async () => {
    const h = JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8'));
    assert.equal(h.pid, process.pid);
    assert.equal(h.host, hostname());
  });
  assert.equal(existsSync(join(d, LOCK_FILE)), false);
  await assert.rejects(
    withLock(d, async () => Promise.reject(new Error('boom'))),
    /boom/,
  );
  assert.equal(existsSync(join(d, LOCK_FILE)), false);
});

test('two holders in one process take turns', async () => {
  const d = join(dir, 'b');
  const order: string[] = [];
  await Promise.all(
    ['x', 'y'].map((n) =>
      withLock(d, async () => {
        order.push(`${n}+`);
        await new Promise((r) => setTimeout(r, 30));
        order.push(`${n}-`);
      }),
    ),
  );
  assert.ok(order.join() === 'x+,x-,y+,y-' || order.join() === 'y+,y-,x+,x-', order.join());
});

test('a lock left by a dead process on this host is reclaimed and reported', async () => {
  const d = join(dir, 'c');
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid!;
  await new Promise((r) => child.on('exit', r));
  await withLock(d, async () => undefined); // creates the folder
  writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid, host: hostname(), since: '2026-01-01T00:00:00Z' }));
  let reclaimed: number | undefined;
  await withLock(d, async () => undefined, { onReclaim: (h) => (reclaimed = h.pid) });
  assert.equal(reclaimed, pid);
});

test('a live holder, another host or an unreadable lock is waited for, then LOCKED', async () => {
  const d = join(dir, 'd');
  await withLock(d, async () => undefined);
  for (const content of [
    JSON.stringify({ pid: 1, host: hostname(), since: 'x' }),
    JSON.stringify({ pid: 999999, host: 'elsewhere', since: 'x' }),
    'garbage',
  ]) {
    writeFileSync(join(d, LOCK_FILE), content);
    await assert.rejects(
      withLock(d, async () => undefined, { waitMs: 100 }),
      (e: unknown) => {
        assert.ok(e instanceof AirlockError);
        assert.equal(e.code, 'LOCKED');
        assert.equal(e.exitCode, 2);
        return true;
      },
    );
    assert.equal(readFileSync(join(d, LOCK_FILE), 'utf8'), content, 'never broken');
  }
});
