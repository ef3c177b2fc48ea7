import { fail } from './errors.ts';
import type { SignerInfo } from './types.ts';

// Identity policy: exact string equality, on purpose. No regular expressions
// and no prefix matching: `https://github.com/org/repo` must not accept
// `https://github.com/org/repo-evil`, and a pattern someone forgot to anchor
// is the classic way that happens.

/**
 * SAN equals `identity` and the OIDC issuer equals `issuer`; IDENTITY_MISMATCH
 * otherwise, naming `file` and `field` (the certificate, or where a PEP 740
 * attestation sits in its provenance).
 */
export function checkIdentity(
  signer: SignerInfo,
  expected: { identity: string; issuer: string },
  file: string,
  field = '/verificationMaterial/certificate',
): void {
  // An empty expectation would match a certificate that names no SAN (or an
  // empty issuer extension): it pins nothing, so it is never a match.
  if (expected.identity === '' || expected.issuer === '') {
    throw fail('IDENTITY_MISMATCH', 'the expected identity and issuer must not be empty', file, field);
  }
  if (signer.identity === '') {
    throw fail(
      'IDENTITY_MISMATCH',
      `the certificate names no identity (no SAN), expected '${expected.identity}'`,
      file,
      field,
    );
  }
  if (signer.identity !== expected.identity) {
    throw fail(
      'IDENTITY_MISMATCH',
      `certificate identity is '${signer.identity}', expected '${expected.identity}'`,
      file,
      field,
    );
  }
  if (signer.issuer !== expected.issuer) {
    throw fail(
      'IDENTITY_MISMATCH',
      `certificate OIDC issuer is '${signer.issuer ?? '(none)'}', expected '${expected.issuer}'`,
      file,
      field,
    );
  }
}
