import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseNow } from '../lib/util/time.ts';

test('parseNow accepts ISO date-times with a zone and plain dates', () => {
  assert.equal(parseNow('2026-08-22T00:00:00Z').toISOString(), '2026-08-22T00:00:00.000Z');
  assert.equal(parseNow('2026-08-22T02:00:00+02:00').toISOString(), '2026-08-22T00:00:00.000Z');
  assert.equal(parseNow('2026-08-22').toISOString(), '2026-08-22T00:00:00.000Z');
});

test('parseNow refuses a date-time without a zone and garbage', () => {
  for (const bad of ['2026-08-22T00:00:00', 'yesterday', '2026-13-01', '']) {
    assert.throws(
      () => parseNow(bad),
      (e: { code?: string }) => e.code === 'USAGE',
      bad,
    );
  }
});

test('parseDuration', () => {
  assert.equal(parseDuration('14d'), 14 * 86_400_000);
  assert.equal(parseDuration('1w2d'), 9 * 86_400_000);
  assert.equal(parseDuration('0'), 0);
  for (const bad of ['14', 'd', '-1d', '1.5d', ''])
    assert.throws(
      () => parseDuration(bad),
      (e: { code?: string }) => e.code === 'USAGE',
      bad,
    );
});
