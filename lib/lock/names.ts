// Name and version checks of lock entries; normalisation is lib/dist's (PEP 503).
import { valid } from '@renovatebot/pep440';
import { normalizeProjectName } from '../dist/index.ts';

export const normalizeName = normalizeProjectName;

// PEP 508 names: letters/digits, inner `-_.`.
const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;

export function isValidName(name: string): boolean {
  return NAME.test(name);
}

/** A version usable in `==`: a valid PEP 440 version with no wildcard. */
export function isExactVersion(v: string): boolean {
  return !v.includes('*') && valid(v) !== null;
}
