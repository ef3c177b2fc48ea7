import { InputError, SourceError } from '../errors.ts';
import { CAPS } from '../util/caps.ts';
import { parseDistFilename } from '../dist/index.ts';
import type { LockEntry } from '../lock/index.ts';
import type { HttpOptions } from './http.ts';
import { ACCEPT, parseProjectPage, type ProjectPage } from './index-page.ts';
import { indexPagePath, safeSegment } from './layout.ts';
import { fetchFile } from './pypi-files.ts';
import { runPool } from './pool.ts';
import { selectFiles, type FileFilters, type SelectedFile } from './select.ts';
import { writeStaged } from './staging.ts';
import { fetchBytes } from './transfer.ts';
import type { CollectedPackage, ProgressSink } from './types.ts';

// The package-index source: project pages (PEP 691/503), distributions, PEP 658
// core metadata and PEP 740 provenance (PEP 740 link or PyPI's Integrity API),
// all downloaded into the staging folder and checked on the way.

export interface IndexSourceOptions {
  indexUrl: URL;
  staging: string;
  jobs: number;
  http: HttpOptions;
  filters?: FileFilters;
  progress?: ProgressSink;
}

export async function fetchPage(
  name: string,
  o: Pick<IndexSourceOptions, 'indexUrl' | 'http'>,
): Promise<{ page: ProjectPage; bytes: Uint8Array }> {
  const url = new URL(`${name}/`, o.indexUrl);
  const got = await fetchBytes(url, { accept: ACCEPT, maxBytes: CAPS.indexPage, allow404: true }, o.http);
  if (!got) throw new SourceError('NOT_FOUND', `project ${name} is not on the index`, { file: url.href });
  return { page: parseProjectPage(got.bytes, got.contentType, got.url), bytes: got.bytes };
}

export function checkBelongs(entry: LockEntry, sel: SelectedFile, pageUrl: string): void {
  safeSegment(sel.file.filename, pageUrl);
  let name: string;
  try {
    name = parseDistFilename(sel.file.filename).name;
  } catch (e) {
    throw new SourceError('NOT_FOUND', `${sel.file.filename} is not a wheel or sdist file name`, {
      file: entry.file,
      field: entry.field,
      cause: e,
    });
  }
  if (name !== entry.name)
    throw new SourceError('NOT_FOUND', `${sel.file.filename} is not a file of ${entry.name}`, {
      file: entry.file,
      field: entry.field,
    });
}

/** Collects every entry from the index into the staging folder. */
export async function collectFromIndex(entries: LockEntry[], o: IndexSourceOptions): Promise<CollectedPackage[]> {
  const names = [...new Set(entries.map((e) => e.name))].sort();
  const pages = new Map<string, { page: ProjectPage; bytes: Uint8Array }>();
  await runPool(
    names,
    o.jobs,
    async (name, signal) => {
      pages.set(name, await fetchPage(name, { ...o, http: { ...o.http, signal } }));
    },
    o.http.signal,
  );

  const work: Array<{ entry: LockEntry; sel: SelectedFile }> = [];
  for (const entry of entries) {
    const page = pages.get(entry.name)!;
    for (const sel of selectFiles(entry, page.page.files, o.filters)) {
      checkBelongs(entry, sel, new URL(`${entry.name}/`, o.indexUrl).href);
      if (work.some((w) => w.sel.file.filename === sel.file.filename)) {
        throw new InputError('LOCK_INVALID', `${sel.file.filename} is selected twice`, {
          file: entry.file,
          field: entry.field,
        });
      }
      work.push({ entry, sel });
      o.progress?.addTotal(sel.file.size ?? sel.pinSize ?? 0);
    }
  }
  const files = await runPool(work, o.jobs, (w, signal) => fetchFile(w.entry, w.sel, o, signal), o.http.signal);

  const out: CollectedPackage[] = [];
  for (const entry of entries) {
    const { page, bytes } = pages.get(entry.name)!;
    const pkg: CollectedPackage = {
      name: entry.name,
      version: entry.version,
      files: files.filter((_, i) => work[i]!.entry === entry),
    };
    // One copy of the page per project, even when a lock names two releases of it.
    if (page.format === 'json' && !out.some((p) => p.name === entry.name))
      pkg.indexPage = await writeStaged(o.staging, indexPagePath(entry.name), bytes);
    out.push(pkg);
  }
  return out;
}
