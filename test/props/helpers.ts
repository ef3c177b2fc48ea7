import fc from 'fast-check';
import { AirlockError, CODES } from '../../lib/errors.ts';

// The contract every parser of untrusted input keeps: for any input it returns
// a value or throws an AirlockError with a listed code (never INTERNAL_ERROR,
// never a bare TypeError or RangeError), and it does so quickly.

export const NUM_RUNS = 200;
/** Per call; generous, the machine is shared. Real inputs parse in well under a millisecond. */
export const MAX_MS = 2000;
/** Per property test (node:test timeout). */
export const TEST_TIMEOUT = 120_000;

export interface Expect {
  /** The error must name this file (or some file when true). */
  file?: string | true;
}

export function returnsOrCodedError(run: () => unknown, expect: Expect = {}): void {
  const t0 = performance.now();
  try {
    run();
  } catch (e) {
    if (!(e instanceof AirlockError)) throw new Error(`threw a non-airlock error: ${String(e)}`, { cause: e });
    if (!(e.code in CODES) || e.code === 'INTERNAL_ERROR') throw new Error(`threw code ${e.code}`, { cause: e });
    if (expect.file === true && !e.file) throw new Error(`${e.code} names no file: ${e.message}`, { cause: e });
    if (typeof expect.file === 'string' && e.file !== expect.file)
      throw new Error(`${e.code} names ${e.file}, not ${expect.file}`, { cause: e });
  }
  const ms = performance.now() - t0;
  if (ms > MAX_MS) throw new Error(`took ${Math.round(ms)} ms`);
}

/** Random edits of a real input: deletions, insertions (of arbitrary text) and replacements at random places. */
export function mutationsOf(seed: string): fc.Arbitrary<string> {
  const edit = fc.record({
    at: fc.nat({ max: Math.max(seed.length, 1) }),
    del: fc.nat({ max: 8 }),
    ins: fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom(...NASTY)),
  });
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let s = seed;
    for (const e of edits) {
      const at = Math.min(e.at, s.length);
      s = s.slice(0, at) + e.ins + s.slice(at + e.del);
    }
    return s;
  });
}

/** Fragments that have broken parsers before: escapes, entities, quotes, nesting, huge numbers. */
export const NASTY = [
  '%',
  '%E0%A4%A',
  '&#x110000;',
  '&#99999999999999;',
  '"',
  "'",
  '\\',
  '\u0000',
  '\u202e',
  '\ud800',
  '[[[[[[[[',
  '{',
  '}',
  '<a',
  '</a>',
  '<base href="x">',
  '==',
  '--hash',
  ' ',
  '\n',
  '\r',
  '#',
  '1e400',
  '-0',
  '9007199254740993',
  'T24:00:00Z',
  '2026-02-30',
  'null',
  'true',
  '[]',
  '{}',
];
