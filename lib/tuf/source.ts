import { readdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { InputError, TufError } from '../errors.ts';
import { readUserFileIfExists } from '../util/read.ts';
import type { RepositorySource } from './types.ts';

// A TUF copy on disk, as a RepositorySource (lib/sources/tuf-http.ts is the
// other one). Reads are capped: a file larger than the cap is refused before
// it is read whole (TUF_TOO_LARGE), so a hostile copy cannot make us buffer
// gigabytes.

const METADATA_NAME = /^(?:\d+\.)?[A-Za-z0-9._-]+\.json$/;

/** A RepositorySource that can also list its metadata, so the updater can find gaps in the root chain. */
export interface LocalRepositorySource extends RepositorySource {
  readonly dir: string;
  readonly layout: 'canonical' | 'cdn';
  listMetadata(): Promise<string[]>;
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

function looksLikeMetadata(names: string[]): boolean {
  return names.some((n) => /^(\d+\.)?(root|timestamp)\.json$/.test(n));
}

// A copy's files are read by the one reader: no symbolic links (a copy never
// needs one), only regular files (a FIFO named 16.root.json is refused at
// once), bounded by the role's cap.
function readCapped(path: string, maxBytes: number, label: string): Promise<Uint8Array | undefined> {
  return readUserFileIfExists(path, {
    cap: maxBytes,
    label,
    noFollow: true,
    tooLarge: (size) =>
      new TufError(
        'TUF_TOO_LARGE',
        size === undefined ? `more than the cap of ${maxBytes} bytes` : `${size} bytes > cap of ${maxBytes}`,
        { file: label },
      ),
  });
}

function safeRelative(name: string): boolean {
  return (
    name !== '' &&
    !name.startsWith('/') &&
    !name.includes('\\') &&
    name.split('/').every((s) => s !== '' && s !== '.' && s !== '..')
  );
}

/**
 * Opens a local copy: `DIR/metadata/` + `DIR/targets/` (the canonical layout,
 * as airlock bundles and the fixtures keep it), or the CDN layout (metadata at
 * the top of DIR, targets in `DIR/targets/`).
 */
export async function openLocalRepository(dir: string): Promise<LocalRepositorySource> {
  if (!(await isDir(dir))) {
    const exists = await stat(dir).then(
      () => true,
      () => false,
    );
    if (!exists) throw new InputError('INPUT_UNREADABLE', 'no such folder', { file: dir });
    throw new TufError('TUF_NOT_A_REPOSITORY', 'not a folder', { file: dir });
  }
  const list = async (p: string): Promise<string[]> => {
    try {
      return await readdir(p);
    } catch (e) {
      throw new InputError('INPUT_UNREADABLE', `cannot list (${(e as NodeJS.ErrnoException).code ?? String(e)})`, {
        file: p,
        cause: e,
      });
    }
  };
  let layout: 'canonical' | 'cdn';
  let metaDir: string;
  const canonical = (await isDir(join(dir, 'metadata'))) && looksLikeMetadata(await list(join(dir, 'metadata')));
  const cdn = looksLikeMetadata(await list(dir));
  if (canonical && cdn) {
    // Which roots count would depend on the layout picked: refuse rather than guess.
    throw new TufError(
      'TUF_NOT_A_REPOSITORY',
      'TUF metadata both in metadata/ and at the top of the folder: ambiguous layout, keep one',
      { file: dir },
    );
  } else if (canonical) {
    layout = 'canonical';
    metaDir = join(dir, 'metadata');
  } else if (cdn) {
    layout = 'cdn';
    metaDir = dir;
  } else {
    throw new TufError(
      'TUF_NOT_A_REPOSITORY',
      'no TUF metadata (N.root.json or timestamp.json) in metadata/ or at the top of the folder',
      { file: dir },
    );
  }
  const targetsDir = join(dir, 'targets');
  // Messages name files relative to the folder the user gave, whatever the layout.
  const metaPrefix = layout === 'canonical' ? 'metadata/' : '';
  return {
    dir,
    layout,
    async listMetadata() {
      return (await list(metaDir)).filter((n) => METADATA_NAME.test(n)).sort();
    },
    describeMetadata: (name) => `${metaPrefix}${name}`,
    describeTarget: (hashedName) => posix.join('targets', hashedName),
    async readMetadata(name, maxBytes) {
      if (!METADATA_NAME.test(name))
        throw new TufError('TUF_METADATA_MALFORMED', 'unsafe metadata file name', { file: `${metaPrefix}${name}` });
      return readCapped(join(metaDir, name), maxBytes, `${metaPrefix}${name}`);
    },
    async readTarget(hashedName, maxBytes) {
      const label = posix.join('targets', hashedName);
      if (!safeRelative(hashedName))
        throw new TufError('TUF_METADATA_MALFORMED', 'unsafe target path', { file: label });
      return readCapped(join(targetsDir, ...hashedName.split('/')), maxBytes, label);
    },
  };
}
