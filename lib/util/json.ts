import { open, readFile } from 'node:fs/promises';
import { type AirlockError, InputError, errorMessage, isAirlockError } from '../errors.ts';
import { findDuplicateKey } from './json-keys.ts';

/**
 * Parses JSON bytes; a failure names the file and the position. An object
 * with a key given twice is refused: JSON.parse keeps the last value, other
 * readers keep the first or fail, so such a document has no single reading.
 */
export function parseJson(bytes: Uint8Array | string, file: string): unknown {
  let text: string;
  let value: unknown;
  try {
    // Decoding inside the try: invalid UTF-8 is malformed input, not an internal error.
    text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError('MALFORMED_JSON', `not valid JSON (${errorMessage(e)})`, { file, cause: e });
  }
  const dup = findDuplicateKey(text);
  if (dup !== undefined) {
    throw new InputError(
      'MALFORMED_JSON',
      `not valid JSON (key ${JSON.stringify(dup.key)} given twice in one object)`,
      {
        file,
        field: dup.pointer,
      },
    );
  }
  return value;
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
