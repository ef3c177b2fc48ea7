import { join } from 'node:path';
import { PolicyError, errorMessage, isAirlockError } from '../errors.ts';
import type { TimeRecord } from '../policy/types.ts';
import { validateSchema } from '../schemas.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { CAPS } from '../util/caps.ts';
import { parseJson, stringifyJson } from '../util/json.ts';
import { readUserFileIfExists } from '../util/read.ts';
import { EMPTY_PINS, type Pins, type ProjectPin } from './types.ts';

// STATE/pins.json, beside the TUF state. A file that cannot be read is an
// error (PINS_UNREADABLE), never a silent reset: resetting would turn every
// pinned project into a new one.

interface PinsFile {
  format: 'airlock-pins/1';
  latestNow?: TimeRecord;
  projects: Record<string, ProjectPin>;
}

// Thousands of projects with a few publishers and changes each.

export function pinsPath(stateDir: string): string {
  return join(stateDir, 'pins.json');
}

function unreadable(file: string, message: string, field?: string, cause?: unknown): PolicyError {
  return new PolicyError('PINS_UNREADABLE', message, {
    file,
    ...(field !== undefined ? { field } : {}),
    ...(cause !== undefined ? { cause } : {}),
  });
}

/** The stored pins; empty when the state has none yet. */
export async function loadPins(stateDir: string): Promise<Pins> {
  const file = pinsPath(stateDir);
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readUserFileIfExists(file, {
      cap: CAPS.pins,
      tooLarge: () => unreadable(file, `larger than ${CAPS.pins} bytes`),
    });
  } catch (e) {
    if (e instanceof PolicyError) throw e;
    throw unreadable(file, isAirlockError(e) ? e.message : `cannot read (${errorMessage(e)})`, undefined, e);
  }
  if (bytes === undefined) return EMPTY_PINS;
  let doc: PinsFile;
  try {
    doc = validateSchema<PinsFile>('pins', parseJson(bytes, file), file, 'PINS_UNREADABLE');
  } catch (e) {
    if (!isAirlockError(e)) throw e;
    throw unreadable(file, e.message, e.field, e);
  }
  const pins: Pins = { projects: new Map(Object.entries(doc.projects)) };
  return doc.latestNow !== undefined ? { ...pins, latestNow: doc.latestNow } : pins;
}

/** Writes the pins atomically; the caller holds withLock(stateDir). */
export async function savePins(stateDir: string, pins: Pins): Promise<void> {
  const projects: Record<string, ProjectPin> = {};
  for (const name of [...pins.projects.keys()].sort()) projects[name] = pins.projects.get(name)!;
  const doc: PinsFile = { format: 'airlock-pins/1', projects };
  if (pins.latestNow !== undefined) doc.latestNow = pins.latestNow;
  // What is written must be readable again: a bug here must not leave a state that locks everyone out.
  validateSchema('pins', JSON.parse(JSON.stringify(doc)), pinsPath(stateDir), 'PINS_UNREADABLE');
  await writeFileAtomic(pinsPath(stateDir), stringifyJson(doc), { mkdirs: true });
}
