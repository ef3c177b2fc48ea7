import { ArchiveError } from '../errors.ts';
import { printable } from '../util/text.ts';
import { MANIFEST_PATH, type MemberRole } from './types.ts';

// The one terminal escaping function, re-exported for the archive code that names members.
export { printable };

// Member path rules, in two layers:
// - `unsafePathReason` is what the reader enforces on every tar entry name,
//   whatever the manifest says: nothing that could escape the extraction
//   folder or mean different things on different file systems.
// - `layoutRole` is the bundle layout the writer produces (and the manifest
//   schema repeats as a pattern): each role has its own folder.

/** Why `path` is unsafe to extract, or undefined when it is acceptable. */
export function unsafePathReason(path: string): string | undefined {
  if (path.length === 0) return 'empty path';
  if (Buffer.byteLength(path) > 1024) return 'path longer than 1024 bytes';
  if (path.startsWith('/')) return 'absolute path';
  if (path.includes('\\')) return 'backslash in path';
  // U+FFFD is what a name that was not valid UTF-8 decodes to.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point of this check.
  if (/[\u0000-\u001f\u007f-\u009f\ufffd]/u.test(path)) return 'control character or invalid UTF-8 in path';
  // ':' is a drive letter or an NTFS stream on Windows; the bundle may be unpacked there.
  if (path.includes(':')) return "':' in path";
  for (const seg of path.split('/')) {
    if (seg === '') return 'empty path segment (leading ./, trailing / or //)';
    if (seg === '.' || seg === '..') return `'${seg}' path segment`;
  }
  return undefined;
}

export function assertSafePath(path: string): void {
  const reason = unsafePathReason(path);
  if (reason !== undefined) {
    throw new ArchiveError('ARCHIVE_UNSAFE_PATH', `unsafe member path: ${reason}`, { file: printable(path) });
  }
}

/**
 * The key two paths collide under: on case-insensitive or normalising file
 * systems (macOS, Windows) they would be the same file. toUpperCase then
 * toLowerCase approximates Unicode full case folding (ß, ﬁ → ss, fi).
 */
export function collisionKey(path: string): string {
  return path.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}

const NAME = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?'; // PEP 503 normalised project name
const FILE = '[A-Za-z0-9_][A-Za-z0-9._+-]*'; // one path segment of a distribution or TUF file

// Kept in sync by a test with the path pattern of schemas/bundle-manifest.schema.json.
export const LAYOUT_PATTERN =
  `^(?:packages/${NAME}/${FILE}|index/${NAME}\\.json|` +
  `tuf/metadata/${FILE}\\.json|tuf/targets/(?:${FILE}/)*${FILE}|lock/pylock\\.toml)$`;
const LAYOUT = new RegExp(LAYOUT_PATTERN);

/** The role a path's place in the layout implies, or undefined when it is outside the layout. */
export function layoutRole(path: string): MemberRole | undefined {
  if (!LAYOUT.test(path) || unsafePathReason(path) !== undefined || path === MANIFEST_PATH) return undefined;
  if (path.startsWith('packages/')) {
    if (path.endsWith('.provenance')) return 'provenance';
    if (path.endsWith('.metadata')) return 'core-metadata';
    return 'distribution';
  }
  if (path.startsWith('index/')) return 'index-page';
  if (path.startsWith('lock/')) return 'lock';
  if (path.startsWith('tuf/metadata/')) return 'tuf-metadata';
  return 'tuf-target';
}

/** Byte order of the UTF-8 encodings: the one order that is the same everywhere. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
