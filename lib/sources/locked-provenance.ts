import { InternalError } from '../errors.ts';
import type { LockEntry } from '../lock/index.ts';
import type { HttpOptions } from './http.ts';
import { checkBelongs, fetchPage } from './pypi.ts';
import { fetchProvenanceBytes } from './pypi-files.ts';
import { runPool } from './pool.ts';
import { selectFiles } from './select.ts';

// The provenance of a lock's files, fetched exactly as `bundle` fetches it
// (project page, the lock's files selected and checked against the page, then
// each file's PEP 740 link or the Integrity API), without downloading the
// distributions: `lock annotate` verifies each provenance against the digest
// the lock pins, which selectFiles has compared with the index's.

export interface LockedFileProvenance {
  entry: LockEntry;
  filename: string;
  /** The lock's sha256 of the file. */
  sha256: string;
  /** undefined: the index has no provenance for the file. */
  provenance?: { bytes: Uint8Array; url: URL };
}

export async function fetchLockedProvenance(
  entries: readonly LockEntry[],
  o: { indexUrl: URL; jobs: number; http: HttpOptions },
): Promise<LockedFileProvenance[]> {
  const names = [...new Set(entries.map((e) => e.name))].sort();
  const pages = new Map(
    await runPool(
      names,
      o.jobs,
      async (name, signal) => [name, (await fetchPage(name, { ...o, http: { ...o.http, signal } })).page] as const,
      o.http.signal,
    ),
  );
  const work = entries.flatMap((entry) =>
    selectFiles(entry, pages.get(entry.name)!.files).map((sel) => {
      checkBelongs(entry, sel, new URL(`${entry.name}/`, o.indexUrl).href);
      return { entry, sel };
    }),
  );
  return runPool(
    work,
    o.jobs,
    async ({ entry, sel }, signal) => {
      const provenance = await fetchProvenanceBytes(entry, sel.file, { ...o, http: { ...o.http, signal } });
      // A lock's files are always pinned (pylock.toml `hashes.sha256`): the digest the provenance must be about.
      if (sel.pin === undefined) throw new InternalError(`${sel.file.filename} was selected without a pin`);
      const out: LockedFileProvenance = { entry, filename: sel.file.filename, sha256: sel.pin };
      if (provenance) out.provenance = provenance;
      return out;
    },
    o.http.signal,
  );
}
