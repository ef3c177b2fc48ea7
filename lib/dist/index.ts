// Python distribution names: PEP 503 project names, PEP 440 versions, and
// wheel / sdist file names. Pure functions, no I/O.

export { normalizeProjectName, escapeProjectName } from './name.ts';
export { canonicalVersion, normalizeVersion } from './version.ts';
export { parseDistFilename, canonicalDistFilename } from './filename.ts';
export type { DistFilename, WheelTag } from './filename.ts';
