// stringify is not re-exported by the package index; lib/version.js is its public module file.
import { parse, stringify } from '@renovatebot/pep440/lib/version.js';
import { InputError } from '../errors.ts';

// PEP 440 normalised version text, as Python's `str(packaging.version.Version(v))`.
// @renovatebot/pep440 does the parsing; two of its shortcuts are corrected here
// because a wrong normal form would let two different versions compare equal:
// it converts numbers with `Number` (precision is lost above 2^53) and turns
// local-version parts such as `1e5` into numbers and joins them with commas.

// 15 digits stay exact in a double; longer runs are refused rather than rounded.
const LONG_NUMBER = /\d{16,}/;

export function normalizeVersion(text: string, file: string): string {
  const parsed = LONG_NUMBER.test(text) ? null : parse(text);
  if (!parsed) {
    throw new InputError('DIST_FILENAME_INVALID', `'${text}' is not a valid PEP 440 version`, { file });
  }
  const plus = text.indexOf('+');
  const publicPart = stringify({ ...parsed, local: null });
  if (publicPart === null)
    throw new InputError('DIST_FILENAME_INVALID', `'${text}' is not a valid PEP 440 version`, { file });
  if (plus < 0) return publicPart;
  // Local parts: digits become integers (leading zeros dropped), letters lower-case, separators `.`.
  const local = text
    .slice(plus + 1)
    .toLowerCase()
    .split(/[-_.]/)
    .map((p) => (/^\d+$/.test(p) ? BigInt(p).toString() : p))
    .join('.');
  return `${publicPart}+${local}`;
}

/**
 * The comparison key of a version, as packaging's canonicalize_version: the
 * normal form with trailing `.0` release parts dropped, so `1.0` and `1.0.0`
 * (equal under PEP 440) give one key.
 */
export function canonicalVersion(text: string, file: string): string {
  return normalizeVersion(text, file).replace(/^((?:\d+!)?\d+(?:\.\d+)*?)(?:\.0)+(?=[^.\d]|$)/, '$1');
}
