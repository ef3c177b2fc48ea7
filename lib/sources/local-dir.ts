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

/** A file's type, following links; a link to nothing is unreadable, never "absent". */
async function statOf(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const link = await lstat(path).catch(() => undefined);
    if (code === 'ENOENT' && !link) return undefined;
    throw new InputError('INPUT_UNREADABLE', `cannot read (${code ?? errorMessage(e)})`, { file: path, cause: e });
  }
}

async function optional(path: string): Promise<LocalFile | undefined> {
  const st = await statOf(path);
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
    if (!(await statOf(path))?.isFile()) continue;
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
