import type { Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, errorMessage } from '../errors.ts';
import { parseDistFilename } from '../dist/index.ts';
import { sha256File } from '../util/digest.ts';
import { CAPS } from '../util/caps.ts';
import { readUserFile } from '../util/read.ts';
import { checkProvenanceObject } from './provenance.ts';
import { safeSegment } from './layout.ts';
import type { CollectedFile, CollectedPackage, LocalFile } from './types.ts';

// --from-dir: a folder of distributions, each with its PEP 740 provenance
// object beside it as FILE.provenance (and optionally PEP 658 core metadata as
// FILE.metadata). Files are hashed in place and bundled from there.

const DIST = /\.(whl|tar\.gz|zip)$/;

/**
 * The entry's type, following symbolic links; undefined only when nothing has
 * that name. A name that exists but cannot be followed (a dangling symlink, no
 * permission) is an error, never read as absent: a provenance would be skipped.
 */
async function entryStat(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (e) {
    const exists = await lstat(path).then(
      () => true,
      () => false,
    );
    if (!exists && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    const why = exists && (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'dangling symbolic link' : 'cannot read';
    throw new InputError('INPUT_UNREADABLE', `${why} (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`, {
      file: path,
      cause: e,
    });
  }
}

async function optional(path: string): Promise<LocalFile | undefined> {
  const st = await entryStat(path);
  if (!st) return undefined;
  if (!st.isFile()) throw new InputError('INPUT_UNREADABLE', 'not a regular file', { file: path });
  return { localPath: path, ...(await sha256File(path)) };
}

async function checkProvenance(path: string): Promise<void> {
  const cap = CAPS.provenance;
  const bytes = await readUserFile(path, {
    cap,
    tooLarge: () => new InputError('INPUT_UNREADABLE', `provenance larger than ${cap} bytes`, { file: path }),
  });
  checkProvenanceObject(bytes, path);
}

export async function collectFromDir(dir: string): Promise<CollectedPackage[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (e) {
    throw new InputError('INPUT_UNREADABLE', `cannot list (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`, {
      file: dir,
      cause: e,
    });
  }
  const byRelease = new Map<string, CollectedPackage>();
  for (const filename of names.filter((n) => DIST.test(n))) {
    const path = join(dir, filename);
    const st = await entryStat(path);
    if (st === undefined)
      throw new InputError('INPUT_UNREADABLE', 'disappeared while the folder was read', { file: path });
    if (!st.isFile()) continue;
    safeSegment(filename, dir);
    const d = parseDistFilename(filename);
    const file: CollectedFile = { filename, localPath: path, ...(await sha256File(path)) };
    const prov = await optional(`${path}.provenance`);
    if (prov) {
      await checkProvenance(prov.localPath);
      file.provenance = prov;
    }
    const cm = await optional(`${path}.metadata`);
    if (cm) file.coreMetadata = cm;
    const key = `${d.name}==${d.version}`;
    const pkg = byRelease.get(key) ?? { name: d.name, version: d.version, files: [] };
    pkg.files.push(file);
    byRelease.set(key, pkg);
  }
  if (byRelease.size === 0)
    throw new InputError('INPUT_UNREADABLE', 'no wheels or sdists (.whl, .tar.gz, .zip) in the folder', { file: dir });
  return [...byRelease.values()];
}
