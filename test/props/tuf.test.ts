import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseMetadata, type RoleType } from '../../lib/tuf/parse.ts';
import { TUF_2026 } from '../helpers/fixtures.ts';
import { mutationsOf, NUM_RUNS, returnsOrCodedError, TEST_TIMEOUT } from './helpers.ts';

// TUF metadata from a copy carried across the air gap: mutations of the real
// public-good metadata, byte-wise and field-wise.

const REAL: Array<[RoleType, string]> = [
  ['root', '15.root.json'],
  ['timestamp', 'timestamp.json'],
  ['snapshot', '165.snapshot.json'],
  ['targets', '14.targets.json'],
];
const texts = REAL.map(([role, name]) => ({
  role,
  name,
  text: readFileSync(join(TUF_2026(), 'metadata', name), 'utf8'),
}));

test('TUF metadata: arbitrary bytes', { timeout: TEST_TIMEOUT }, () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1024 }), fc.constantFrom(...REAL), (bytes, [role, name]) =>
      returnsOrCodedError(() => parseMetadata(bytes, role, name), { file: name }),
    ),
    { numRuns: NUM_RUNS },
  );
});

test('TUF metadata: byte-wise mutations of the real public-good metadata', { timeout: TEST_TIMEOUT }, () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...texts).chain((t) => mutationsOf(t.text).map((m) => ({ ...t, m }))),
      ({ role, name, m }) => returnsOrCodedError(() => parseMetadata(Buffer.from(m), role, name), { file: name }),
    ),
    { numRuns: NUM_RUNS },
  );
});

/** Every path to a value inside `v`, as key lists (bounded, the targets file is big). */
function paths(v: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (out.length > 400) return out;
  out.push(prefix);
  if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

test('TUF metadata: any JSON value in any place of the real metadata', { timeout: TEST_TIMEOUT }, () => {
  const docs = texts.map((t) => ({ ...t, paths: paths(JSON.parse(t.text)).filter((p) => p.length > 0) }));
  fc.assert(
    fc.property(
      fc.constantFrom(...docs).chain((d) => fc.tuple(fc.constant(d), fc.constantFrom(...d.paths))),
      fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom('2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z', -1, 2 ** 53 + 2),
      ),
      ([d, path], value) => {
        const doc = JSON.parse(d.text) as Record<string, unknown>;
        let at = doc as Record<string, unknown>;
        for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
        at[path.at(-1)!] = value;
        returnsOrCodedError(() => parseMetadata(Buffer.from(JSON.stringify(doc)), d.role, d.name), { file: d.name });
      },
    ),
    { numRuns: NUM_RUNS },
  );
});
