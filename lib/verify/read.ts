import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { readBundle, readManifest, type Manifest, type ManifestMember, type MemberRole } from '../bundle/index.ts';
import { ArchiveError } from '../errors.ts';
import { CAPS } from '../util/caps.ts';

// The one pass over the archive: lib/bundle's reader checks every member as
// it streams into a fresh temporary folder (all or nothing) and hands us the
// small members, which we keep in memory within their caps. Distributions
// stay on disk; they are never held whole.

const MiB = 1024 * 1024;

/** Per-member caps for what is kept in memory; a real provenance or index page is some kB. */
export const SMALL_MEMBER_CAPS: Partial<Record<MemberRole, number>> = {
  provenance: 16 * MiB,
  'index-page': 32 * MiB,
  'core-metadata': 16 * MiB,
  lock: CAPS.lock,
};

export interface CheckedBundle {
  manifest: Manifest;
  /** The reader's checked extraction: the bundle layout, every member verified against the manifest. */
  dir: string;
  /** Verified bytes of the provenance, index-page and core-metadata members, by path. */
  small: Map<string, Uint8Array>;
  /** The signature member's bytes (format version 2), undefined for an unsigned bundle; and the manifest's sha256. */
  signature: { envelope: Uint8Array | undefined; manifestSha256: string };
  /** The sha256 of the archive file, hashed by the reader as it read it. */
  archiveSha256: string;
  /** Every member by path, as the reader verified it (size and sha256). */
  members: Map<string, ManifestMember>;
  /** Removes the temporary folder. */
  discard(): Promise<void>;
}

async function keep(member: ManifestMember, stream: Readable, cap: number): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    n += (c as Buffer).length;
    if (n > cap)
      throw new ArchiveError('ARCHIVE_TOO_LARGE', `larger than ${cap} bytes (cap for ${member.role} members)`, {
        file: member.path,
      });
    parts.push(c as Buffer);
  }
  return Buffer.concat(parts);
}

/** The manifest alone, so that a refused archive can still be reported file by file. */
export async function peekManifest(archive: string): Promise<Manifest | undefined> {
  return readManifest(archive).catch(() => undefined);
}

export async function readChecked(
  archive: string,
  opts: { workDir?: string; onProgress?: (done: number, total: number) => void },
): Promise<CheckedBundle> {
  // The reader builds `dir` beside itself and renames it into place only when the whole archive passed.
  const dir = join(opts.workDir ?? tmpdir(), `airlock-verify-${process.pid}-${randomBytes(6).toString('hex')}`);
  const discard = () => rm(dir, { recursive: true, force: true });
  const small = new Map<string, Uint8Array>();
  let signature: CheckedBundle['signature'] = { envelope: undefined, manifestSha256: '' };
  let archiveSha256 = '';
  try {
    const manifest = await readBundle(archive, {
      dest: dir,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      onArchiveDigest: (sha256) => {
        archiveSha256 = sha256;
      },
      onSignature: (envelope, manifestSha256) => {
        signature = { envelope, manifestSha256 };
      },
      onMember: async (m, stream) => {
        const cap = SMALL_MEMBER_CAPS[m.role];
        // With `dest` the reader hands over its checked copy on disk: a distribution needs no second read here.
        if (cap === undefined) {
          stream.destroy();
          return;
        }
        small.set(m.path, await keep(m, stream, cap));
      },
    });
    return {
      manifest,
      dir,
      small,
      signature,
      archiveSha256,
      members: new Map(manifest.members.map((m) => [m.path, m])),
      discard,
    };
  } catch (e) {
    await discard();
    throw e;
  }
}
