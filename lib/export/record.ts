import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExportError, InputError, errorMessage } from '../errors.ts';
import { validateSchema } from '../schemas.ts';
import { parseJson } from '../util/json.ts';
import type { ExportFormat, ProjectStatus } from './types.ts';

// airlock's own record of what it exported into a folder. Pages are rebuilt
// from it, never by parsing pages back; it is written (atomically) after the
// files it lists are in place and before any page that lists them.

export const RECORD_DIR = '.airlock';
export const RECORD_PATH = `${RECORD_DIR}/exported.json`;

export interface Blob {
  sha256: string;
  size: number;
}

export interface RecordFile {
  filename: string;
  version: string;
  sha256: string;
  size: number;
  requiresPython?: string;
  yanked?: boolean | string;
  uploadTime?: string;
  coreMetadata?: Blob;
  provenance?: Blob;
  vsa?: Blob;
}

export interface RecordProject {
  name: string;
  /** The destination serial at which this project's pages last changed. */
  serial: number;
  status?: ProjectStatus;
  files: RecordFile[];
}

export interface ExportRecord {
  format: 'airlock-export';
  formatVersion: 1;
  layout: ExportFormat;
  serial: number;
  projects: RecordProject[];
  reports: string[];
}

export function emptyRecord(layout: ExportFormat): ExportRecord {
  return { format: 'airlock-export', formatVersion: 1, layout, serial: 0, projects: [], reports: [] };
}

/** Reads the record of `dir`, or undefined when there is none yet. */
export async function readRecord(dir: string): Promise<ExportRecord | undefined> {
  const file = join(dir, RECORD_PATH);
  const st = await lstat(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new InputError('INPUT_UNREADABLE', `cannot read (${e.code ?? errorMessage(e)})`, { file, cause: e });
  });
  if (st === undefined) return undefined;
  if (!st.isFile()) throw new ExportError('EXPORT_UNSAFE_DIR', 'not a regular file', { file });
  const bytes = await readFile(file).catch((e: unknown) => {
    throw new InputError('INPUT_UNREADABLE', `cannot read (${errorMessage(e)})`, { file, cause: e });
  });
  return validateSchema<ExportRecord>('export-record', parseJson(bytes, file), file);
}

/** Canonical bytes: sorted, so the same content is always the same file. */
export function serializeRecord(record: ExportRecord): string {
  const projects = [...record.projects]
    .sort((a, b) => cmp(a.name, b.name))
    .map((p) => ({ ...p, files: [...p.files].sort((a, b) => cmp(a.filename, b.filename)) }));
  return `${JSON.stringify({ ...record, projects, reports: [...record.reports].sort(cmp) }, null, 2)}\n`;
}

export function cmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
