import type { ErrorCode } from '../errors.ts';
import type { AttestationResult } from '../pep740/types.ts';

// The policy file's vocabulary. Publisher entries have the shape of PyPI's
// provenance `publisher` objects and of PEP 751 `attestation-identities`, so
// that the index, a lock and the policy (and later deny lists and signers)
// name a publisher the same way.

export type Require = 'attested' | 'hash';

export interface GitHubEntry {
  kind: 'GitHub';
  /** `OWNER/REPO`. */
  repository: string;
  /** Workflow file name in `.github/workflows/`. */
  workflow: string;
  environment?: string;
}

export interface GitLabEntry {
  kind: 'GitLab';
  /** `NAMESPACE/PROJECT` (sub-groups allowed). */
  repository: string;
  workflow_filepath: string;
  environment?: string;
  /** A self-managed GitLab's URL; absent for gitlab.com. */
  issuer?: string;
}

export interface GoogleEntry {
  kind: 'Google';
  email: string;
}

/** A certificate SAN and OIDC issuer, compared exactly (publishers outside PyPI's Trusted Publishing). */
export interface IdentityEntry {
  kind: 'Identity';
  identity: string;
  issuer: string;
}

export type PublisherEntry = GitHubEntry | GitLabEntry | GoogleEntry | IdentityEntry;

export interface ProjectRule {
  require?: Require;
  /** Lower-case hex sha256 digests (the `sha256:` prefix removed). */
  hashes?: string[];
  publishers?: PublisherEntry[];
}

/**
 * One entry of the top-level `deny` list: it refuses the files it matches
 * (DENIED), whatever else accepts them. `text` is how the entry is named in
 * messages, `key` its TOML key (`deny[2]`).
 */
export type DenyEntry = { key: string; text: string } & (
  | { kind: 'release' /** PEP 503-normalised. */; project: string /** canonicalVersion's key. */; version: string }
  | { kind: 'digest' /** Lower-case hex, without `sha256:`. */; sha256: string }
  | { kind: 'publisher'; publisher: PublisherEntry }
);

export interface Policy {
  /** `policy.uri` of the VSAs: the file's `file:` URL, or the documented URI of the built-in default. */
  uri: string;
  /** sha256 of the policy file's bytes (of the built-in default's text for the default). */
  sha256: string;
  /** The file name as the user gave it, for messages; `(built-in default)` for the default. */
  file: string;
  builtin: boolean;
  defaults: { require: Require; publishers?: PublisherEntry[]; lock?: string };
  /** By PEP 503-normalised project name. */
  projects: ReadonlyMap<string, ProjectRule>;
  /** Checked before every other rule; empty when the file has no `deny`. */
  deny: readonly DenyEntry[];
  /** Trusted bundle signers (top-level `signers`, PEM public keys): one of them must have signed the bundle. */
  signers: ReadonlyArray<{ key: import('node:crypto').KeyObject; keyid: string }>;
}

/** What verification established about one distribution, the input of the judgement. */
export interface FileFacts {
  project: string;
  version: string;
  filename: string;
  sha256: string;
  /**
   * null: the bundle carries no provenance for the file. A provenance that is
   * present but did not verify never comes here: the file is refused with the
   * lib/pep740 code before it is judged, so a bad attestation never passes as
   * "no attestation".
   */
  attestations: null | ReadonlyArray<Pick<AttestationResult, 'certificate' | 'publisher'>>;
}

/** Where `now` came from: reported in the report, each VSA and the pins. */
export interface TimeRecord {
  /** ISO-8601. */
  time: string;
  source: 'clock' | '--now';
}

export type AdmittedBy = 'attestation' | 'hash';

/**
 * The pylock.toml that decides with the policy (the reviewed set): the operator's own (`--lock`), or the
 * bundle's copy when this side vouches for it (its sha256 in the policy, or a trusted signer's signature).
 */
export interface LockRule {
  /** How messages name it: the --lock path, or `lock/pylock.toml` for the bundle's copy. */
  file: string;
  sha256: string;
  source: 'reviewed' | 'bundled';
  /** What made it decide: `--lock`, `policy:defaults.lock` or `signer:KEYID`. */
  vouchedBy: string;
  entries: readonly import('../lock/types.ts').LockEntry[];
}

/** The lock's word on one file. */
export interface LockStep {
  outcome: 'accepted' | 'refused';
  code?: ErrorCode;
  message?: string;
  /** The lock entries that decided, e.g. `lock:packages[0]`, `lock:packages[0].attestation-identities`. */
  decidedBy: string[];
  /** True when the lock names the publishers (`attestation-identities`) and every attestation matched one. */
  identities: boolean;
}

/** The policy's word on one file, before pins. */
export interface PolicyStep {
  /** PEP 503-normalised. */
  project: string;
  outcome: 'accepted' | 'refused' | 'needs-pin';
  code?: ErrorCode;
  message?: string;
  /** The rules that decided, e.g. `policy:projects.rfc8785`, `policy:defaults`. */
  decidedBy: string[];
  /** The publishers the verified certificates show (empty without provenance). */
  publishers: PublisherEntry[];
  /** True when the policy itself lists the publishers that accepted the file. */
  publisherListed: boolean;
  admittedBy?: AdmittedBy;
}

/** The final word on one file. */
export interface FileDecision {
  verdict: 'accepted' | 'refused';
  code?: ErrorCode;
  message?: string;
  decidedBy: string[];
  publishers: PublisherEntry[];
  admittedBy?: AdmittedBy;
}
