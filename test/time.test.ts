import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseNow, parseTimestamp } from '../lib/util/time.ts';
import { runCli } from './helpers/cli.ts';

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

test('parseNow refuses impossible dates instead of rolling them over (one reading)', () => {
  for (const bad of [
    '2026-02-30',
    '2026-02-29T00:00:00Z',
    '2026-04-31',
    '2026-01-01T24:00:00Z',
    '2026-01-01T23:60:00Z',
    '2026-01-01T23:59:60Z',
    '2026-01-01T00:00:00+24:00',
    '2026-00-10',
    '2026-01-00',
  ]) {
    assert.throws(() => parseNow(bad), { code: 'USAGE', message: /not a valid date-time/ }, bad);
  }
  assert.equal(parseNow('2024-02-29').toISOString(), '2024-02-29T00:00:00.000Z');
  assert.equal(parseNow('2026-08-22 01:30-0130').toISOString(), '2026-08-22T03:00:00.000Z');
  assert.equal(parseNow('2026-08-22T00:00:00.123456789Z').toISOString(), '2026-08-22T00:00:00.123Z');
  assert.equal(parseNow('0050-01-01').toISOString(), '0050-01-01T00:00:00.000Z');
});

// The option parser refuses a repeated option before parseNow or parseDuration
// sees an array (lib/cli/commands/single-options.ts, the one place that does).
test('--now or --grace given twice is USAGE, not a crash', async () => {
  for (const [name, args] of [
    ['now', ['trust', 'verify', 'x', '--now', '2026-01-01', '--now', '2026-01-02']],
    ['grace', ['trust', 'verify', 'x', '--grace', '1d', '--grace', '2d']],
  ] as const) {
    const r = await runCli([...args]);
    assert.equal(r.code, 2, name);
    assert.equal(r.stderr, `airlock: USAGE: --${name} is given more than once; give it once\n`, name);
  }
});

test('parseTimestamp: RFC 3339 only, every field in range', () => {
  assert.equal(parseTimestamp('2026-08-22T00:00:00Z')?.toISOString(), '2026-08-22T00:00:00.000Z');
  assert.equal(parseTimestamp('2026-08-22T02:00:00+02:00')?.toISOString(), '2026-08-22T00:00:00.000Z');
  for (const bad of [
    '2026-02-30T00:00:00Z',
    '2026-01-01T24:00:00Z',
    'Tue Dec 01 2026',
    '2026-08-22',
    '2026-08-22T00:00:00',
  ])
    assert.equal(parseTimestamp(bad), undefined, bad);
});
