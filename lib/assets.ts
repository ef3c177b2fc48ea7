import { readdirSync, readFileSync } from 'node:fs';

// Files airlock ships inside itself: the pinned TUF roots and package.json (the
// JSON Schemas are compiled into lib/schema-validators.js). Run from a clone
// they are read from the clone; the single-file build (scripts/build.ts)
// replaces this module with one that holds the same bytes, so the executable
// reads nothing beside itself. Paths are relative to the top of the
// repository, with '/' separators.

const TOP = new URL('../', import.meta.url);

/** The names of the files in one shipped folder, e.g. `trust-roots/staging`. */
export function assetNames(dir: string): string[] {
  return readdirSync(new URL(`${dir}/`, TOP)).sort();
}

/** The exact bytes of one shipped file. */
export function assetBytes(path: string): Uint8Array {
  return readFileSync(new URL(path, TOP));
}
