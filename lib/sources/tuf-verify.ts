import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { openLocalRepository, verifyRepository } from '../tuf/index.ts';
import type { PinnedRoot, TrustResult } from '../tuf/types.ts';
import { tufMetadataPath, tufTargetPath } from './layout.ts';
import type { LocalFile } from './types.ts';

// A TUF copy (the staged download, or a local --tuf-dir) is verified with
// lib/tuf exactly as the air-gapped side will verify it, before anything is
// bundled; failures keep their TUF_* codes. Only the files the verification
// read go into the bundle, from where they lie.

export interface TufBundleFiles {
  result: TrustResult;
  /** Archive path (tuf/metadata/..., tuf/targets/...) → local file. */
  members: Array<LocalFile & { path: string; role: 'tuf-metadata' | 'tuf-target' }>;
}

/** Verifies a TUF copy (staged download or --tuf-dir) and lists its verified files as bundle members. */
export async function verifyTufCopy(dir: string, pinned: PinnedRoot, now: Date): Promise<TufBundleFiles> {
  const source = await openLocalRepository(dir);
  const result = await verifyRepository(source, { pinned, now });
  const members = result.files.map((f) => {
    const isMeta = f.path.startsWith('metadata/');
    if (!isMeta && !f.path.startsWith('targets/'))
      throw new InputError('INTERNAL_ERROR', `unexpected TUF file path ${f.path}`);
    const rel = f.path.slice(isMeta ? 'metadata/'.length : 'targets/'.length);
    // The CDN layout keeps metadata at the top of the folder.
    const local = isMeta && source.layout === 'cdn' ? join(dir, ...rel.split('/')) : join(dir, ...f.path.split('/'));
    return {
      path: isMeta ? tufMetadataPath(rel) : tufTargetPath(rel),
      role: isMeta ? ('tuf-metadata' as const) : ('tuf-target' as const),
      localPath: local,
      sha256: f.sha256,
      size: f.size,
    };
  });
  return { result, members };
}
