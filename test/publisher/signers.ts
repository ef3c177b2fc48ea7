import type { SignerInfo } from '../../lib/sigstore/types.ts';

// Signer facts exactly as they appear in the real fixture certificates
// (../shared/fixtures/pypi), for the pure policy tests; the CLI tests check
// the same policies against the certificates themselves.

function signer(
  identity: string,
  identityType: SignerInfo['identityType'],
  issuer: string,
  extensions: Record<string, string>,
): SignerInfo {
  return { identity, identityType, issuer, extensions, certificate: new Uint8Array(), notBefore: '', notAfter: '' };
}

export const GITHUB_SIGNER = signer(
  'https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19',
  'uri',
  'https://token.actions.githubusercontent.com',
  {
    buildSignerURI: 'https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19',
    sourceRepositoryURI: 'https://github.com/trailofbits/pypi-attestations',
    sourceRepositoryDigest: '08802efe1f8e5fec4ad842d6b8ce97656092ee72',
    sourceRepositoryRef: 'refs/tags/v0.0.19',
    buildConfigURI: 'https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19',
  },
);

export const GITLAB_SIGNER = signer(
  'https://gitlab.com/facutuesca/gitlab-oidc-project//.gitlab-ci.yml@refs/heads/main',
  'uri',
  'https://gitlab.com',
  {
    sourceRepositoryURI: 'https://gitlab.com/facutuesca/gitlab-oidc-project',
    sourceRepositoryDigest: '72f7c63b75eb55ea80864962f0e645c93414da34',
    sourceRepositoryRef: 'refs/heads/main',
    buildConfigURI: 'https://gitlab.com/facutuesca/gitlab-oidc-project//.gitlab-ci.yml@refs/heads/main',
  },
);

export const EMAIL_SIGNER = signer('william@yossarian.net', 'email', 'https://github.com/login/oauth', {});

export function withExtensions(base: SignerInfo, ext: Record<string, string | undefined>, issuer?: string): SignerInfo {
  const extensions = { ...base.extensions };
  for (const [k, v] of Object.entries(ext)) {
    if (v === undefined) delete extensions[k];
    else extensions[k] = v;
  }
  return { ...base, extensions, issuer: issuer ?? base.issuer };
}
