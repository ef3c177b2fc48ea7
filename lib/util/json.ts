import { open, readFile } from 'node:fs/promises';
import { type AirlockError, InputError, errorMessage, isAirlockError } from '../errors.ts';

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

export type JsonFailure = (message: string, cause?: unknown) => AirlockError;

/**
 * Parses JSON bytes; a failure names the file and the position. `fail` makes
 * the error of the caller's format (TUF metadata, index page); the default is MALFORMED_JSON.
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
  if (deep >= 0) throw failure(`not accepted: nested deeper than ${MAX_JSON_DEPTH} levels at position ${deep}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw failure(`not valid JSON (${errorMessage(e)})`, e);
  }
}

/**
 * Reads a whole file, but never more than `maxBytes`: a huge file, or a
 * device that never ends (`/dev/zero`), fails with `tooLarge()` instead of
 * exhausting memory. Other read failures are INPUT_UNREADABLE.
 */
export async function readFileCapped(
  path: string,
  maxBytes: number,
  tooLarge: () => AirlockError,
  label = path,
): Promise<Uint8Array> {
  const unreadable = (e: unknown) =>
    new InputError('INPUT_UNREADABLE', `cannot read (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`, {
      file: label,
      cause: e,
    });
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw unreadable(e);
  }
  try {
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw tooLarge();
      parts.push(buf.subarray(0, bytesRead));
    }
    return new Uint8Array(Buffer.concat(parts, total));
  } catch (e) {
    if (isAirlockError(e)) throw e;
    throw unreadable(e);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

export async function readFileBytes(path: string, label = path): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new InputError('INPUT_UNREADABLE', `cannot read (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`, {
      file: label,
      cause: e,
    });
  }
}

export async function readJsonFile(path: string, label = path): Promise<unknown> {
  const bytes = await readFileBytes(path, label);
  try {
    return parseJson(bytes, label);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('MALFORMED_JSON', `not valid UTF-8 JSON (${errorMessage(e)})`, { file: label, cause: e });
  }
}

/** Stable JSON for output files: sorted keys are not needed, but a trailing newline is. */
export function stringifyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
