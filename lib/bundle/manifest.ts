import { ArchiveError, errorMessage } from '../errors.ts';
import { validateSchema } from '../schemas.ts';
import { parseJson } from '../util/json.ts';
import { eq } from '@renovatebot/pep440';
import { normalizeVersion, parseDistFilename } from '../dist/index.ts';
import { collisionKey, comparePaths, layoutRole } from './paths.ts';
import {
  FORMAT_VERSION,
  LOCK_FORMAT_VERSION,
  MANIFEST_PATH,
  SIGNED_FORMAT_VERSION,
  type Manifest,
  type ManifestMember,
} from './types.ts';

// The manifest is checked in two steps: its JSON Schema (shape, path layout,
// hex digests), then the cross-references a schema cannot express. Both are
// pure: the reader and the writer run the same checks, so a writer bug cannot
// produce a bundle the reader refuses.

function invalid(message: string, field: string, file: string): ArchiveError {
  return new ArchiveError('MANIFEST_INVALID', message, { file, field });
}

/** Parses and checks manifest bytes; every failure is MANIFEST_INVALID naming the field. */
export function parseManifest(bytes: Uint8Array, file = MANIFEST_PATH): Manifest {
  const value = parseJson(
    bytes,
    file,
    (_m, e) => new ArchiveError('MANIFEST_INVALID', `not valid UTF-8 JSON (${errorMessage(e)})`, { file, cause: e }),
  );
  // Version first, so a newer format says so instead of failing on some field.
  if (
    value !== null &&
    typeof value === 'object' &&
    'formatVersion' in value &&
    value.formatVersion !== FORMAT_VERSION &&
    value.formatVersion !== SIGNED_FORMAT_VERSION &&
    value.formatVersion !== LOCK_FORMAT_VERSION
  ) {
    throw invalid(
      `unsupported bundle format version ${JSON.stringify(value.formatVersion)} ` +
        `(this airlock reads ${FORMAT_VERSION}, ${SIGNED_FORMAT_VERSION} and ${LOCK_FORMAT_VERSION})`,
      '/formatVersion',
      file,
    );
  }
  const manifest = validateSchema<Manifest>('bundle-manifest', value, file, 'MANIFEST_INVALID');
  verifyManifest(manifest, file);
  return manifest;
}

/** Cross-reference checks of a schema-valid manifest. Pure. */
export function verifyManifest(m: Manifest, file = MANIFEST_PATH): void {
  const byPath = new Map<string, ManifestMember>();
  const keys = new Map<string, string>();
  m.members.forEach((member, i) => {
    const field = `/members/${i}`;
    const prev = m.members[i - 1];
    if (prev !== undefined && comparePaths(prev.path, member.path) >= 0) {
      throw invalid(`members are not sorted by path, or '${member.path}' is listed twice`, `${field}/path`, file);
    }
    const role = layoutRole(member.path);
    if (role !== member.role)
      throw invalid(
        `role '${member.role}' does not match path '${member.path}' (expected '${role}')`,
        `${field}/role`,
        file,
      );
    // Versions 1 and 2 have no lock: a reader of those versions would not know what the member is.
    if (role === 'lock' && m.formatVersion !== LOCK_FORMAT_VERSION)
      throw invalid(`a version ${m.formatVersion} bundle carries no lock`, `${field}/role`, file);
    const key = collisionKey(member.path);
    const other = keys.get(key);
    if (other !== undefined)
      throw invalid(`'${member.path}' collides with '${other}' after case folding`, `${field}/path`, file);
    keys.set(key, member.path);
    byPath.set(member.path, member);
  });
  assertNoFileDirConflict(
    m.members.map((x) => x.path),
    (p, q, i) => invalid(`'${p}' is both a file and a folder of '${q}'`, `/members/${i}/path`, file),
  );

  const ref = (path: string, role: ManifestMember['role'], field: string): ManifestMember => {
    const member = byPath.get(path);
    if (member === undefined || member.role !== role)
      throw invalid(`'${path}' is not listed in members as ${role}`, field, file);
    return member;
  };
  const names = new Set<string>();
  // Each distribution belongs to one release: the file name names it, and no
  // two package entries may claim the same file.
  const claimed = new Map<string, string>();
  m.packages.forEach((pkg, i) => {
    const at = `/packages/${i}`;
    const id = `${pkg.name}==${pkg.version}`;
    if (names.has(id)) throw invalid(`package ${id} is listed twice`, at, file);
    names.add(id);
    if (pkg.indexPage !== undefined) {
      if (pkg.indexPage !== `index/${pkg.name}.json`)
        throw invalid(`index page must be 'index/${pkg.name}.json'`, `${at}/indexPage`, file);
      ref(pkg.indexPage, 'index-page', `${at}/indexPage`);
    }
    pkg.files.forEach((f, j) => {
      const fat = `${at}/files/${j}`;
      if (f.path !== `packages/${pkg.name}/${f.filename}`)
        throw invalid(`path must be 'packages/${pkg.name}/${f.filename}'`, `${fat}/path`, file);
      const member = ref(f.path, 'distribution', `${fat}/path`);
      const owner = claimed.get(f.path);
      if (owner !== undefined)
        throw invalid(`'${f.path}' is listed twice (also as a file of ${owner})`, `${fat}/path`, file);
      claimed.set(f.path, id);
      if (!fileOfRelease(f.filename, pkg.name, pkg.version))
        throw invalid(`'${f.filename}' is not a file of ${id}`, `${fat}/filename`, file);
      if (member.sha256 !== f.sha256) throw invalid('sha256 differs from the member entry', `${fat}/sha256`, file);
      if (member.size !== f.size) throw invalid('size differs from the member entry', `${fat}/size`, file);
      if (f.provenance !== undefined) {
        if (f.provenance !== `${f.path}.provenance`)
          throw invalid(`provenance must be '${f.path}.provenance'`, `${fat}/provenance`, file);
        ref(f.provenance, 'provenance', `${fat}/provenance`);
      }
      if (f.coreMetadata !== undefined) {
        if (f.coreMetadata !== `${f.path}.metadata`)
          throw invalid(`core metadata must be '${f.path}.metadata'`, `${fat}/coreMetadata`, file);
        ref(f.coreMetadata, 'core-metadata', `${fat}/coreMetadata`);
      }
    });
  });
}

/**
 * True when `filename` is a wheel or sdist of this project (PEP 503 name) and version (PEP 440 equality, `1.0` ==
 * `1.0.0`, as the sources select).
 */
function fileOfRelease(filename: string, name: string, version: string): boolean {
  try {
    const d = parseDistFilename(filename);
    return d.name === name && (d.version === normalizeVersion(version, filename) || eq(d.version, version));
  } catch {
    return false; // not a distribution file name, or not a PEP 440 version
  }
}

/**
 * Refuses a path that is also a folder of another one (`a` and `a/b`): one
 * of the two could not be extracted. Case-folded, like the collision check.
 * `paths` need not be sorted.
 */
export function assertNoFileDirConflict(
  paths: string[],
  fail: (path: string, other: string, index: number) => Error,
): void {
  const files = new Map<string, string>();
  for (const p of paths) files.set(collisionKey(p), p);
  paths.forEach((p, i) => {
    const segs = collisionKey(p).split('/');
    for (let n = 1; n < segs.length; n++) {
      const dir = segs.slice(0, n).join('/');
      const file = files.get(dir);
      if (file !== undefined) throw fail(file, p, i);
    }
  });
}
