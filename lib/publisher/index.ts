import { Pep740Error } from '../errors.ts';
import type { SignerInfo } from '../sigstore/types.ts';
import { checkGitHub, checkGitLab } from './ci.ts';
import { policyFromClaim } from './claim.ts';
import { checkActiveState, checkGoogle, checkPlainIdentity } from './identity.ts';
import type { PublisherCheck, PublisherClaim, PublisherPolicy, Where } from './types.ts';

// Trusted Publisher identity policy: does a verified Sigstore certificate come
// from the publisher expected? Pure functions over the signer facts that
// lib/sigstore extracted from a certificate it has already verified.

export type * from './types.ts';
export { GITHUB_ISSUER, GITLAB_ISSUER, GOOGLE_ISSUER } from './types.ts';
export { policyFromClaim } from './claim.ts';
export { describePolicy } from './describe.ts';
export { policyFromOptions, type PublisherOptions } from './options.ts';

/** Throws PUBLISHER_MISMATCH (IDENTITY_MISMATCH for a plain identity) unless the certificate matches `policy`. */
export function checkPublisher(policy: PublisherPolicy, signer: SignerInfo, where: Where): void {
  switch (policy.kind) {
    case 'github':
      checkGitHub(policy, signer, where);
      return;
    case 'gitlab':
      checkGitLab(policy, signer, where);
      return;
    case 'google':
      checkGoogle(policy, signer, where);
      return;
    case 'activestate':
      checkActiveState(policy, signer, where);
      return;
    case 'identity':
      checkPlainIdentity(policy, signer, where);
      return;
    default:
      throw new Pep740Error(
        'PUBLISHER_MISMATCH',
        `unknown publisher policy kind '${(policy as { kind: unknown }).kind}'`,
        where,
      );
  }
}

/**
 * The environment is not in Fulcio certificates: an expected one can only be
 * compared with the provenance's claim (already checked against the
 * certificate), and a bare attestation (no claim) cannot satisfy it.
 */
export function checkEnvironment(expected: PublisherPolicy, claimed: PublisherPolicy | null, where: Where): void {
  if ((expected.kind !== 'github' && expected.kind !== 'gitlab') || expected.environment === undefined) return;
  if (!claimed) {
    throw new Pep740Error(
      'PUBLISHER_MISMATCH',
      `environment '${expected.environment}' cannot be checked: certificates do not carry it and a bare attestation ` +
        `names no publisher`,
      where,
    );
  }
  const claimedEnv = claimed.kind === expected.kind ? claimed.environment : undefined;
  if (claimedEnv !== expected.environment) {
    throw new Pep740Error(
      'PUBLISHER_MISMATCH',
      `the provenance's publisher environment is '${claimedEnv ?? '(none)'}', expected '${expected.environment}'`,
      where,
    );
  }
}

/**
 * The certificate must match the publisher the provenance claims (when there
 * is a provenance) and the one the operator expects (when given): both, not
 * either. The environment is not in Fulcio certificates, so an expected
 * environment can only be compared with the index's claim, and a bare
 * attestation (no claim) cannot satisfy it.
 */
export function checkPublishers(
  signer: SignerInfo,
  opts: { expected?: PublisherPolicy | undefined; claim?: PublisherClaim | undefined; where: Where },
): PublisherCheck {
  const { expected, claim, where } = opts;
  const claimed = claim === undefined ? null : policyFromClaim(claim, where);
  if (claimed) checkPublisher(claimed, signer, where);
  if (expected) {
    checkPublisher(expected, signer, where);
    checkEnvironment(expected, claimed, where);
  }
  return { pinned: expected !== undefined, expected: expected ?? null, claimed };
}
