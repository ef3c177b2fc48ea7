// PEP 503 name normalisation and a strict `==` version check. Kept here (not
// in lib/dist) because the lock readers need only these two rules.
import { valid } from '@renovatebot/pep440';

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

// PEP 508 names: letters/digits, inner `-_.`.
const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;

export function isValidName(name: string): boolean {
  return NAME.test(name);
}

/** A version usable in `==`: a valid PEP 440 version with no wildcard. */
export function isExactVersion(v: string): boolean {
  return !v.includes('*') && valid(v) !== null;
}
