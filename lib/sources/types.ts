// What the sources hand to the bundler: local files (in the staging folder or
// in a user's folder) with the digest and size measured while they were read.

export interface LocalFile {
  localPath: string;
  sha256: string;
  size: number;
}

export interface CollectedFile extends LocalFile {
  filename: string;
  url?: string;
  requiresPython?: string;
  yanked?: boolean | string;
  provenance?: LocalFile;
  coreMetadata?: LocalFile;
}

export interface CollectedPackage {
  /** Normalised project name (PEP 503). */
  name: string;
  version: string;
  /** The PEP 691 JSON project page as served (HTML pages are not kept). */
  indexPage?: LocalFile;
  files: CollectedFile[];
}

/** Reports bytes as they arrive, for the progress bar. */
export interface ProgressSink {
  addTotal(bytes: number): void;
  addDone(bytes: number): void;
}
