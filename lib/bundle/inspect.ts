import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { detectCompression } from './compression.ts';
import { readBundle } from './reader.ts';
import type { Compression, Manifest, ManifestMember, ReadCaps } from './types.ts';

// `airlock inspect`: what a bundle holds, read once front to back through the
// same reader as verify (so a hostile archive is refused the same way), but
// nothing is verified beyond the archive's own manifest: no signature, no
// provenance, no TUF metadata. Provenance members are parsed only to show the
// publisher they name, which is a claim until `verify` checks it.

/** Provenance objects are a few KiB; anything far larger is not read. */
export const PROVENANCE_CAP = 4 * 1024 * 1024;

export const NOT_VERIFIED =
  'NOT VERIFIED: this lists what the archive holds. Member sizes and sha256 were checked against the bundle manifest, ' +
  'but no signature, provenance or TUF metadata was verified; run `airlock verify` for that.';

export type Publisher = Record<string, string | null>;

export interface ProvenanceInfo {
  path: string;
  /** The publisher each attestation bundle names (PEP 740 `attestation_bundles[].publisher`), unverified. */
  publishers: Publisher[];
  /** Why the publishers could not be read, when they could not. */
  error?: string;
}

export interface InspectReport {
  ok: true;
  verified: false;
  note: string;
  bundle: { path: string; size: number; compression: Compression };
  format: Manifest['format'];
  formatVersion: Manifest['formatVersion'];
  createdAt: string;
  tool: Manifest['tool'];
  sources: Manifest['sources'];
  packages: {
    name: string;
    version: string;
    indexPage: string | null;
    files: { filename: string; path: string; size: number; sha256: string; coreMetadata: string | null; provenance: ProvenanceInfo | null; yanked: boolean | string; requiresPython: string | null }[];
  }[];
  tuf: Manifest['tuf'] | null;
  members: ManifestMember[];
  totals: { packages: number; files: number; withProvenance: number; members: number; bytes: number };
}

/** Collects the publishers a provenance object names; never fails, a bad object gives `error`. */
export function publishersOf(bytes: Buffer | undefined): { publishers: Publisher[]; error?: string } {
  if (bytes === undefined) return { publishers: [], error: `larger than ${PROVENANCE_CAP} bytes, not read` };
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { publishers: [], error: 'not valid JSON' };
  }
  const bundles = (doc as { attestation_bundles?: unknown })?.attestation_bundles;
  if (!Array.isArray(bundles)) return { publishers: [], error: 'no attestation_bundles list' };
  const publishers: Publisher[] = [];
  for (const b of bundles) {
    const p = (b as { publisher?: unknown })?.publisher;
    if (p === null || typeof p !== 'object' || typeof (p as { kind?: unknown }).kind !== 'string') continue;
    const clean: Publisher = {};
    for (const [k, v] of Object.entries(p)) if (typeof v === 'string' || v === null) clean[k] = v;
    publishers.push(clean);
  }
  return publishers.length ? { publishers } : { publishers, error: 'no publisher named' };
}

async function readCapped(stream: Readable): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  let n = 0;
  // Read to the end in every case: the reader checks the member's digest at its end.
  for await (const chunk of stream) {
    n += (chunk as Buffer).length;
    if (n <= PROVENANCE_CAP) parts.push(chunk as Buffer);
  }
  return n <= PROVENANCE_CAP ? Buffer.concat(parts) : undefined;
}

export function buildReport(manifest: Manifest, provenance: Map<string, ReturnType<typeof publishersOf>>, bundle: InspectReport['bundle']): InspectReport {
  const packages = manifest.packages.map((p) => ({
    name: p.name,
    version: p.version,
    indexPage: p.indexPage ?? null,
    files: p.files.map((f) => ({
      filename: f.filename,
      path: f.path,
      size: f.size,
      sha256: f.sha256,
      coreMetadata: f.coreMetadata ?? null,
      provenance: f.provenance === undefined ? null : { path: f.provenance, ...(provenance.get(f.provenance) ?? { publishers: [], error: 'not read' }) },
      yanked: f.yanked ?? false,
      requiresPython: f.requiresPython ?? null,
    })),
  }));
  const files = packages.flatMap((p) => p.files);
  return {
    ok: true,
    verified: false,
    note: NOT_VERIFIED,
    bundle,
    format: manifest.format,
    formatVersion: manifest.formatVersion,
    createdAt: manifest.createdAt,
    tool: manifest.tool,
    sources: manifest.sources,
    packages,
    tuf: manifest.tuf ?? null,
    members: manifest.members,
    totals: {
      packages: packages.length,
      files: files.length,
      withProvenance: files.filter((f) => f.provenance !== null).length,
      members: manifest.members.length,
      bytes: manifest.members.reduce((n, m) => n + m.size, 0),
    },
  };
}

export async function inspectBundle(archivePath: string, opts: { caps?: ReadCaps } = {}): Promise<InspectReport> {
  const provenance = new Map<string, ReturnType<typeof publishersOf>>();
  const manifest = await readBundle(archivePath, {
    ...(opts.caps ? { caps: opts.caps } : {}),
    onMember: async (m, stream) => {
      if (m.role === 'provenance') provenance.set(m.path, publishersOf(await readCapped(stream)));
    },
  });
  // readBundle has opened and checked the file already; these two reads cannot disagree with it in any way that matters.
  const head = Buffer.alloc(8);
  const fh = await open(archivePath, 'r');
  try {
    await fh.read(head, 0, 8, 0);
  } finally {
    await fh.close();
  }
  const bundle = { path: archivePath, size: (await stat(archivePath)).size, compression: detectCompression(head, archivePath) };
  return buildReport(manifest, provenance, bundle);
}
