import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SCHEMA_FORMATS } from '../../lib/schema-formats.ts';
import { validateSchema } from '../../lib/schemas.ts';
import {
  generateValidators,
  generateValidatorTypes,
  VALIDATORS_PATH,
  VALIDATORS_TYPES_PATH,
} from '../../scripts/schema-validators.ts';

// schemas/*.schema.json is the one source: the committed validators must be
// exactly what the generator makes of them (`node scripts/schema-validators.ts`).

const SCHEMAS = join(import.meta.dirname, '..', '..', 'schemas');

test('lib/schema-validators.js and .d.ts are generated from schemas/ as they are', { timeout: 120_000 }, () => {
  const hint = 'stale: run node scripts/schema-validators.ts';
  assert.equal(readFileSync(VALIDATORS_PATH, 'utf8'), generateValidators(), hint);
  assert.equal(readFileSync(VALIDATORS_TYPES_PATH, 'utf8'), generateValidatorTypes(), hint);
});

test('every schema has a validator; an unknown name is refused', () => {
  for (const n of readdirSync(SCHEMAS).filter((f) => f.endsWith('.schema.json'))) {
    const name = n.slice(0, -'.schema.json'.length);
    assert.throws(() => validateSchema(name, Symbol('not json'), 'x.json'), { code: 'SCHEMA_INVALID' });
  }
  assert.throws(() => validateSchema('no-such', {}, 'x.json'), /no schema named no-such/);
});

test('the precompiled validators give the verdict and first error of ajv compiling the schema at run time', () => {
  const ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true });
  for (const [name, format] of Object.entries(SCHEMA_FORMATS)) ajv.addFormat(name, format);
  const live = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, 'pins.schema.json'), 'utf8')) as object);
  const good = { format: 'airlock-pins/1', projects: {} };
  const cases: unknown[] = [
    good,
    { ...good, extra: 1 },
    { ...good, format: 'airlock-pins/2' },
    { ...good, latestNow: { time: '2026-02-30T00:00:00Z', source: 'clock' } },
    { ...good, projects: { Bad_Name: {} } },
    [],
  ];
  for (const c of cases) {
    const ok = live(c);
    let err: { field?: string; message: string } | undefined;
    try {
      validateSchema('pins', c, 'pins.json');
    } catch (e) {
      err = e as { field?: string; message: string };
    }
    assert.equal(err === undefined, ok, JSON.stringify(c));
    if (!ok) assert.equal(err?.field, live.errors?.[0]?.instancePath || '/', JSON.stringify(c));
  }
});
