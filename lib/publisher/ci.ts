import { Pep740Error } from '../errors.ts';
import type { SignerInfo } from '../sigstore/types.ts';
import { GITHUB_ISSUER, GITLAB_ISSUER, type GitHubPolicy, type GitLabPolicy, type Where } from './types.ts';

// GitHub Actions and GitLab CI Trusted Publishers, checked as pypi-attestations'
// _GitHubTrustedPublisherPolicy / _GitLabTrustedPublisherPolicy do: the Fulcio
// issuer, the source repository, and the Build Config URI, which names the
// top-level workflow (or CI file) that the Trusted Publisher is configured with.
// Every comparison is a whole-string equality against a URI built from the
// policy and the certificate's own ref / digest: never a prefix or a pattern,
// so `release.yml@refs/tags/v1` cannot match `release.yml@refs/tags/v1X`.

interface CiShape {
  name: string;
  issuer: string;
  host: string;
  /** Between repository and workflow in the Build Config URI. */
  workflowPath: string;
}

const GITHUB: CiShape = {
  name: 'GitHub',
  issuer: GITHUB_ISSUER,
  host: 'https://github.com/',
  workflowPath: '/.github/workflows/',
};
const GITLAB: CiShape = { name: 'GitLab', issuer: GITLAB_ISSUER, host: 'https://gitlab.com/', workflowPath: '//' };

function mismatch(where: Where, message: string): Pep740Error {
  return new Pep740Error('PUBLISHER_MISMATCH', message, where);
}

function checkCi(shape: CiShape, policy: GitHubPolicy | GitLabPolicy, signer: SignerInfo, where: Where): void {
  const ext = signer.extensions;
  const who = `${shape.name} publisher ${policy.repository} ${policy.workflow}`;
  if (signer.issuer !== shape.issuer) {
    throw mismatch(where, `certificate issuer is '${signer.issuer ?? '(none)'}', the ${who} needs '${shape.issuer}'`);
  }
  const repoUri = `${shape.host}${policy.repository}`;
  if (ext.sourceRepositoryURI !== repoUri) {
    throw mismatch(
      where,
      `certificate source repository is '${ext.sourceRepositoryURI ?? '(none)'}', expected '${repoUri}'`,
    );
  }
  const ref = ext.sourceRepositoryRef;
  const digest = ext.sourceRepositoryDigest;
  const buildConfig = ext.buildConfigURI;
  // The Build Config URI ends in @REF or @SHA, both taken from the certificate;
  // the repository and workflow parts come from the policy.
  const base = `${repoUri}${shape.workflowPath}${policy.workflow}@`;
  const candidates = [ref, digest].filter((s): s is string => typeof s === 'string' && s !== '').map((s) => base + s);
  if (buildConfig === undefined || !candidates.includes(buildConfig)) {
    throw mismatch(
      where,
      `certificate build config is '${buildConfig ?? '(none)'}', not workflow '${policy.workflow}' of ` +
        `${policy.repository}`,
    );
  }
  if (policy.ref !== undefined && ref !== policy.ref) {
    throw mismatch(where, `certificate source ref is '${ref ?? '(none)'}', expected '${policy.ref}'`);
  }
}

export function checkGitHub(policy: GitHubPolicy, signer: SignerInfo, where: Where): void {
  checkCi(GITHUB, policy, signer, where);
}

export function checkGitLab(policy: GitLabPolicy, signer: SignerInfo, where: Where): void {
  // A self-managed GitLab is its own OIDC issuer, and Fulcio builds the repository URI from the same server URL.
  const shape = policy.issuer === undefined ? GITLAB : { ...GITLAB, issuer: policy.issuer, host: `${policy.issuer}/` };
  checkCi(shape, policy, signer, where);
}
