import { Pep740Error } from '../errors.ts';
import type { PublisherClaim, PublisherPolicy, Where } from './types.ts';

// A PEP 740 provenance names its publisher with PyPI's claim names
// (pypi-attestations GitHubPublisher, GitLabPublisher, GooglePublisher). The
// claim is turned into the same policy shape an operator gives, so that the
// certificate is held to both by one code path. Kinds PyPI attests for are
// GitHub, GitLab and Google; any other kind cannot be checked and fails.

function text(claim: PublisherClaim, key: string, where: Where): string {
  const v = claim[key];
  if (typeof v !== 'string' || v === '') {
    throw new Pep740Error('PUBLISHER_MISMATCH', `the provenance's ${claim.kind} publisher has no '${key}'`, where);
  }
  return v;
}

function optional(claim: PublisherClaim, key: string, where: Where): string | undefined {
  const v = claim[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string')
    throw new Pep740Error(
      'PUBLISHER_MISMATCH',
      `the provenance's ${claim.kind} publisher '${key}' is not a string`,
      where,
    );
  return v === '' ? undefined : v;
}

export function policyFromClaim(claim: PublisherClaim, where: Where): PublisherPolicy {
  switch (claim.kind) {
    case 'GitHub': {
      const p: PublisherPolicy = {
        kind: 'github',
        repository: text(claim, 'repository', where),
        workflow: text(claim, 'workflow', where),
      };
      const env = optional(claim, 'environment', where);
      if (env !== undefined) p.environment = env;
      return p;
    }
    case 'GitLab': {
      const p: PublisherPolicy = {
        kind: 'gitlab',
        repository: text(claim, 'repository', where),
        workflow: text(claim, 'workflow_filepath', where),
      };
      const env = optional(claim, 'environment', where);
      if (env !== undefined) p.environment = env;
      return p;
    }
    case 'Google':
      return { kind: 'google', email: text(claim, 'email', where) };
    default:
      throw new Pep740Error(
        'PUBLISHER_MISMATCH',
        `the provenance names a '${claim.kind}' publisher, which has no certificate identity airlock can check`,
        where,
      );
  }
}
