import { certificateFacts } from '../../lib/pep740/verify.ts';
import type { FileFacts, PublisherEntry } from '../../lib/policy/index.ts';
import type { PublisherPolicy } from '../../lib/publisher/index.ts';
import type { SignerInfo } from '../../lib/sigstore/types.ts';
import { EMAIL_SIGNER, GITHUB_SIGNER, GITLAB_SIGNER, withExtensions } from '../publisher/signers.ts';

// Files as lib/verify hands them to the judgement: the facts of certificates
// that lib/sigstore verified (those of the real fixture certificates), and the
// provenance's claim as lib/pep740 read it.

export const SHA_A = 'a'.repeat(64);
export const SHA_B = 'b'.repeat(64);

export const GH: PublisherEntry = {
  kind: 'GitHub',
  repository: 'trailofbits/pypi-attestations',
  workflow: 'release.yml',
};
export const GL: PublisherEntry = {
  kind: 'GitLab',
  repository: 'facutuesca/gitlab-oidc-project',
  workflow_filepath: '.gitlab-ci.yml',
};

/** The same workflow in another repository: what a changed publisher looks like in a certificate. */
export const OTHER_SIGNER: SignerInfo = withExtensions(GITHUB_SIGNER, {
  sourceRepositoryURI: 'https://github.com/evil/pypi-attestations',
  buildConfigURI: 'https://github.com/evil/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19',
});
export const OTHER: PublisherEntry = { kind: 'GitHub', repository: 'evil/pypi-attestations', workflow: 'release.yml' };

export { EMAIL_SIGNER, GITHUB_SIGNER, GITLAB_SIGNER, withExtensions };

export function att(signer: SignerInfo, claimed: PublisherPolicy | null = null) {
  return {
    certificate: certificateFacts(signer),
    publisher: { pinned: false, expected: null, claimed },
  };
}

export function file(
  project: string,
  signers: SignerInfo[] | null,
  over: Partial<Omit<FileFacts, 'attestations'>> = {},
): FileFacts {
  return {
    project,
    version: '0.0.19',
    filename: `${project.replace(/-/g, '_')}-0.0.19.tar.gz`,
    sha256: SHA_A,
    attestations: signers === null ? null : signers.map((s) => att(s)),
    ...over,
  };
}
