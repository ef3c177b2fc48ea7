import { Pep740Error } from '../errors.ts';
import { checkIdentity } from '../sigstore/index.ts';
import type { SignerInfo } from '../sigstore/types.ts';
import { GOOGLE_ISSUER, type ActiveStatePolicy, type GooglePolicy, type IdentityPolicy, type Where } from './types.ts';

// Publishers whose whole identity is the certificate SAN plus its issuer.

/** Google Cloud: the service-account e-mail is the SAN (pypi-attestations GooglePublisher). */
export function checkGoogle(policy: GooglePolicy, signer: SignerInfo, where: Where): void {
  const issuer = policy.issuer ?? GOOGLE_ISSUER;
  if (signer.issuer !== issuer) {
    throw new Pep740Error(
      'PUBLISHER_MISMATCH',
      `certificate issuer is '${signer.issuer ?? '(none)'}', the Google publisher needs '${issuer}'`,
      where,
    );
  }
  if (policy.email === '' || signer.identityType !== 'email' || signer.identity !== policy.email) {
    throw new Pep740Error(
      'PUBLISHER_MISMATCH',
      `certificate identity is '${signer.identity}', expected service account '${policy.email}'`,
      where,
    );
  }
}

/** A plain identity: exact SAN and exact issuer, by lib/sigstore's one check, reported where the attestation is. */
export function checkPlainIdentity(policy: IdentityPolicy, signer: SignerInfo, where: Where): void {
  checkIdentity(signer, { identity: policy.identity, issuer: policy.issuer }, where.file, where.field);
}

/**
 * ActiveState: PyPI accepts its OIDC tokens for uploads (organization,
 * project, actor_id claims) but defines no attestation identity for it
 * (warehouse's ActiveStatePublisher has no `attestation_identity`), and
 * Fulcio certificates carry none of those claims. Nothing in a certificate
 * can prove such a publisher, so the check fails closed.
 */
export function checkActiveState(policy: ActiveStatePolicy, _signer: SignerInfo, where: Where): void {
  throw new Pep740Error(
    'PUBLISHER_MISMATCH',
    `ActiveState publisher ${policy.organization}/${policy.project}: PyPI defines no attestation identity for ` +
      `ActiveState and no Sigstore certificate carries its claims`,
    where,
  );
}
