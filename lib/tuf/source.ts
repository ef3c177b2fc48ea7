import { open, readdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { InputError, TufError } from '../errors.ts';
import type { RepositorySource } from './types.ts';

// The one place that reads a TUF copy from disk. Reads are capped: a file
// larger than the cap is refused before it is read whole (TUF_TOO_LARGE), so a
// hostile copy cannot make us buffer gigabytes.

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

async function readCapped(path: string, maxBytes: number, label: string): Promise<Uint8Array | undefined> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new InputError('INPUT_UNREADABLE', `cannot read (${code ?? String(e)})`, { file: label, cause: e });
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new InputError('INPUT_UNREADABLE', 'not a regular file', { file: label });
    if (st.size > maxBytes)
      throw new TufError('TUF_TOO_LARGE', `${st.size} bytes > cap of ${maxBytes}`, { file: label });
    // Read one byte past the cap so a file that grows after stat() is still caught.
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let off = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, off, buf.length - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
      if (off === buf.length) break;
    }
    if (off > maxBytes) throw new TufError('TUF_TOO_LARGE', `more than the cap of ${maxBytes} bytes`, { file: label });
    return new Uint8Array(buf.buffer, buf.byteOffset, off);
  } catch (e) {
    if (e instanceof InputError || e instanceof TufError) throw e;
    throw new InputError('INPUT_UNREADABLE', `cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, {
      file: label,
      cause: e,
    });
  } finally {
    await fh.close();
  }
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
  if ((await isDir(join(dir, 'metadata'))) && looksLikeMetadata(await list(join(dir, 'metadata')))) {
    layout = 'canonical';
    metaDir = join(dir, 'metadata');
  } else if (looksLikeMetadata(await list(dir))) {
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
