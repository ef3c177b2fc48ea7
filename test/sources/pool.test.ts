import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runPool } from '../../lib/sources/pool.ts';

test('runPool keeps at most `limit` tasks in flight and returns results in input order', async () => {
  let active = 0;
  let peak = 0;
  const out = await runPool([5, 1, 4, 2, 3], 2, async (n) => {
    peak = Math.max(peak, ++active);
    await sleep(n * 3);
    active--;
    return n * 10;
  });
  assert.deepEqual(out, [50, 10, 40, 20, 30]);
  assert.equal(peak, 2);
});

test(
  'runPool: the first failure aborts the tasks in flight, starts no more, and is thrown after all ' + 'settled',
  async () => {
    const started: number[] = [];
    let settled = 0;
    await assert.rejects(
      runPool([1, 2, 3, 4, 5], 2, async (n, signal) => {
        started.push(n);
        try {
          if (n === 1) throw new Error('first');
          await sleep(1000, undefined, { signal });
        } finally {
          settled++;
        }
      }),
      { message: 'first' },
    );
    assert.deepEqual(started, [1, 2]);
    assert.equal(settled, 2);
  },
);
