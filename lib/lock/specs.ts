import { UsageError } from '../errors.ts';
import { isExactVersion, isValidName, normalizeName } from './names.ts';
import type { LockEntry } from './types.ts';

/** `NAME==VERSION` command-line arguments: every file of that release, no hash pin. */
export function parseSpecs(specs: readonly string[]): LockEntry[] {
  return specs.map((s, i) => {
    const m = /^\s*([^=<>!~\s[]+)\s*==\s*(\S+)\s*$/.exec(s);
    if (!m || !isValidName(m[1]!) || !isExactVersion(m[2]!)) {
      throw new UsageError('USAGE', `'${s}' is not NAME==VERSION with an exact version (ranges are refused)`);
    }
    return { name: normalizeName(m[1]!), version: m[2]!, file: 'argv', field: `spec ${i + 1}` };
  });
}
