import { type AirlockError, InputError, errorMessage } from '../errors.ts';

/**
 * The one JSON parser. A failure (invalid UTF-8 included) is MALFORMED_JSON
 * naming the file and the position, or what `fail` makes of the message when
 * the format has a code of its own (TUF metadata, an in-toto statement).
 */
export function parseJson(
  bytes: Uint8Array | string,
  file: string,
  fail?: (message: string, cause: unknown) => AirlockError,
): unknown {
  try {
    // Decoding inside the try: invalid UTF-8 is malformed input, not an internal error.
    const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return JSON.parse(text);
  } catch (e) {
    const message = `not valid JSON (${errorMessage(e)})`;
    throw fail?.(message, e) ?? new InputError('MALFORMED_JSON', message, { file, cause: e });
  }
}

/** A JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Stable JSON for output files: sorted keys are not needed, but a trailing newline is. */
export function stringifyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
