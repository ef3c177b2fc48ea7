import { compare } from '@renovatebot/pep440';
import { escapeHtml } from './html.ts';
import { besidePath, distPath } from './layout.ts';
import { cmp, type ExportRecord, type RecordFile, type RecordProject } from './record.ts';

// The simple index pages, built from the export record only (pure functions,
// no I/O). JSON: PEP 691 with PEP 700 (size, upload-time, versions), PEP 714
// (core-metadata), PEP 740 (provenance) and PEP 792 (project-status); HTML:
// PEP 503 with the same data as attributes and meta tags.

export const JSON_TYPE = 'application/vnd.pypi.simple.v1+json';
export const HTML_TYPE = 'application/vnd.pypi.simple.v1+html';

// 1.3 is the version that added provenance (PEP 740); 1.4 added project status (PEP 792).
const API_VERSION = '1.3';
const API_VERSION_STATUS = '1.4';

export interface PageOptions {
  /** Absolute URL the export is served at (for PEP 740 provenance URLs). */
  baseUrl?: string;
}

/** PEP 792: a quarantined project's files must not be offered. */
export function offeredFiles(p: RecordProject): RecordFile[] {
  if (p.status?.status === 'quarantined') return [];
  return [...p.files].sort((a, b) => cmp(a.filename, b.filename));
}

function apiVersion(p: RecordProject): string {
  return p.status ? API_VERSION_STATUS : API_VERSION;
}

function versions(files: RecordFile[]): string[] {
  return [...new Set(files.map((f) => f.version))].sort(compare);
}

// URLs relative to simple/PROJECT/ (where both pages of a project live).
function fileUrl(project: string, f: RecordFile): string {
  return `../../${distPath('simple', project, encodeURIComponent(f.filename))}`;
}

function provenanceUrl(project: string, f: RecordFile, opts: PageOptions): string {
  const rel = besidePath('simple', project, encodeURIComponent(f.filename), 'provenance');
  return opts.baseUrl ? `${opts.baseUrl.replace(/\/+$/, '')}/${rel}` : `../../${rel}`;
}

function jsonFile(project: string, f: RecordFile, opts: PageOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {
    filename: f.filename,
    url: fileUrl(project, f),
    hashes: { sha256: f.sha256 },
  };
  if (f.requiresPython !== undefined) out['requires-python'] = f.requiresPython;
  out.size = f.size;
  if (f.uploadTime !== undefined) out['upload-time'] = f.uploadTime;
  out.yanked = f.yanked ?? false;
  // PEP 714: only the new key in JSON (pip before 23.2 fails on the old one there).
  if (f.coreMetadata) out['core-metadata'] = { sha256: f.coreMetadata.sha256 };
  if (f.provenance) out.provenance = provenanceUrl(project, f, opts);
  return out;
}

export function projectJson(p: RecordProject, opts: PageOptions = {}): string {
  const files = offeredFiles(p);
  const page: Record<string, unknown> = {
    meta: { 'api-version': apiVersion(p), '_last-serial': p.serial },
    name: p.name,
  };
  if (p.status) page['project-status'] = { ...p.status };
  page.versions = versions(files);
  page.files = files.map((f) => jsonFile(p.name, f, opts));
  return `${JSON.stringify(page, null, 2)}\n`;
}

function attr(name: string, value: string): string {
  return ` ${name}="${escapeHtml(value)}"`;
}

function htmlAnchor(project: string, f: RecordFile, opts: PageOptions): string {
  let attrs = attr('href', `${fileUrl(project, f)}#sha256=${f.sha256}`);
  if (f.requiresPython !== undefined) attrs += attr('data-requires-python', f.requiresPython);
  if (f.yanked !== undefined && f.yanked !== false) attrs += attr('data-yanked', f.yanked === true ? '' : f.yanked);
  if (f.coreMetadata) {
    // PEP 714: both names in HTML, for clients that only know the PEP 658 one.
    attrs += attr('data-core-metadata', `sha256=${f.coreMetadata.sha256}`);
    attrs += attr('data-dist-info-metadata', `sha256=${f.coreMetadata.sha256}`);
  }
  if (f.provenance) attrs += attr('data-provenance', provenanceUrl(project, f, opts));
  return `    <a${attrs}>${escapeHtml(f.filename)}</a><br>\n`;
}

function htmlPage(title: string, metas: Array<[string, string]>, body: string): string {
  const head = metas.map(([n, c]) => `    <meta${attr('name', n)}${attr('content', c)}>\n`).join('');
  return (
    `<!DOCTYPE html>\n<html>\n  <head>\n${head}    <title>${escapeHtml(title)}</title>\n  </head>\n` +
    `  <body>\n    <h1>${escapeHtml(title)}</h1>\n${body}  </body>\n</html>\n`
  );
}

export function projectHtml(p: RecordProject, opts: PageOptions = {}): string {
  const metas: Array<[string, string]> = [['pypi:repository-version', apiVersion(p)]];
  if (p.status) {
    metas.push(['pypi:project-status', p.status.status]);
    if (p.status.reason !== undefined) metas.push(['pypi:project-status-reason', p.status.reason]);
  }
  const body = offeredFiles(p)
    .map((f) => htmlAnchor(p.name, f, opts))
    .join('');
  return htmlPage(`Links for ${p.name}`, metas, body);
}

function sortedProjects(record: ExportRecord): RecordProject[] {
  return [...record.projects].sort((a, b) => cmp(a.name, b.name));
}

export function rootJson(record: ExportRecord): string {
  const page = {
    meta: { 'api-version': API_VERSION, '_last-serial': record.serial },
    projects: sortedProjects(record).map((p) => ({ name: p.name })),
  };
  return `${JSON.stringify(page, null, 2)}\n`;
}

export function rootHtml(record: ExportRecord): string {
  const body = sortedProjects(record)
    .map((p) => `    <a${attr('href', `${p.name}/`)}>${escapeHtml(p.name)}</a><br>\n`)
    .join('');
  return htmlPage('Simple index', [['pypi:repository-version', API_VERSION]], body);
}

/** `sha256sum -c` format: two spaces, paths relative to the folder SHA256SUMS is in, sorted by bytes. */
export function sha256sums(record: ExportRecord): string {
  const lines: Array<[string, string]> = [];
  for (const p of record.projects) {
    for (const f of p.files) {
      lines.push([distPath('tree', p.name, f.filename), f.sha256]);
      if (f.provenance) lines.push([besidePath('tree', p.name, f.filename, 'provenance'), f.provenance.sha256]);
      if (f.vsa) lines.push([besidePath('tree', p.name, f.filename, 'vsa'), f.vsa.sha256]);
    }
  }
  return lines
    .sort((a, b) => cmp(a[0], b[0]))
    .map(([path, sha]) => `${sha}  ${path}\n`)
    .join('');
}
