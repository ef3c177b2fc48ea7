import { collisionKey } from '../bundle/paths.ts';
import { ExportError } from '../errors.ts';
import { Conflicts, merge, nextRecord } from './merge.ts';
import { sha256Hex } from '../util/digest.ts';
import { hashSource, probe } from './fs.ts';
import { type Beside, besideKinds, besidePath, distPath, reportPath } from './layout.ts';
import { checkFileName, checkProjectName, checkSha256 } from './names.ts';
import { cmp, emptyRecord, type Blob, type ExportRecord, type RecordFile, type RecordProject } from './record.ts';
import type { ExportFile, ExportFormat, ExportInput, ExportSummary, ProjectStatus } from './types.ts';

// Decides everything before anything is written: which files to place, which
// are already there, and whether any name is taken by other content. A
// conflict anywhere refuses the whole export, so DIR is left as it was.

export interface Placement {
  rel: string;
  /** A checked file on disk, or the bytes to write (the report). */
  source: { path: string } | { text: string };
  blob: Blob;
}

export interface Plan {
  prior: ExportRecord;
  record: ExportRecord;
  placements: Placement[];
  kept: string[];
  refused: ExportSummary['refused'];
  carriedUnverified: ExportSummary['carriedUnverified'];
  /** Projects whose pages this export (re)builds. */
  projects: string[];
}

const UPLOAD_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;

function checkInputFile(f: ExportFile): void {
  checkFileName(f.project, f.filename);
  checkSha256(f.sha256, f.filename);
  if (!Number.isSafeInteger(f.size) || f.size < 0)
    throw new ExportError('EXPORT_UNSAFE_NAME', 'size is not a non-negative integer', { file: f.filename });
}

function statusOf(input: ExportInput, prior: ExportRecord): Map<string, ProjectStatus | undefined> {
  const out = new Map<string, ProjectStatus | undefined>();
  for (const p of prior.projects) out.set(p.name, p.status);
  for (const p of input.projects) {
    checkProjectName(p.name);
    // A bundle without a status for a project says nothing new about it.
    if (p.status) out.set(p.name, p.status.reason === undefined ? { status: p.status.status } : { ...p.status });
  }
  return out;
}

function besideSource(f: ExportFile, kind: Beside): string | undefined {
  return kind === 'metadata' ? f.coreMetadata : kind === 'provenance' ? f.provenance : f.vsa;
}

async function recordFileOf(f: ExportFile, format: ExportFormat): Promise<RecordFile> {
  const r: RecordFile = { filename: f.filename, version: f.version, sha256: f.sha256, size: f.size };
  if (f.requiresPython) r.requiresPython = f.requiresPython.value;
  if (f.yanked && f.yanked.value !== false) r.yanked = f.yanked.value;
  if (f.uploadTime && UPLOAD_TIME.test(f.uploadTime.value)) r.uploadTime = f.uploadTime.value;
  for (const kind of besideKinds(format)) {
    const src = besideSource(f, kind);
    if (src !== undefined) {
      const blob = await hashSource(src);
      if (kind === 'metadata') r.coreMetadata = blob;
      else if (kind === 'provenance') r.provenance = blob;
      else r.vsa = blob;
    }
  }
  return r;
}

function carried(f: ExportFile): string[] {
  const fields: string[] = [];
  if (f.requiresPython && !f.requiresPython.verified) fields.push('requires-python');
  if (f.yanked) fields.push('yanked');
  // An upload time not in PEP 700's format is left out of the pages, so it is not reported as carried.
  if (f.uploadTime && UPLOAD_TIME.test(f.uploadTime.value)) fields.push('upload-time');
  return fields;
}

export async function buildPlan(
  dir: string,
  input: ExportInput,
  prior: ExportRecord | undefined,
  format: ExportFormat,
): Promise<Plan> {
  const base = prior ?? emptyRecord(format);
  if (base.layout !== format)
    throw new ExportError('EXPORT_CONFLICT', `holds a ${base.layout} export, not ${format}; nothing was changed`, {
      file: dir,
    });
  checkSha256(input.bundleSha256, 'bundleSha256');
  const status = statusOf(input, base);
  const projects = new Map<string, RecordProject>(base.projects.map((p) => [p.name, { ...p, files: [...p.files] }]));
  const c = new Conflicts();
  const plan: Plan = {
    prior: base,
    record: base,
    placements: [],
    kept: [],
    refused: [],
    carriedUnverified: [],
    projects: [],
  };
  const wanted = new Map<string, Placement>();
  const files = [...input.files].sort((a, b) => cmp(a.project, b.project) || cmp(a.filename, b.filename));
  for (const f of files) checkInputFile(f);
  // A project named without files, status or earlier export (all its files refused) gets no empty page.
  const named = input.projects.filter((p) => p.status !== undefined || projects.has(p.name)).map((p) => p.name);
  const touched = new Set<string>([...named, ...files.map((f) => f.project)]);

  for (const f of files) {
    if (status.get(f.project)?.status === 'quarantined') {
      plan.refused.push({
        project: f.project,
        filename: f.filename,
        code: 'PROJECT_QUARANTINED',
        message: 'the project is quarantined (PEP 792): its files are not offered',
      });
      continue;
    }
    const next = await recordFileOf(f, format);
    const fields = carried(f);
    if (fields.length) plan.carriedUnverified.push({ project: f.project, filename: f.filename, fields });
    const proj = projects.get(f.project) ?? { name: f.project, serial: 0, files: [] };
    const idx = proj.files.findIndex((x) => x.filename === f.filename);
    const rel = (k: Beside) => besidePath(format, f.project, f.filename, k);
    const merged = merge(idx >= 0 ? proj.files[idx] : undefined, next, distPath(format, f.project, f.filename), rel, c);
    if (idx >= 0) proj.files[idx] = merged;
    else proj.files.push(merged);
    projects.set(f.project, proj);
    const want = (r: string, path: string | undefined, blob: Blob | undefined) => {
      if (path === undefined || blob === undefined) return;
      const had = wanted.get(r);
      if (had && had.blob.sha256 !== blob.sha256) c.add(r, `two files to export share this name`);
      wanted.set(r, { rel: r, source: { path }, blob });
    };
    want(distPath(format, f.project, f.filename), f.source, { sha256: f.sha256, size: f.size });
    want(rel('metadata'), f.coreMetadata, format === 'simple' ? next.coreMetadata : undefined);
    want(rel('provenance'), f.provenance, next.provenance);
    want(rel('vsa'), f.vsa, format === 'tree' ? next.vsa : undefined);
  }

  let reports = base.reports;
  if (format === 'tree') {
    const text = `${JSON.stringify(input.report, null, 2)}\n`;
    const blob = { sha256: sha256Hex(text), size: Buffer.byteLength(text) };
    const r = reportPath(input.bundleSha256, blob.sha256);
    wanted.set(r, { rel: r, source: { text }, blob });
    if (!reports.includes(r)) reports = [...reports, r];
  }

  for (const p of status.keys()) {
    if (!touched.has(p)) continue;
    const proj = projects.get(p) ?? { name: p, serial: 0, files: [] };
    const st = status.get(p);
    if (st) proj.status = st;
    projects.set(p, proj);
  }

  const keys = new Map<string, string>();
  for (const p of projects.values())
    for (const f of p.files) {
      for (const r of [distPath(format, p.name, f.filename)]) {
        const k = collisionKey(r);
        const other = keys.get(k);
        if (other !== undefined && other !== r) c.add(r, `collides with ${other} on case-insensitive file systems`);
        keys.set(k, r);
      }
    }

  for (const w of [...wanted.values()].sort((a, b) => cmp(a.rel, b.rel))) {
    const now = await probe(dir, w.rel);
    if (now.kind === 'missing') plan.placements.push(w);
    else if (now.sha256 === w.blob.sha256 && now.size === w.blob.size) plan.kept.push(w.rel);
    else c.add(w.rel, `already there with sha256 ${now.sha256}, this export has ${w.blob.sha256}`);
  }
  c.throwIfAny();

  plan.record = nextRecord(base, [...projects.values()], reports, touched);
  plan.projects = [...touched].sort(cmp);
  return plan;
}
