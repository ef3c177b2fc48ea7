import { readFile } from 'node:fs/promises';
import { InputError, errorMessage } from '../errors.ts';

/** Parses JSON bytes; a failure names the file and the position. */
export function parseJson(bytes: Uint8Array | string, file: string): unknown {
  const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError('MALFORMED_JSON', `not valid JSON (${errorMessage(e)})`, { file, cause: e });
  }
}

export async function readFileBytes(path: string, label = path): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new InputError('INPUT_UNREADABLE', `cannot read (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`, { file: label, cause: e });
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
