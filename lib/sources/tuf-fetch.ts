import { join, posix } from 'node:path';
import { TufError } from '../errors.ts';
import { parseMetadata } from '../tuf/parse.ts';
import type { PinnedRoot } from '../tuf/types.ts';
import type { HttpOptions } from './http.ts';
import { fetchBytes } from './transfer.ts';
import { tufMetadataPath, tufTargetPath } from './layout.ts';
import { writeStaged } from './staging.ts';

// Sigstore's TUF repository over HTTP, in the CDN layout (metadata at the base
// URL, targets under targets/): the files a client update from the pinned root
// reads are fetched into the staging folder in the canonical metadata/ +
// targets/ layout, for tuf-verify.ts to check with lib/tuf.
//
// Parsing here is only to learn which files to fetch; nothing is trusted until
// verifyRepository has checked it.

export const TUF_URLS = {
  'public-good': 'https://tuf-repo-cdn.sigstore.dev/',
  staging: 'https://tuf-repo-cdn.sigstage.dev/',
} as const;

// Size caps, as python-tuf's ngclient defaults (Updater config).
const CAPS = { root: 512_000, timestamp: 16_384, snapshot: 2_000_000, targets: 5_000_000 } as const;
const TARGET_CAP = 16 * 1024 * 1024;
// 5.3.3: an upper bound on root rotations fetched in one update.
const MAX_ROOT_ROTATIONS = 256;
// One segment of a target path, as the bundle layout allows it (lib/bundle/paths.ts).
const TARGET_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/;

/** Targets the air-gapped side needs: Sigstore's trusted root and signing configs. */
export function isWantedTarget(name: string): boolean {
  const base = posix.basename(name);
  return base === 'trusted_root.json' || base.startsWith('signing_config');
}

interface Limit {
  maxBytes: number;
  tooLarge: (url: URL) => TufError;
}

/**
 * The size limit of one download. A length recorded by the referring metadata
 * (not verified yet at this point) may only lower the cap; a file longer than
 * it is TUF_LENGTH_MISMATCH, one beyond the cap TUF_TOO_LARGE.
 */
function limit(cap: number, recorded?: number): Limit {
  if (recorded !== undefined && recorded < cap) {
    return {
      maxBytes: recorded,
      tooLarge: (url) =>
        new TufError('TUF_LENGTH_MISMATCH', `longer than the ${recorded} bytes the referring metadata records`, {
          file: url.href,
        }),
    };
  }
  return {
    maxBytes: cap,
    tooLarge: (url) => new TufError('TUF_TOO_LARGE', `more than the cap of ${cap} bytes`, { file: url.href }),
  };
}

async function getMetadata(
  base: URL,
  name: string,
  lim: Limit,
  http: HttpOptions,
  allow404 = false,
): Promise<Uint8Array | undefined> {
  const got = await fetchBytes(new URL(name, base), { accept: 'application/json', allow404, ...lim }, http);
  return got?.bytes;
}

/** Fetches what the update from `pinned` reads into STAGING/tuf (canonical layout). Returns that folder. */
export async function fetchTufRepository(
  tufUrl: URL,
  pinned: PinnedRoot,
  staging: string,
  http: HttpOptions,
): Promise<string> {
  const dir = join(staging, 'tuf');
  const stage = (name: string, bytes: Uint8Array) => writeStaged(staging, tufMetadataPath(name), bytes);
  // 5.3.3-5.3.4: root N+1, N+2, ... until the CDN has no next version.
  let root = parseMetadata(pinned.bytes, 'root', pinned.label);
  for (let v = pinned.version + 1; v <= pinned.version + MAX_ROOT_ROTATIONS; v++) {
    const name = `${v}.root.json`;
    const bytes = await getMetadata(tufUrl, name, limit(CAPS.root), http, true);
    if (!bytes) break;
    await stage(name, bytes);
    root = parseMetadata(bytes, 'root', new URL(name, tufUrl).href);
  }
  const consistent = root.signed.consistentSnapshot;
  // 5.4: timestamp.json is never versioned in its name.
  const tsBytes = (await getMetadata(tufUrl, 'timestamp.json', limit(CAPS.timestamp), http))!;
  await stage('timestamp.json', tsBytes);
  const ts = parseMetadata(tsBytes, 'timestamp', new URL('timestamp.json', tufUrl).href);
  // 5.5.1: the snapshot the timestamp names (versioned name with consistent snapshots).
  const snapMeta = ts.signed.snapshotMeta;
  const snapName = consistent ? `${snapMeta.version}.snapshot.json` : 'snapshot.json';
  const snapBytes = (await getMetadata(tufUrl, snapName, limit(CAPS.snapshot, snapMeta.length), http))!;
  await stage(snapName, snapBytes);
  const snap = parseMetadata(snapBytes, 'snapshot', new URL(snapName, tufUrl).href);
  // 5.6.1: the top-level targets the snapshot names.
  const tMeta = snap.signed.meta['targets.json'];
  if (!tMeta)
    throw new TufError('TUF_MISSING_FILE', 'snapshot does not list targets.json', {
      file: new URL(snapName, tufUrl).href,
      field: 'signed.meta',
    });
  const targetsName = consistent ? `${tMeta.version}.targets.json` : 'targets.json';
  const tBytes = (await getMetadata(tufUrl, targetsName, limit(CAPS.targets, tMeta.length), http))!;
  await stage(targetsName, tBytes);
  const targets = parseMetadata(tBytes, 'targets', new URL(targetsName, tufUrl).href);
  // Delegated roles are not fetched: Sigstore lists the targets airlock needs in
  // the top-level role; if it ever does not, verification fails TUF_UNKNOWN_TARGET.
  const targetsUrl = new URL(targetsName, tufUrl).href;
  for (const [name, info] of Object.entries(targets.signed.targets)) {
    if (!isWantedTarget(name)) continue;
    // Nothing here is verified yet: a target name or hash from a hostile CDN
    // must not steer the staging write (`../../x`), nor the URL, out of place.
    if (!name.split('/').every((seg) => TARGET_SEGMENT.test(seg))) {
      throw new TufError('TUF_METADATA_MALFORMED', `unsafe target path '${name}'`, {
        file: targetsUrl,
        field: 'signed.targets',
      });
    }
    const sha = info.hashes.sha256;
    if (consistent && (sha === undefined || !/^[0-9a-f]{64}$/i.test(sha))) {
      throw new TufError('TUF_METADATA_MALFORMED', `target ${name} has no sha256 hash`, {
        file: targetsUrl,
        field: `signed.targets.${name}.hashes`,
      });
    }
    // 5.7.3: consistent targets are served as DIR/HASH.BASENAME.
    const hashed = consistent
      ? posix.join(posix.dirname(name), `${sha}.${posix.basename(name)}`).replace(/^\.\//, '')
      : name;
    const got = await fetchBytes(
      new URL(`targets/${hashed}`, tufUrl),
      { accept: '*/*', ...limit(TARGET_CAP, info.length) },
      http,
    );
    await writeStaged(staging, tufTargetPath(hashed), got!.bytes);
  }
  return dir;
}
