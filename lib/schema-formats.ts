import { parseTimestamp } from './util/time.ts';

// The formats airlock's JSON Schemas use, shared by the validator generator
// (scripts/schema-validators.ts) and the generated validators, which call them.
// A pattern checks the shape of a date only; 2026-02-30 matches one. The format
// checks every field is in range, with the one date reader of lib/util/time.ts.
export const SCHEMA_FORMATS = {
  'date-time': { type: 'string', validate: (s: string): boolean => parseTimestamp(s) !== undefined },
} as const;
