import { ArchiveError, InternalError, isAirlockError } from '../errors.ts';
import { sha256File } from '../util/digest.ts';
import { validateSchema } from '../schemas.ts';
import { assertNoFileDirConflict, verifyManifest } from './manifest.ts';
import { collisionKey, comparePaths, layoutRole, printable } from './paths.ts';
import { toolVersion } from './tool.ts';
import {
  FORMAT_VERSION,
  LOCK_FORMAT_VERSION,
  MANIFEST_PATH,
  SIGNED_FORMAT_VERSION,
  type Manifest,
  type ManifestInput,
  type ManifestMember,
  type MemberInput,
} from './types.ts';

// The writer's first pass: check the inputs, learn every member's size and
// digest (the manifest goes first in the archive, so it must be complete
// before any member is written), and build a manifest the reader will accept.

/** Object keys sorted at every level, so the caller's key order cannot change the bytes. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = canonical(v);
  }
  return out;
}

export function checkInputs(members: MemberInput[]): MemberInput[] {
  const keys = new Map<string, string>();
  for (const m of members) {
    const role = layoutRole(m.path);
    if (role === undefined)
      throw new ArchiveError(
        'ARCHIVE_UNSAFE_PATH',
        'member path is outside the bundle layout (packages/, index/, tuf/metadata/, tuf/targets/)',
        { file: printable(m.path) },
      );
    // Roles come from lib/sources, not from an input: a mismatch is a bug, not a bad bundle.
    if (role !== m.role)
      throw new InternalError(`role '${m.role}' does not match the path (expected '${role}')`, { file: m.path });
    const other = keys.get(collisionKey(m.path));
    if (other === m.path) throw new ArchiveError('ARCHIVE_DUPLICATE', 'member given twice', { file: m.path });
    if (other !== undefined)
      throw new ArchiveError('ARCHIVE_PATH_COLLISION', `collides with '${other}' after case folding`, { file: m.path });
    keys.set(collisionKey(m.path), m.path);
  }
  assertNoFileDirConflict(
    members.map((m) => m.path),
    (p, q) => new ArchiveError('ARCHIVE_PATH_COLLISION', `is also a folder of '${q}'`, { file: p }),
  );
  return [...members].sort((a, b) => comparePaths(a.path, b.path));
}

/** Size and digest of each member: given ones are trusted here and checked again while writing. */
export async function describe(m: MemberInput): Promise<ManifestMember> {
  if (m.sha256 !== undefined && m.size !== undefined)
    return { path: m.path, size: m.size, sha256: m.sha256, role: m.role };
  const { sha256, size } = await sha256File(m.localPath);
  if (m.sha256 !== undefined && m.sha256 !== sha256) {
    throw new ArchiveError('MEMBER_DIGEST_MISMATCH', `${m.localPath} has sha256 ${sha256}, expected ${m.sha256}`, {
      file: m.path,
    });
  }
  if (m.size !== undefined && m.size !== size) {
    throw new ArchiveError('MEMBER_SIZE_MISMATCH', `${m.localPath} has ${size} bytes, expected ${m.size}`, {
      file: m.path,
    });
  }
  return { path: m.path, size, sha256, role: m.role };
}

/**
 * The oldest version that can say what the bundle holds, so that older readers keep reading what they can: 1, 2
 * when signed, 3 when it carries a lock (signed or not).
 */
export function formatVersionFor(members: readonly ManifestMember[], signed: boolean): Manifest['formatVersion'] {
  if (members.some((m) => m.role === 'lock')) return LOCK_FORMAT_VERSION;
  return signed ? SIGNED_FORMAT_VERSION : FORMAT_VERSION;
}

export function buildManifest(input: ManifestInput, members: ManifestMember[], signed = false): Manifest {
  const formatVersion = formatVersionFor(members, signed);
  const manifest: Manifest = {
    format: 'airlock-bundle',
    formatVersion,
    ...(formatVersion === LOCK_FORMAT_VERSION ? { signed } : {}),
    createdAt: input.createdAt,
    tool: { name: 'airlock', version: toolVersion() },
    sources: canonical(input.sources) as Manifest['sources'],
    packages: canonical(input.packages) as Manifest['packages'],
    ...(input.tuf === undefined ? {} : { tuf: canonical(input.tuf) as Manifest['tuf'] }),
    members: members.map((m) => ({ path: m.path, size: m.size, sha256: m.sha256, role: m.role })),
  };
  // The reader's own checks, so that a writer bug cannot produce a bundle the
  // reader refuses; failing them is that bug (INTERNAL_ERROR, exit 2), never
  // "verification failed" (MANIFEST_INVALID is for bundles read).
  try {
    validateSchema<Manifest>('bundle-manifest', manifest, MANIFEST_PATH, 'MANIFEST_INVALID');
    verifyManifest(manifest);
  } catch (e) {
    if (!isAirlockError(e) || e.code !== 'MANIFEST_INVALID') throw e;
    throw new InternalError(`the bundle writer built a manifest the reader refuses: ${e.toLine()}`, { cause: e });
  }
  return manifest;
}
