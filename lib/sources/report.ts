import { esc } from '../util/text.ts';
import type { Manifest } from '../bundle/types.ts';

// What `airlock bundle` tells the user: the --json report
// (schemas/bundle-report.schema.json) and the text summary made from it.

export type BundleReport = ReturnType<typeof bundleReport>;

export function bundleReport(output: string, m: Manifest, sha256: string, size: number) {
  const tuf = m.tuf;
  return {
    ok: true,
    output,
    sha256,
    size,
    createdAt: m.createdAt,
    packages: m.packages.map((p) => ({
      name: p.name,
      version: p.version,
      files: p.files.map((f) => ({
        filename: f.filename,
        sha256: f.sha256,
        size: f.size,
        provenance: f.provenance !== undefined,
        coreMetadata: f.coreMetadata !== undefined,
      })),
    })),
    ...(tuf
      ? {
          tuf: {
            ...(tuf.instance ? { instance: tuf.instance } : {}),
            pinnedRoot: tuf.pinnedRoot,
            rootVersion: tuf.rootVersion,
            timestamp: tuf.timestamp,
            snapshot: tuf.snapshot,
            targets: tuf.targets,
            files: m.members.filter((x) => x.role === 'tuf-metadata' || x.role === 'tuf-target').length,
          },
        }
      : {}),
    members: m.members.length,
  };
}

export function reportText(r: BundleReport): string {
  const lines = [esc`wrote ${r.output} (${r.size} bytes, sha256 ${r.sha256})`];
  for (const p of r.packages) {
    for (const f of p.files) {
      const parts = `${f.provenance ? ' + provenance' : ' (no provenance)'}${f.coreMetadata ? ' + metadata' : ''}`;
      lines.push(esc`  ${p.name} ${p.version}: ${f.filename}${parts}`);
    }
  }
  if (r.tuf)
    lines.push(
      esc`  TUF: root v${r.tuf.rootVersion}, timestamp v${r.tuf.timestamp.version}, snapshot ` +
        esc`v${r.tuf.snapshot.version}, targets v${r.tuf.targets.version} (${r.tuf.files} files, verified at ` +
        esc`${r.createdAt})`,
    );
  return lines.join('\n');
}
