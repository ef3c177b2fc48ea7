// The publisher an operator expects (or a provenance claims), as a plain
// object so that a policy file can feed it as well as the command line.

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
export const GITLAB_ISSUER = 'https://gitlab.com';
export const GOOGLE_ISSUER = 'https://accounts.google.com';
export const ACTIVESTATE_ISSUER = 'https://platform.activestate.com/api/v1/oauth/oidc';

export interface GitHubPolicy {
  kind: 'github';
  /** `OWNER/REPO`, as PyPI's Trusted Publisher stores it. */
  repository: string;
  /** Workflow file name in `.github/workflows/`, e.g. `release.yml`. */
  workflow: string;
  environment?: string;
  /** Exact git ref the run was for, e.g. `refs/tags/v1.0`. */
  ref?: string;
}

export interface GitLabPolicy {
  kind: 'gitlab';
  /** `NAMESPACE/PROJECT` (sub-groups allowed: `group/sub/project`). */
  repository: string;
  /** Path of the CI configuration file, e.g. `.gitlab-ci.yml`. */
  workflow: string;
  environment?: string;
  ref?: string;
  /**
   * A self-managed GitLab: its URL (e.g. `https://gitlab.example.com`), which is both the OIDC issuer and the host of
   * the repository URI in its certificates. Default: gitlab.com.
   */
  issuer?: string;
}

export interface GooglePolicy {
  kind: 'google';
  /** Service-account e-mail, the certificate SAN. */
  email: string;
  /** Defaults to https://accounts.google.com, the only issuer PyPI accepts. */
  issuer?: string;
}

export interface ActiveStatePolicy {
  kind: 'activestate';
  organization: string;
  project: string;
  actorId?: string;
}

/** A plain Sigstore identity, for bundles not made through Trusted Publishing. */
export interface IdentityPolicy {
  kind: 'identity';
  identity: string;
  issuer: string;
}

export type PublisherPolicy = GitHubPolicy | GitLabPolicy | GooglePolicy | ActiveStatePolicy | IdentityPolicy;

/** Where a mismatch is reported. */
export interface Where {
  file: string;
  field?: string;
}

/** A provenance's `publisher` object: a claim made by the index, not proof. */
export interface PublisherClaim {
  kind: string;
  [claim: string]: unknown;
}

/** What the publisher checks established for one certificate. */
export interface PublisherCheck {
  /** False when the operator gave no expected publisher: only the index's claim was checked. */
  pinned: boolean;
  expected: PublisherPolicy | null;
  /** The provenance's claim as a policy; null for a bare attestation. */
  claimed: PublisherPolicy | null;
}
