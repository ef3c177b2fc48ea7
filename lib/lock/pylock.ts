import { eq } from '@renovatebot/pep440';
import { parse, TomlError } from 'smol-toml';
import { type DistFilename, parseDistFilename } from '../dist/index.ts';
import { InputError, errorMessage } from '../errors.ts';
import { readPublisherTables } from '../policy/parse.ts';
import { isExactVersion, isValidName, normalizeName } from './names.ts';
import type { LockEntry, PinnedFile } from './types.ts';

// PEP 751 pylock.toml: [[packages]] with name, version and `sdist` / `wheels`
// entries carrying `hashes.sha256`. Sources airlock cannot snapshot from an
// index (vcs, directory, archive) are refused rather than skipped.

type Table = Record<string, unknown>;

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fileEntry(v: unknown, file: string, field: string): PinnedFile {
  const bad = (m: string) => new InputError('LOCK_INVALID', m, { file, field });
  if (!isTable(v)) throw bad('must be a table');
  const url = typeof v.url === 'string' ? v.url : undefined;
  let filename = typeof v.name === 'string' ? v.name : undefined;
  if (url !== undefined) {
    let last: string;
    try {
      last = new URL(url).pathname.split('/').pop() ?? '';
    } catch (e) {
      throw new InputError('LOCK_INVALID', `url is not a URL: '${url}'`, { file, field: `${field}.url`, cause: e });
    }
    // PEP 751: `name` may be omitted when the URL's last path segment is the file name.
    if (filename === undefined) {
      try {
        filename = decodeURIComponent(last);
      } catch (e) {
        throw new InputError('LOCK_INVALID', `url has a malformed percent-escape in '${last}'`, {
          file,
          field: `${field}.url`,
          cause: e,
        });
      }
    }
  }
  if (!filename || filename.includes('/') || filename.includes('\\'))
    throw bad('has no usable file name (name or url)');
  const hashes = v.hashes;
  const sha = isTable(hashes) ? hashes.sha256 : undefined;
  if (typeof sha !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha)) throw bad(`${filename} has no hashes.sha256`);
  const out: PinnedFile = { filename, sha256: sha.toLowerCase(), field };
  if (url !== undefined) out.url = url;
  if (v.size !== undefined) {
    if (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0)
      throw bad('size must be a non-negative integer');
    out.size = v.size;
  }
  return out;
}

/** The one TOML reading of a lock (LOCK_INVALID naming the line): `parsePylock` and `lock annotate` agree on it. */
export function readLockToml(text: string, file: string): Table {
  try {
    return parse(text) as Table;
  } catch (e) {
    const where = e instanceof TomlError ? `line ${e.line}` : undefined;
    throw new InputError('LOCK_INVALID', `not valid TOML (${errorMessage(e).split('\n')[0]})`, {
      file,
      ...(where ? { field: where } : {}),
      cause: e,
    });
  }
}

export function parsePylock(text: string, file: string): LockEntry[] {
  const doc = readLockToml(text, file);
  const lv = doc['lock-version'];
  if (typeof lv !== 'string' || !/^1(\.\d+)?$/.test(lv)) {
    throw new InputError(
      'LOCK_INVALID',
      `lock-version must be "1.x" (PEP 751), got ${JSON.stringify(lv) ?? 'nothing'}`,
      { file, field: 'lock-version' },
    );
  }
  const pkgs = doc.packages;
  if (!Array.isArray(pkgs) || pkgs.length === 0)
    throw new InputError('LOCK_INVALID', 'has no [[packages]]', { file, field: 'packages' });
  const seen = new Set<string>();
  return pkgs.map((p, i): LockEntry => {
    const field = `packages[${i}]`;
    const bad = (m: string, f = field) => new InputError('LOCK_INVALID', m, { file, field: f });
    if (!isTable(p)) throw bad('must be a table');
    if (typeof p.name !== 'string' || !isValidName(p.name)) throw bad('has no valid name', `${field}.name`);
    for (const k of ['vcs', 'directory', 'archive']) {
      if (p[k] !== undefined) throw bad(`${p.name}: '${k}' sources cannot be bundled from an index`, `${field}.${k}`);
    }
    const files: PinnedFile[] = [];
    if (p.sdist !== undefined) files.push(fileEntry(p.sdist, file, `${field}.sdist`));
    if (p.wheels !== undefined) {
      if (!Array.isArray(p.wheels)) throw bad('wheels must be an array', `${field}.wheels`);
      for (const [j, w] of p.wheels.entries()) files.push(fileEntry(w, file, `${field}.wheels[${j}]`));
    }
    if (files.length === 0) throw bad(`${p.name} has neither sdist nor wheels`);
    const name = normalizeName(p.name);
    // Every file must be a distribution of this very release: a lock naming a
    // file of another project or version is a broken lock, not a pin.
    const versions = new Set<string>();
    for (const f of files) {
      let d: DistFilename;
      try {
        d = parseDistFilename(f.filename);
      } catch (e) {
        throw new InputError('LOCK_INVALID', `${f.filename} is not a wheel or sdist file name`, {
          file,
          field,
          cause: e,
        });
      }
      if (d.name !== name) throw bad(`${f.filename} is not a file of ${name}`);
      versions.add(d.version);
    }
    // PEP 751 only says a lock SHOULD give the version of an sdist or wheel; airlock requires it, so that
    // the lock a team reviewed names every release it admits in so many words, not through file names.
    const version = p.version;
    if (version === undefined) throw bad(`${p.name} has no version`, `${field}.version`);
    if (typeof version !== 'string' || !isExactVersion(version))
      throw bad(`${p.name} has no exact version`, `${field}.version`);
    const v = version;
    if (![...versions].every((x) => x === v || eq(x, v)))
      throw bad(`${p.name}: a file name's version differs from ${v}`);
    const key = `${name}==${v}`;
    if (seen.has(key)) throw bad(`${key} is listed twice`);
    seen.add(key);
    const entry: LockEntry = { name, version: v, file, field, files };
    const ids = p['attestation-identities'];
    if (ids !== undefined) {
      entry.identities = readPublisherTables(ids, file, `${field}.attestation-identities`, 'LOCK_INVALID');
    }
    return entry;
  });
}
