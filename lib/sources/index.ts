import type { KeyObject } from 'node:crypto';
import { writeBundle } from '../bundle/index.ts';
import { LOCK_PATH, type Manifest, type ManifestSources, type MemberInput } from '../bundle/types.ts';
import { writeStaged } from './staging.ts';
import type { LockEntry } from '../lock/index.ts';
import type { PinnedRoot } from '../tuf/types.ts';
import { discardTemp, makeTempDirFor } from '../util/atomic.ts';
import type { HttpOptions } from './http.ts';
import { collectFromDir } from './local-dir.ts';
import { manifestTuf, packageMembers, tufMembers } from './manifest.ts';
import { collectFromIndex } from './pypi.ts';
import type { FileFilters } from './select.ts';
import { collectTuf, type TufInput } from './tuf-verify.ts';
import type { ProgressSink } from './types.ts';

// The connected side of airlock: collect distributions (from an index or a
// folder) and Sigstore's TUF metadata (over HTTP or from a folder) into a
// staging folder beside the output, verify the TUF copy as the air-gapped side
// will, then write one archive. The staging folder is always removed.

export { TUF_URLS } from './tuf-http.ts';
export { checkTuf, type TufInput } from './tuf-verify.ts';
export { fetchLockedProvenance, type LockedFileProvenance } from './locked-provenance.ts';
export { httpOptions, type HttpOptions } from './http.ts';
export { parseBaseUrl } from './urls.ts';
export { bundleReport, reportText, type BundleReport } from './report.ts';
export type { FileFilters } from './select.ts';
export type { ProgressSink } from './types.ts';

export type PackageInput =
  | { kind: 'index'; entries: LockEntry[]; indexUrl: URL; filters?: FileFilters }
  | { kind: 'dir'; dir: string };

export interface BundleRequest {
  output: string;
  packages: PackageInput;
  tuf: TufInput;
  pinned: PinnedRoot;
  /** Reference time for the TUF check. */
  now: Date;
  /** Manifest createdAt (ISO-8601, to the second). */
  createdAt: string;
  sources: ManifestSources;
  jobs: number;
  http: HttpOptions;
  /** Bytes downloaded (index sources). */
  progress?: ProgressSink;
  /** Bytes written into the archive. */
  onWriteProgress?: (done: number, total: number) => void;
  /** Sign the manifest with this private key (lib/bundle/signature.ts). */
  signKey?: KeyObject;
  /** The pylock.toml's bytes, as read once and parsed: carried as `lock/pylock.toml` (format version 3). */
  lockBytes?: Uint8Array;
}

export interface BundleOutcome {
  manifest: Manifest;
  sha256: string;
  size: number;
}

export async function createBundle(req: BundleRequest): Promise<BundleOutcome> {
  const staging = await makeTempDirFor(req.output);
  try {
    // TUF first: it is small, and a repository that does not verify makes the rest moot.
    const tuf = await collectTuf(req.tuf, req.pinned, req.now, staging, req.http);
    const p = req.packages;
    const pkgs =
      p.kind === 'dir'
        ? await collectFromDir(p.dir)
        : await collectFromIndex(p.entries, {
            indexUrl: p.indexUrl,
            staging,
            jobs: req.jobs,
            http: req.http,
            ...(p.filters ? { filters: p.filters } : {}),
            ...(req.progress ? { progress: req.progress } : {}),
          });
    const { members, packages } = packageMembers(pkgs);
    const lock: MemberInput[] =
      req.lockBytes === undefined
        ? []
        : [{ path: LOCK_PATH, role: 'lock', ...(await writeStaged(staging, LOCK_PATH, req.lockBytes)) }];
    const written = await writeBundle(
      req.output,
      { createdAt: req.createdAt, sources: req.sources, packages, tuf: manifestTuf(tuf.result, req.pinned.instance) },
      [...members, ...tufMembers(tuf), ...lock],
      {
        ...(req.onWriteProgress ? { onProgress: req.onWriteProgress } : {}),
        ...(req.signKey ? { signKey: req.signKey } : {}),
      },
    );
    return written;
  } finally {
    await discardTemp(staging);
  }
}
