import { InputError } from '../errors.ts';
import { escapeProjectName, normalizeProjectName } from './name.ts';
import { normalizeVersion } from './version.ts';

// Distribution file names, parsed exactly as Python's packaging.utils
// parse_wheel_filename / parse_sdist_filename do (PEP 427, PEP 491, PEP 625),
// since PyPI and pypi-attestations compare names in that form. No maintained
// npm package implements these rules, hence this module.

export interface WheelTag {
  interpreter: string;
  abi: string;
  platform: string;
}

export interface DistFilename {
  kind: 'wheel' | 'sdist';
  /** PEP 503-normalised project name (`foo-bar`). */
  name: string;
  /** PEP 440-normalised version. */
  version: string;
  /** Wheels only: the build tag as (number, rest), e.g. `1abc` → [1, 'abc']. */
  buildTag?: [number, string];
  /** Wheels only: every (interpreter, abi, platform) the compressed tag set expands to, lower-cased. */
  tags?: WheelTag[];
  /** Sdists only. */
  extension?: '.tar.gz' | '.zip';
}

function invalid(filename: string, why: string): InputError {
  return new InputError('DIST_FILENAME_INVALID', `'${filename}' is not a wheel or sdist file name: ${why}`, {
    file: filename,
  });
}

// packaging checks the wheel name part with Python's `^[\w\d._]*$` (Unicode \w).
const WHEEL_NAME_PART = /^[\p{L}\p{N}_.]*$/u;

function parseWheel(filename: string): DistFilename {
  const stem = filename.slice(0, -'.whl'.length);
  const dashes = stem.split('-').length - 1;
  if (dashes !== 4 && dashes !== 5) throw invalid(filename, 'a wheel name has 5 or 6 dash-separated parts');
  const parts = stem.split('-');
  const namePart = parts[0]!;
  if (namePart.includes('__') || !WHEEL_NAME_PART.test(namePart))
    throw invalid(filename, `invalid project name '${namePart}'`);
  const version = normalizeVersion(parts[1]!, filename);
  let buildTag: [number, string] | undefined;
  if (dashes === 5) {
    const m = /^(\d+)(.*)$/s.exec(parts[2]!);
    if (!m || m[1]!.length > 15) throw invalid(filename, `invalid build tag '${parts[2]}'`);
    buildTag = [Number(m[1]), m[2]!];
  }
  const [interp, abi, plat] = parts.slice(-3) as [string, string, string];
  const tags: WheelTag[] = [];
  for (const i of interp.split('.')) {
    for (const a of abi.split('.')) {
      for (const p of plat.split('.'))
        tags.push({ interpreter: i.toLowerCase(), abi: a.toLowerCase(), platform: p.toLowerCase() });
    }
  }
  const out: DistFilename = { kind: 'wheel', name: normalizeProjectName(namePart), version, tags };
  if (buildTag) out.buildTag = buildTag;
  return out;
}

function parseSdist(filename: string, extension: '.tar.gz' | '.zip'): DistFilename {
  const stem = filename.slice(0, -extension.length);
  const dash = stem.lastIndexOf('-');
  if (dash < 0) throw invalid(filename, 'no version part');
  return {
    kind: 'sdist',
    name: normalizeProjectName(stem.slice(0, dash)),
    version: normalizeVersion(stem.slice(dash + 1), filename),
    extension,
  };
}

/** Parses a wheel or sdist file name (a base name, not a path); throws DIST_FILENAME_INVALID. */
export function parseDistFilename(filename: string): DistFilename {
  // Extensions are case-sensitive, as in packaging.
  if (filename.endsWith('.whl')) return parseWheel(filename);
  if (filename.endsWith('.tar.gz')) return parseSdist(filename, '.tar.gz');
  if (filename.endsWith('.zip')) return parseSdist(filename, '.zip');
  throw invalid(filename, 'the name must end in .whl, .tar.gz or .zip');
}

function joinSorted(values: Iterable<string>): string {
  // Python's sorted() on str compares code points; so does this comparator.
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join('.');
}

/**
 * The "ultranormalised" file name that pypi-attestations compares PEP 740
 * subjects in: normalised name (escaped with `_`) and version, build tag
 * without leading zeros, and each compressed tag set de-duplicated and sorted.
 */
export function canonicalDistFilename(filename: string): string {
  const d = parseDistFilename(filename);
  const name = escapeProjectName(d.name);
  if (d.kind === 'sdist') return `${name}-${d.version}${d.extension}`;
  const tags = d.tags ?? [];
  const parts = [name, d.version];
  if (d.buildTag) parts.push(`${d.buildTag[0]}${d.buildTag[1]}`);
  parts.push(
    joinSorted(tags.map((t) => t.interpreter)),
    joinSorted(tags.map((t) => t.abi)),
    joinSorted(tags.map((t) => t.platform)),
  );
  return `${parts.join('-')}.whl`;
}
