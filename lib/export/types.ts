// The input of lib/export: what verification accepted, with the checked
// copies on disk to take the bytes from. lib/export never reads an archive and
// never decides trust: it only places what it is given, fail-closed (every
// byte it copies is hashed again against the sha256 verification accepted).

/** A value taken from an unauthenticated index page: exported as carried, and reported so. */
export interface Carried<T> {
  value: T;
  verified: false;
}

export interface ExportFile {
  /** PEP 503 normalised project name. */
  project: string;
  version: string;
  filename: string;
  sha256: string;
  size: number;
  /** The checked copy on disk (the reader's extraction), never the archive. */
  source: string;
  /** Path of the verified PEP 740 provenance object, re-served beside the file. */
  provenance?: string;
  /** Path of the core metadata file, only when it is byte-equal to the verified wheel's METADATA. */
  coreMetadata?: string;
  requiresPython?: { value: string; verified: boolean };
  yanked?: Carried<boolean | string>;
  uploadTime?: Carried<string>;
  /** Path of the verification summary attestation (tree format: FILE.vsa.json). */
  vsa?: string;
}

export interface ProjectStatus {
  /** PEP 792: active, archived, quarantined or deprecated. */
  status: string;
  reason?: string;
}

export interface ExportInput {
  files: ExportFile[];
  /** PEP 792 status per project, carried from the bundle's index pages when it has one. */
  projects: Array<{ name: string; status?: ProjectStatus }>;
  /** The verify JSON report; the tree format keeps it under reports/. */
  report: unknown;
  /** sha256 of the bundle archive: names the report kept for this export. */
  bundleSha256: string;
}

export type ExportFormat = 'simple' | 'tree';

export interface ExportOptions {
  format?: ExportFormat;
  /** Absolute base URL the export is served at: provenance URLs are made absolute from it (PEP 740 asks for that). */
  baseUrl?: string;
  /** Passed to the folder lock (lib/util/lock.ts). */
  lockWaitMs?: number;
  onLockReclaim?: (stale: { pid: number; host: string }, file: string) => void;
  onProgress?: (done: number, total: number) => void;
  /**
   * Called at each step that changes the destination (tests kill the process
   * here to prove a crash at any point leaves a consistent repository).
   */
  onStep?: (step: string) => void;
}

export interface FileRef {
  project: string;
  filename: string;
}

export interface ExportSummary {
  ok: true;
  format: ExportFormat;
  dir: string;
  /** Files (distributions and the files beside them) written by this export. */
  added: string[];
  /** Files already there with the same sha256: kept as they were (same bytes, same mtime). */
  kept: string[];
  /** Distributions not exported, with why (PEP 792 quarantine). */
  refused: Array<FileRef & { code: string; message: string }>;
  /** Index fields exported as carried from the bundle's index pages, unauthenticated. */
  carriedUnverified: Array<FileRef & { fields: string[] }>;
  /** Pages (or SHA256SUMS) rewritten because their content changed. */
  pagesWritten: string[];
  /** Serial of the destination after this export (moves only when something changed). */
  serial: number;
}
