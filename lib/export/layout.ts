import type { ExportFormat } from './types.ts';

// Where each thing goes in the destination, one function per kind, so the
// writer, the page builder and the tests agree.
//
// simple: files/PROJECT/FILE (+ FILE.metadata, FILE.provenance beside it),
//         simple/index.{html,json}, simple/PROJECT/index.{html,json}
// tree:   pool/FILE (+ FILE.provenance, FILE.vsa.json), reports/BUNDLE-REPORT.json, SHA256SUMS

export type Beside = 'metadata' | 'provenance' | 'vsa';

const SUFFIX: Record<Beside, string> = { metadata: '.metadata', provenance: '.provenance', vsa: '.vsa.json' };

export function distPath(format: ExportFormat, project: string, filename: string): string {
  return format === 'simple' ? `files/${project}/${filename}` : `pool/${filename}`;
}

export function besidePath(format: ExportFormat, project: string, filename: string, kind: Beside): string {
  return `${distPath(format, project, filename)}${SUFFIX[kind]}`;
}

/** The kinds of file each format places beside a distribution. */
export function besideKinds(format: ExportFormat): Beside[] {
  return format === 'simple' ? ['metadata', 'provenance'] : ['provenance', 'vsa'];
}

export function projectPages(project: string): { html: string; json: string } {
  return { html: `simple/${project}/index.html`, json: `simple/${project}/index.json` };
}

export const ROOT_PAGES = { html: 'simple/index.html', json: 'simple/index.json' } as const;
export const SHA256SUMS = 'SHA256SUMS';

export function reportPath(bundleSha256: string, reportSha256: string): string {
  return `reports/${bundleSha256}-${reportSha256.slice(0, 16)}.json`;
}

/** Folders where a killed export may have left temporary files, for a given project. */
export function projectFolders(format: ExportFormat, project: string): string[] {
  return format === 'simple' ? [`files/${project}`, `simple/${project}`] : [];
}

export function commonFolders(format: ExportFormat): string[] {
  return format === 'simple' ? ['', 'simple', '.airlock'] : ['', 'pool', 'reports', '.airlock'];
}
