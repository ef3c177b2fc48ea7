import { open, stat } from 'node:fs/promises';
import { detectCompression } from './compression.ts';
import { readBundle } from './reader.ts';
import { publishersOf, readCapped, type ProvenanceInfo } from './publishers.ts';
import type { Compression, Manifest, ManifestMember, ReadOptions } from './types.ts';

// `airlock inspect`: what a bundle holds, read once front to back through the
// same reader as verify (so a hostile archive is refused the same way), but
// nothing is verified beyond the archive's own manifest: no signature, no
// provenance, no TUF metadata. Provenance members are parsed only to show the
// publisher they name, which is a claim until `verify` checks it.

export { publishersOf, PROVENANCE_CAP, type Publisher, type ProvenanceInfo } from './publishers.ts';

export const NOT_VERIFIED =
  'NOT VERIFIED: this lists what the archive holds. Member sizes and sha256 were checked against the bundle ' +
  'manifest, but no signature, provenance or TUF metadata was verified ' +
  '(`airlock trust verify` and `airlock attest verify` do that).';

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
    files: {
      filename: string;
      path: string;
      size: number;
      sha256: string;
      coreMetadata: string | null;
      provenance: ProvenanceInfo | null;
      yanked: boolean | string;
      requiresPython: string | null;
    }[];
  }[];
  tuf: Manifest['tuf'] | null;
  members: ManifestMember[];
  totals: { packages: number; files: number; withProvenance: number; members: number; bytes: number };
}

export function buildReport(
  manifest: Manifest,
  provenance: Map<string, ReturnType<typeof publishersOf>>,
  bundle: InspectReport['bundle'],
): InspectReport {
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
      provenance:
        f.provenance === undefined
          ? null
          : { path: f.provenance, ...(provenance.get(f.provenance) ?? { publishers: [], error: 'not read' }) },
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

export async function inspectBundle(
  archivePath: string,
  opts: Pick<ReadOptions, 'caps' | 'onProgress'> = {},
): Promise<InspectReport> {
  const provenance = new Map<string, ReturnType<typeof publishersOf>>();
  const manifest = await readBundle(archivePath, {
    ...opts,
    onMember: async (m, stream) => {
      if (m.role === 'provenance') provenance.set(m.path, publishersOf(await readCapped(stream)));
    },
  });
  // readBundle has opened and checked the file already; these two reads cannot disagree with it in any way that
  // matters.
  const head = Buffer.alloc(8);
  const fh = await open(archivePath, 'r');
  try {
    await fh.read(head, 0, 8, 0);
  } finally {
    await fh.close();
  }
  const bundle = {
    path: archivePath,
    size: (await stat(archivePath)).size,
    compression: detectCompression(head, archivePath),
  };
  return buildReport(manifest, provenance, bundle);
}
