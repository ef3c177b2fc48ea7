import { readFileSync } from 'node:fs';
import { PYPI, TUF_2026, TUF_STAGING } from './fixtures.ts';
import { join } from 'node:path';
import type { Json } from './loose-json.ts';

// Real Sigstore bundles for tests, made from the real PEP 740 attestations in
// ../shared/fixtures/pypi the way pypi-attestations' Attestation.to_bundle
// does. Test-only: lib/pep740/convert.ts owns the production conversion.

export interface PypiAttestation {
  version: number;
  verification_material: { certificate: string; transparency_entries: unknown[] };
  envelope: { statement: string; signature: string };
}

export function attestationToBundle(att: PypiAttestation): Record<string, unknown> {
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      certificate: { rawBytes: att.verification_material.certificate },
      tlogEntries: att.verification_material.transparency_entries,
    },
    dsseEnvelope: {
      payload: att.envelope.statement,
      payloadType: 'application/vnd.in-toto+json',
      signatures: [{ sig: att.envelope.signature, keyid: '' }],
    },
  };
}

/** A fresh (deep-copied, mutable) bundle from a PyPI attestation fixture file name. */
export function realBundle(attestationFile: string): Json {
  const att = JSON.parse(readFileSync(PYPI(attestationFile), 'utf8')) as PypiAttestation;
  return structuredClone(attestationToBundle(att));
}

export const PUBLIC_GOOD_ROOT = () =>
  join(TUF_2026(), 'targets', '6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66.trusted_root.json');
export const STAGING_ROOT = () =>
  join(TUF_STAGING(), 'targets', '44deb991d4bbf2150751ccee235d9810bce4434383c26d8898c1bcadbace6ed8.trusted_root.json');

/** The real fixtures: attestation file, the root it verifies against, and its signer. */
export const REAL = {
  github: {
    file: 'pypi_attestations-0.0.19.tar.gz.publish.attestation',
    root: PUBLIC_GOOD_ROOT,
    identity: 'https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19',
    issuer: 'https://token.actions.githubusercontent.com',
  },
  githubSlsa: {
    file: 'pypi_attestations-0.0.19.tar.gz.slsa.attestation',
    root: PUBLIC_GOOD_ROOT,
    identity: 'https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19',
    issuer: 'https://token.actions.githubusercontent.com',
  },
  gitlab: {
    file: 'gitlab_oidc_project-0.0.3.tar.gz.publish.attestation',
    root: PUBLIC_GOOD_ROOT,
    identity: 'https://gitlab.com/facutuesca/gitlab-oidc-project//.gitlab-ci.yml@refs/heads/main',
    issuer: 'https://gitlab.com',
  },
  email: {
    file: 'rfc8785-0.1.2-py3-none-any.whl.publish.attestation',
    root: STAGING_ROOT,
    identity: 'william@yossarian.net',
    issuer: 'https://github.com/login/oauth',
  },
  emailSpt3g: {
    file: 'spt3g-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.publish.attestation',
    root: STAGING_ROOT,
    identity: 'william@yossarian.net',
    issuer: 'https://github.com/login/oauth',
  },
} as const;
