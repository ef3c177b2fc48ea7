import { join } from 'node:path';
import { InternalError } from '../errors.ts';
import { checkRepository, type CheckedRepository } from '../tuf/index.ts';
import type { PinnedRoot, TrustResult } from '../tuf/types.ts';
import type { HttpOptions } from './http.ts';
import { tufMetadataPath, tufTargetPath } from './layout.ts';
import { writeStaged } from './staging.ts';
import { httpRepository } from './tuf-http.ts';
import type { LocalFile } from './types.ts';

// A TUF copy (Sigstore's CDN over HTTP, or a local --tuf-dir) is verified with
// lib/tuf exactly as the air-gapped side will verify it, before anything is
// bundled; failures keep their TUF_* codes. Only the files the verification
// read go into the bundle: a local copy's from where they lie, a download's
// from the staging folder, written only once verified.

export interface TufBundleFiles {
  result: TrustResult;
  /** Archive path (tuf/metadata/..., tuf/targets/...) → local file. */
  members: Array<LocalFile & { path: string; role: 'tuf-metadata' | 'tuf-target' }>;
}

export type TufInput = { kind: 'url'; url: URL } | { kind: 'dir'; dir: string };

function split(path: string): { isMeta: boolean; rel: string } {
  const isMeta = path.startsWith('metadata/');
  if (!isMeta && !path.startsWith('targets/')) throw new InternalError(`unexpected TUF file path ${path}`);
  return { isMeta, rel: path.slice(isMeta ? 'metadata/'.length : 'targets/'.length) };
}

function member(path: string, local: LocalFile): TufBundleFiles['members'][number] {
  const { isMeta, rel } = split(path);
  return {
    path: isMeta ? tufMetadataPath(rel) : tufTargetPath(rel),
    role: isMeta ? 'tuf-metadata' : 'tuf-target',
    ...local,
  };
}

/**
 * Verifies the TUF copy from `pinned` at `now`, as `bundle` does; a download
 * keeps the bytes it read (`fetched`) so that they can be bundled.
 */
export async function checkTuf(
  input: TufInput,
  pinned: PinnedRoot,
  now: Date,
  http: HttpOptions,
): Promise<{ checked: CheckedRepository; fetched?: ReadonlyMap<string, Uint8Array> }> {
  if (input.kind === 'url') {
    const source = httpRepository(input.url, http);
    return { checked: await checkRepository({ pin: pinned, source, now }), fetched: source.fetched };
  }
  return { checked: await checkRepository({ pin: pinned, source: input.dir, now }) };
}

/** Verifies the TUF copy from `pinned` at `now` and lists its verified files as bundle members. */
export async function collectTuf(
  input: TufInput,
  pinned: PinnedRoot,
  now: Date,
  staging: string,
  http: HttpOptions,
): Promise<TufBundleFiles> {
  const { checked, fetched } = await checkTuf(input, pinned, now, http);
  const { result, source } = checked;
  if (fetched) {
    const members = [];
    for (const f of result.files) {
      const bytes = fetched.get(f.path);
      if (!bytes) throw new InternalError(`verified TUF file ${f.path} was not kept`);
      members.push(member(f.path, await writeStaged(staging, `tuf/${f.path}`, bytes)));
    }
    return { result, members };
  }
  if (input.kind !== 'dir') throw new InternalError('a downloaded TUF copy kept no bytes');
  const dir = input.dir;
  const cdn = 'layout' in source && source.layout === 'cdn';
  const members = result.files.map((f) => {
    const { isMeta, rel } = split(f.path);
    // The CDN layout keeps metadata at the top of the folder.
    const local = isMeta && cdn ? join(dir, ...rel.split('/')) : join(dir, ...f.path.split('/'));
    return member(f.path, { localPath: local, sha256: f.sha256, size: f.size });
  });
  return { result, members };
}
