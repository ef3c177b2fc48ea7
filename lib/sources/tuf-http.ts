import { TufError } from '../errors.ts';
import type { RepositorySource } from '../tuf/types.ts';
import type { HttpOptions } from './http.ts';
import { fetchBytes } from './transfer.ts';

// Sigstore's TUF repository over HTTP, in the CDN layout (metadata at the base
// URL, targets under targets/), as a RepositorySource: the one updater
// (lib/tuf/updater.ts) walks it exactly as it walks a local copy, with the
// same limits, and reads only what the client workflow needs. Every file it
// hands over is kept, by its path in the canonical layout, so that the bundle
// carries exactly the bytes that were verified.

export const TUF_URLS = {
  'public-good': 'https://tuf-repo-cdn.sigstore.dev/',
  staging: 'https://tuf-repo-cdn.sigstage.dev/',
} as const;

// Names the updater asks for come partly from unverified metadata (a delegated
// role's name, a target's path): they must stay inside the base URL.
const METADATA_NAME = /^(?:\d+\.)?[A-Za-z0-9_][A-Za-z0-9._-]*\.json$/;
const TARGET_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/;

export interface HttpRepositorySource extends RepositorySource {
  /** The bytes read so far, by canonical path (`metadata/15.root.json`, `targets/HASH.NAME`). */
  readonly fetched: ReadonlyMap<string, Uint8Array>;
}

export function httpRepository(base: URL, http: HttpOptions): HttpRepositorySource {
  const fetched = new Map<string, Uint8Array>();
  const get = async (url: URL, path: string, accept: string, maxBytes: number) => {
    const tooLarge = () => new TufError('TUF_TOO_LARGE', `more than the cap of ${maxBytes} bytes`, { file: url.href });
    // 404: the file is not in the repository (the end of the root chain, or TUF_MISSING_FILE).
    const got = await fetchBytes(url, { accept, maxBytes, allow404: true, tooLarge }, http);
    if (got) fetched.set(path, got.bytes);
    return got?.bytes;
  };
  const metaUrl = (name: string) => new URL(name, base);
  const targetUrl = (hashedName: string) => new URL(`targets/${hashedName}`, base);
  return {
    fetched,
    describeMetadata: (name) => metaUrl(name).href,
    describeTarget: (hashedName) => targetUrl(hashedName).href,
    async readMetadata(name, maxBytes) {
      if (!METADATA_NAME.test(name))
        throw new TufError('TUF_METADATA_MALFORMED', 'unsafe metadata file name', { file: metaUrl(name).href });
      return get(metaUrl(name), `metadata/${name}`, 'application/json', maxBytes);
    },
    async readTarget(hashedName, maxBytes) {
      if (!hashedName.split('/').every((s) => TARGET_SEGMENT.test(s)))
        throw new TufError('TUF_METADATA_MALFORMED', `unsafe target path '${hashedName}'`, { file: base.href });
      return get(targetUrl(hashedName), `targets/${hashedName}`, '*/*', maxBytes);
    },
  };
}
