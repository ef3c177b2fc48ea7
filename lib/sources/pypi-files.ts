import { DigestError, SourceError } from '../errors.ts';
import type { LockEntry } from '../lock/index.ts';
import { CAPS } from '../util/caps.ts';
import { sha256Hex } from '../util/digest.ts';
import type { IndexFile } from './index-page.ts';
import { coreMetadataPath, distPath, provenancePath } from './layout.ts';
import type { IndexSourceOptions } from './pypi.ts';
import type { SelectedFile } from './select.ts';
import { checkProvenanceObject } from './provenance.ts';
import { ensureParent, writeStaged } from './staging.ts';
import { downloadToFile, fetchBytes } from './transfer.ts';
import type { CollectedFile, LocalFile } from './types.ts';

// One selected file from the index: the distribution streamed to the staging
// folder and checked against the index's sha256 and size and the lock's pin,
// then its PEP 740 provenance and PEP 658 core metadata.

const INTEGRITY_ACCEPT = 'application/vnd.pypi.integrity.v1+json, application/json;q=0.5';

/** PyPI's Integrity API, on the index host, for indexes that do not link provenance (PEP 503 pages). */
function integrityUrl(o: Pick<IndexSourceOptions, 'indexUrl'>, name: string, version: string, filename: string): URL {
  const seg = encodeURIComponent;
  return new URL(`/integrity/${seg(name)}/${seg(version)}/${seg(filename)}/provenance`, o.indexUrl);
}

/** A file's provenance (its PEP 740 link, else the Integrity API); undefined when the index has none. */
export async function fetchProvenanceBytes(
  pkg: LockEntry,
  f: IndexFile,
  o: Pick<IndexSourceOptions, 'indexUrl' | 'http'>,
): Promise<{ bytes: Uint8Array; url: URL } | undefined> {
  if (f.provenance === null) return undefined;
  const url = f.provenance ?? integrityUrl(o, pkg.name, pkg.version, f.filename);
  // A 404 means "no provenance for this file"; any other failure is an error.
  const got = await fetchBytes(url, { accept: INTEGRITY_ACCEPT, maxBytes: CAPS.provenance, allow404: true }, o.http);
  if (!got) return undefined;
  checkProvenanceObject(got.bytes, got.url.href);
  return { bytes: got.bytes, url: got.url };
}

async function fetchProvenance(pkg: LockEntry, f: IndexFile, o: IndexSourceOptions): Promise<LocalFile | undefined> {
  const got = await fetchProvenanceBytes(pkg, f, o);
  return got && writeStaged(o.staging, provenancePath(pkg.name, f.filename), got.bytes);
}

async function fetchCoreMetadata(pkg: LockEntry, f: IndexFile, o: IndexSourceOptions): Promise<LocalFile | undefined> {
  // Core metadata is bundled only when the index gives its sha256: an offer
  // without one (`core-metadata: true`, an unknown or malformed hash) could
  // carry anything, so it is left out rather than bundled unchecked.
  if (!f.coreMetadata || f.coreMetadata.sha256 === undefined) return undefined;
  // PEP 658: the metadata lives at the file URL plus `.metadata`.
  const url = new URL(`${f.url.href}.metadata`);
  const got = await fetchBytes(url, { accept: '*/*', maxBytes: CAPS.indexDocument }, o.http);
  const sha = sha256Hex(got!.bytes);
  if (sha !== f.coreMetadata.sha256) {
    throw new DigestError(
      'DIGEST_MISMATCH',
      `core metadata sha256 ${sha} differs from the index's ${f.coreMetadata.sha256}`,
      { file: got!.url.href },
    );
  }
  return writeStaged(o.staging, coreMetadataPath(pkg.name, f.filename), got!.bytes);
}

export async function fetchFile(
  pkg: LockEntry,
  sel: SelectedFile,
  o: IndexSourceOptions,
  signal: AbortSignal,
): Promise<CollectedFile> {
  const f = sel.file;
  const http = { ...o.http, signal };
  const expected = f.sha256 ?? sel.pin;
  if (expected === undefined) {
    // Fail closed: a file nothing can be compared with is not bundled.
    throw new DigestError('DIGEST_MISMATCH', `the index gives no sha256 for ${f.filename} and nothing pins one`, {
      file: f.url.href,
    });
  }
  const dest = await ensureParent(o.staging, distPath(pkg.name, f.filename));
  const size = f.size ?? sel.pinSize;
  const dl = await downloadToFile(
    f.url,
    dest,
    { ...(size !== undefined ? { expectedSize: size } : {}), onBytes: (n) => o.progress?.addDone(n) },
    http,
  );
  if (f.sha256 !== undefined && dl.sha256 !== f.sha256) {
    throw new DigestError('DIGEST_MISMATCH', `downloaded sha256 ${dl.sha256} differs from the index's ${f.sha256}`, {
      file: dl.url.href,
    });
  }
  if (sel.pin !== undefined && dl.sha256 !== sel.pin) {
    throw new SourceError('HASH_PIN_MISMATCH', `downloaded sha256 ${dl.sha256} differs from the pinned ${sel.pin}`, {
      file: dl.url.href,
    });
  }
  const out: CollectedFile = {
    filename: f.filename,
    url: f.url.href,
    localPath: dest,
    sha256: dl.sha256,
    size: dl.size,
  };
  if (f.requiresPython !== undefined) out.requiresPython = f.requiresPython;
  if (f.yanked !== false) out.yanked = f.yanked;
  const prov = await fetchProvenance(pkg, f, { ...o, http });
  if (prov) out.provenance = prov;
  const cm = await fetchCoreMetadata(pkg, f, { ...o, http });
  if (cm) out.coreMetadata = cm;
  return out;
}
