import type { Instance } from '../tuf/index.ts';
import type { KeyObject } from 'node:crypto';
import type { Policy } from '../policy/index.ts';
import type { SignatureStatus } from '../bundle/signature.ts';
import type { VerdictRecord } from '../audit/types.ts';
import type { LockFile } from '../lock/index.ts';

// The shape of `airlock verify`'s result (schemas/verify-report.schema.json),
// agreed with lib/export in INTERFACES.md.

export type NowSource = 'clock' | '--now';

export interface VerifyBundleOptions {
  now: Date;
  nowSource: NowSource;
  graceMs: number;
  instance?: Instance;
  rootFile?: string;
  /** Trust state folder: TUF versions, publisher pins, last accepted time. */
  stateDir: string;
  policy: Policy;
  /** The reviewed lock (`--lock`), read by the caller: it decides with the policy (lib/verify/lock.ts). */
  lock?: LockFile;
  /** Keys one of which must have signed the bundle; empty: a signature is checked if present, none required. */
  trustedSigners?: readonly KeyObject[];
  acceptNew?: boolean;
  acceptChange?: string[];
  /** Files checked at once (default: the number of cores). */
  jobs?: number;
  /** Keep the reader's checked extraction for the caller (--extract, lib/export); the caller removes it. */
  keepChecked?: boolean;
  /** Where the temporary checked folder is made (default: the system's temporary folder). */
  workDir?: string;
  onProgress?: (phase: 'read' | 'check', done: number, total: number) => void;
}

export type Verdict = 'accepted' | 'refused' | 'not-verified';

export interface AttestationFacts {
  logIndex: string;
  integratedTime: string | null;
  predicateType: string;
  identity: string;
  issuer: string | null;
}

export interface FileVerdict {
  project: string;
  version: string;
  filename: string;
  sha256: string;
  size: number;
  member: string;
  verdict: Verdict;
  code?: string;
  message?: string;
  publisher?: { kind: string; [field: string]: string };
  provenanceMember?: string;
  /** sha256 of the provenance member (the VSA lists it among its input attestations). */
  provenanceSha256?: string;
  coreMetadataMember?: string;
  /** Members of this file that were left out, and why (core metadata that differs from the wheel's). */
  dropped?: Array<{ member: string; reason: string }>;
  requiresPython?: { value: string; verified: boolean };
  yanked?: { value: boolean | string; verified: false };
  uploadTime?: { value: string; verified: false };
  decidedBy: string[];
  admittedBy?: 'attestation' | 'hash';
  attestations: AttestationFacts[];
}

export interface ProjectFacts {
  name: string;
  status?: { status: string; reason?: string; verified: false };
}

export interface LockReport {
  decides: boolean;
  /** `reviewed`: the operator's --lock; `bundled`: the bundle's copy, vouched for; null: no lock decides. */
  source: 'reviewed' | 'bundled' | null;
  file?: string;
  sha256?: string;
  /** `--lock`, `policy:defaults.lock` or `signer:KEYID`. */
  vouchedBy?: string;
  /** The bundle's own lock/pylock.toml, when it carries one: whether it decided, and why (not). */
  carried?: { sha256: string; used: boolean; note: string };
}

export interface TrustFacts {
  pinnedRoot: { label: string; version: number; sha256: string };
  rootVersion: number;
  timestamp: { version: number; expires: string };
  snapshot: { version: number; expires: string };
  targets: { version: number; expires: string };
}

export interface VerifyReport {
  ok: boolean;
  command: 'verify';
  tool: { name: 'airlock'; version: string };
  archive: string;
  now: string;
  nowSource: NowSource;
  graceMs: number;
  graceUsed: boolean;
  trust: TrustFacts | null;
  policy: { uri: string; sha256: string; builtin: boolean };
  /**
   * The bundle's signature: `unsigned`, or verified with its signer's keyid (and whether a trusted signer was
   * required).
   */
  signature?: SignatureStatus;
  /** Which lock decided with the policy, if any, and what became of the bundle's own copy. */
  lock?: LockReport;
  /** Set when the archive or its TUF copy was refused: then no file is accepted. */
  failure?: { code: string; message: string; file?: string; field?: string };
  summary: { accepted: number; refused: number; notVerified: number };
  files: FileVerdict[];
  projects: ProjectFacts[];
  /** Pins recorded by this run (trust on first use, accepted changes); written only if the command succeeds. */
  pinEvents: Array<Record<string, unknown>>;
  /** --accept-change names for which nothing changed (a typo, or a change already accepted). */
  unusedAcceptChange?: string[];
}

export interface VerifyOutcome {
  report: VerifyReport;
  checkedDir?: string;
  /** The archive's sha256, hashed by the reader as it read it; absent when the reader refused the archive. */
  archiveSha256?: string;
  /** Moves pins and TUF state forward and appends `record` (and the pins accepted) to the audit log, under one lock. */
  commit(record: VerdictRecord): Promise<void>;
  /**
   * `commit()` for the accepted files of these projects only (`export --partial`): the pins of the projects
   * exported move, the TUF state moves (the copy verified), nothing is pinned for the others.
   */
  commitProjects(projects: ReadonlySet<string>, record: VerdictRecord): Promise<void>;
}
