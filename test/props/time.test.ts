import fc from 'fast-check';
import { test } from 'node:test';
import { parseDuration, parseNow, parseTimestamp } from '../../lib/util/time.ts';
import { mutationsOf, NUM_RUNS, returnsOrCodedError, TEST_TIMEOUT } from './helpers.ts';

// --now and --grace, and the RFC 3339 reader every stored date goes through.

test('parseNow: arbitrary text and mutations of a real date-time', { timeout: TEST_TIMEOUT }, () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary' }), mutationsOf('2026-08-22T02:00:00.5+02:00')), (text) =>
      returnsOrCodedError(() => {
        const d = parseNow(text);
        if (Number.isNaN(d.getTime())) throw new Error(`'${text}' gave an invalid Date`);
      }),
    ),
    { numRuns: NUM_RUNS },
  );
});

test('parseNow reads every real calendar instant back as itself (one reading)', { timeout: TEST_TIMEOUT }, () => {
  fc.assert(
    fc.property(
      fc.date({ min: new Date('0100-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
      (d) => {
        const iso = d.toISOString();
        if (parseNow(iso).getTime() !== d.getTime()) throw new Error(`${iso} read differently`);
        if (parseTimestamp(iso)?.getTime() !== d.getTime()) throw new Error(`${iso} read differently`);
      },
    ),
    { numRuns: NUM_RUNS },
  );
});

test('parseDuration: arbitrary text and mutations of a real duration', { timeout: TEST_TIMEOUT }, () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary' }), mutationsOf('1w2d3h4m5s')), (text) =>
      returnsOrCodedError(() => {
        const ms = parseDuration(text);
        if (!Number.isSafeInteger(ms) || ms < 0) throw new Error(`'${text}' gave ${ms}`);
      }),
    ),
    { numRuns: NUM_RUNS },
  );
});
