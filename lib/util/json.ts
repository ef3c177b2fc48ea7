import { type AirlockError, InputError, errorMessage } from '../errors.ts';
import { findDuplicateKey } from './json-keys.ts';

/**
 * How deep arrays and objects may nest. Real inputs (provenance, TUF metadata,
 * index pages, bundles) nest some ten levels; code that walks a value
 * recursively (printing, schema checks, JSON.stringify) overflows the stack on
 * millions, and JSON.parse itself takes seconds on them.
 */
export const MAX_JSON_DEPTH = 100;

/** Where `text` nests deeper than `max`, or -1. One linear scan, strings skipped. */
export function jsonTooDeepAt(text: string, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

/** Makes the error of the caller's format; `cause` says what was wrong in the caller's own words. */
export type JsonFailure = (message: string, cause: unknown) => AirlockError;

/**
 * The one JSON parser. A failure (invalid UTF-8 included) is MALFORMED_JSON
 * naming the file and the position, or what `fail` makes of the message when
 * the format has a code of its own (TUF metadata, an in-toto statement, an
 * index page). An object with a key given twice is refused: JSON.parse keeps
 * the last value, other readers keep the first or fail, so such a document
 * has no single reading.
 */
export function parseJson(bytes: Uint8Array | string, file: string, fail?: JsonFailure): unknown {
  const failure: JsonFailure = fail ?? ((message, cause) => new InputError('MALFORMED_JSON', message, { file, cause }));
  let text: string;
  try {
    // Decoding inside the try: invalid UTF-8 is malformed input, not an internal error.
    text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw failure(`not valid JSON (${errorMessage(e)})`, e);
  }
  const deep = jsonTooDeepAt(text);
  if (deep >= 0) {
    // A cause like JSON.parse's own, so a format's `fail` can quote it the same way.
    const cause = new RangeError(`nested deeper than ${MAX_JSON_DEPTH} levels at position ${deep}`);
    throw failure(`not accepted: ${cause.message}`, cause);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw failure(`not valid JSON (${errorMessage(e)})`, e);
  }
  const dup = findDuplicateKey(text);
  if (dup !== undefined) {
    const cause = new SyntaxError(`key ${JSON.stringify(dup.key)} given twice in one object at ${dup.pointer || '/'}`);
    const message = `not valid JSON (key ${JSON.stringify(dup.key)} given twice in one object)`;
    throw fail?.(message, cause) ?? new InputError('MALFORMED_JSON', message, { file, field: dup.pointer, cause });
  }
  return value;
}

/** A JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Stable JSON for output files: sorted keys are not needed, but a trailing newline is. */
export function stringifyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
