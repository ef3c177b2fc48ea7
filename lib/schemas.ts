import type { ValidateFunction } from 'ajv';
import { errorFor, type ErrorCode } from './errors.ts';
import * as generated from './schema-validators.js';

// Every format airlock reads or writes has a JSON Schema in schemas/. Their
// validators are compiled ahead of time (scripts/schema-validators.ts, checked
// against schemas/ by a test); each is built on first use, so a command pays
// only for the schemas it reads.

const FACTORIES: Readonly<Record<string, (() => ValidateFunction) | undefined>> = generated;
const built = new Map<string, ValidateFunction>();

function validator(name: string): ValidateFunction {
  let fn = built.get(name);
  if (!fn) {
    const make = FACTORIES[name.replaceAll('-', '_')];
    if (!make) throw new Error(`no schema named ${name} (schemas/${name}.schema.json)`);
    fn = make();
    built.set(name, fn);
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
