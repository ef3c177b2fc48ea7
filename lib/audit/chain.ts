import { AuditError, errorMessage, isAirlockError } from '../errors.ts';
import { validateSchema } from '../schemas.ts';
import { parseJson } from '../util/json.ts';
import type { Line } from './lines.ts';
import { GENESIS, type AuditEntry } from './types.ts';

// One link of the chain, pure: a line is an entry of the schema, its `seq` is
// its line number, and its `prev` is the sha256 of the line before (GENESIS
// for the first). The first link that fails names its line; everything after
// it is unproven.

function broken(file: string, n: number, message: string, cause?: unknown): AuditError {
  return new AuditError('AUDIT_LOG_BROKEN', message, {
    file,
    field: `line ${n}`,
    ...(cause !== undefined ? { cause } : {}),
  });
}

/** The entry of `line`, checked against the line before it (`before` undefined for the first). */
export function checkLink(line: Line, before: Line | undefined, file: string): AuditEntry {
  if (line.bytes === undefined) throw broken(file, line.n, 'longer than the cap of a line');
  if (!line.terminated) throw broken(file, line.n, 'does not end with a newline (a write was cut short, or an edit)');
  let entry: AuditEntry;
  try {
    entry = validateSchema<AuditEntry>('audit-entry', parseJson(line.bytes, file), file);
  } catch (e) {
    if (!isAirlockError(e)) throw e;
    const where = e.field && e.field !== '/' ? ` at ${e.field}` : '';
    throw broken(file, line.n, `not a valid entry${where} (${errorMessage(e)})`, e);
  }
  if (entry.seq !== line.n) {
    throw broken(file, line.n, `seq is ${entry.seq}: a line before it was deleted or inserted`);
  }
  const expected = before ? `sha256:${before.sha256}` : GENESIS;
  if (entry.prev !== expected) {
    const what = before ? `the sha256 of line ${before.n} is ${expected}` : `the first line's must be ${GENESIS}`;
    throw broken(file, line.n, `prev is ${entry.prev}, but ${what} (line ${before ? before.n : 1} was changed)`);
  }
  return entry;
}
