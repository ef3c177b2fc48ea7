import assert from 'node:assert/strict';
import { AirlockError } from '../../lib/errors.ts';

/** Runs `fn`, which must throw an AirlockError with `code` (and `field`, when given). */
export function assertCode(fn: () => unknown, code: string, field?: string | RegExp): AirlockError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(
    caught instanceof AirlockError,
    `expected ${code}, got ${caught instanceof Error ? caught.stack : String(caught)}`,
  );
  assert.equal(caught.code, code, `expected ${code}, got ${caught.code}: ${caught.message}`);
  if (typeof field === 'string') assert.equal(caught.field, field);
  else if (field) assert.match(caught.field ?? '', field);
  return caught;
}
