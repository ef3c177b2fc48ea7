import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { assetBytes } from './assets.ts';
import { errorFor, type ErrorCode } from './errors.ts';
import { parseTimestamp } from './util/time.ts';

// Every format airlock reads or writes has a JSON Schema in schemas/. Schemas
// are compiled once, on first use, so start-up stays cheap.

const ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true });
// A pattern checks the shape of a date only; 2026-02-30 matches one. The format
// checks every field is in range, with the one date reader of lib/util/time.ts.
ajv.addFormat('date-time', { type: 'string', validate: (s: string) => parseTimestamp(s) !== undefined });
const compiled = new Map<string, ValidateFunction>();

function validator(name: string): ValidateFunction {
  let fn = compiled.get(name);
  if (!fn) {
    const schema = JSON.parse(new TextDecoder().decode(assetBytes(`schemas/${name}.schema.json`))) as object;
    fn = ajv.compile(schema);
    compiled.set(name, fn);
  }
  return fn;
}

/**
 * Validates `value` against `schemas/<name>.schema.json`; a failure names the
 * file and the field (JSON pointer) of the first error.
 */
export function validateSchema<T>(name: string, value: unknown, file: string, code: ErrorCode = 'SCHEMA_INVALID'): T {
  const fn = validator(name);
  if (!fn(value)) {
    const err = fn.errors?.[0];
    const field = err ? err.instancePath || '/' : '/';
    const extra = err?.keyword === 'additionalProperties' ? ` '${String(err.params.additionalProperty)}'` : '';
    const allowed = err?.keyword === 'enum' ? ` (${(err.params.allowedValues as unknown[]).join(', ')})` : '';
    throw errorFor(code, `${err?.message ?? 'does not match schema'}${extra}${allowed} (schema ${name})`, {
      file,
      field,
    });
  }
  return value as T;
}
