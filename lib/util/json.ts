import { type AirlockError, InputError, errorMessage } from '../errors.ts';
import { findDuplicateKey } from './json-keys.ts';

/**
 * The one JSON parser. A failure (invalid UTF-8 included) is MALFORMED_JSON
 * naming the file and the position, or what `fail` makes of the message when
 * the format has a code of its own (TUF metadata, an in-toto statement).
 * An object with a key given twice is refused: JSON.parse keeps the last
 * value, other readers keep the first or fail, so such a document has no
 * single reading.
 */
export function parseJson(
  bytes: Uint8Array | string,
  file: string,
  fail?: (message: string, cause: unknown) => AirlockError,
): unknown {
  let text: string;
  let value: unknown;
  try {
    // Decoding inside the try: invalid UTF-8 is malformed input, not an internal error.
    text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    value = JSON.parse(text);
  } catch (e) {
    const message = `not valid JSON (${errorMessage(e)})`;
    throw fail?.(message, e) ?? new InputError('MALFORMED_JSON', message, { file, cause: e });
  }
  const dup = findDuplicateKey(text);
  if (dup !== undefined) {
    // A SyntaxError like JSON.parse's own, so a format's `fail` words it the same way.
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
