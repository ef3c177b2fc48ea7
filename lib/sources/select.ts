import { eq, satisfies } from '@renovatebot/pep440';
import { SourceError } from '../errors.ts';
import { parseDistFilename, type DistFilename } from '../dist/index.ts';
import type { LockEntry } from '../lock/index.ts';
import type { IndexFile } from './index-page.ts';

// Which files of a project page a lock entry means. Pure: no I/O.
// - pylock.toml: exactly the files it names, each pin equal to the index's sha256;
// - requirements (hash-checking): every file of the release whose sha256 is pinned;
// - NAME==VERSION: every file of the release, filtered by --platform,
//   --python-version and --only-binary.
// A yanked file is refused unless a hash pin selected it (PEP 592: an exact pin
// may still install a yanked file).

export interface FileFilters {
  platforms?: string[];
  /** `3.12`: keep wheels whose tags and Requires-Python fit this Python. */
  pythonVersion?: string;
  onlyBinary?: boolean;
}

export interface SelectedFile {
  file: IndexFile;
  /** sha256 the lock pinned, checked after the download too. */
  pin?: string;
  /** Size the lock recorded, when it did. */
  pinSize?: number;
}

function parsed(f: IndexFile): DistFilename | undefined {
  try {
    return parseDistFilename(f.filename);
  } catch {
    return undefined; // not a distribution (or a legacy name): never part of a release
  }
}

function sameVersion(a: string, b: string): boolean {
  return a === b || eq(a, b);
}

function wheelFits(d: DistFilename, f: IndexFile, filters: FileFilters): boolean {
  if (d.kind === 'sdist') return !filters.onlyBinary;
  const tags = d.tags ?? [];
  if (filters.platforms?.length) {
    const want = new Set(filters.platforms.map((p) => p.toLowerCase()));
    if (!tags.some((t) => t.platform === 'any' || want.has(t.platform))) return false;
  }
  const py = filters.pythonVersion;
  if (py) {
    const [maj, min] = py.split('.');
    const ok = tags.some((t) => {
      const m = /^(py|cp|pp|ip|jy)(\d)(\d*)$/.exec(t.interpreter);
      if (!m || m[2] !== maj) return false;
      if (m[3] === '') return true;
      // abi3 wheels run on their minor version and every later one.
      return t.abi === 'abi3' ? Number(m[3]) <= Number(min) : m[3] === min;
    });
    if (!ok) return false;
    if (f.requiresPython && !satisfies(`${py}.0`, f.requiresPython)) return false;
  }
  return true;
}

function notYanked(sel: SelectedFile[], entry: LockEntry): SelectedFile[] {
  const y = sel.find((s) => s.file.yanked !== false);
  if (y) {
    const reason = typeof y.file.yanked === 'string' && y.file.yanked ? ` (${y.file.yanked})` : '';
    throw new SourceError(
      'YANKED',
      `${y.file.filename} of ${entry.name}==${entry.version} is yanked${reason}; pin it by hash in a lock to bundle ` +
        `it anyway`,
      { file: entry.file, field: entry.field },
    );
  }
  return sel;
}

export function selectFiles(entry: LockEntry, files: IndexFile[], filters: FileFilters = {}): SelectedFile[] {
  const where = { file: entry.file, field: entry.field };
  if (entry.files) {
    return entry.files.map((pin) => {
      const f = files.find((x) => x.filename === pin.filename);
      if (!f)
        throw new SourceError(
          'NOT_FOUND',
          `${pin.filename} (${entry.name}==${entry.version}) is not on the index`,
          where,
        );
      if (f.sha256 !== undefined && f.sha256 !== pin.sha256) {
        throw new SourceError(
          'HASH_PIN_MISMATCH',
          `${pin.filename}: the index says sha256 ${f.sha256}, the lock pins ${pin.sha256}`,
          where,
        );
      }
      const s: SelectedFile = { file: f, pin: pin.sha256 };
      if (pin.size !== undefined) s.pinSize = pin.size;
      return s;
    });
  }
  const release = files.filter((f) => {
    const d = parsed(f);
    return d !== undefined && d.name === entry.name && sameVersion(d.version, entry.version);
  });
  if (release.length === 0)
    throw new SourceError('NOT_FOUND', `${entry.name}==${entry.version} has no files on the index`, where);
  if (entry.hashes) {
    const pins = new Set(entry.hashes);
    const sel = release
      .filter((f) => f.sha256 !== undefined && pins.has(f.sha256))
      .map((f) => ({ file: f, pin: f.sha256! }));
    if (sel.length === 0) {
      throw new SourceError(
        'HASH_PIN_MISMATCH',
        `none of the ${release.length} files of ${entry.name}==${entry.version} on the index has a pinned sha256`,
        where,
      );
    }
    return sel;
  }
  const sel = release.filter((f) => wheelFits(parsed(f)!, f, filters)).map((f) => ({ file: f }));
  if (sel.length === 0)
    throw new SourceError(
      'NOT_FOUND',
      `no file of ${entry.name}==${entry.version} fits the --platform/--python-version/--only-binary filters`,
      where,
    );
  return notYanked(sel, entry);
}
