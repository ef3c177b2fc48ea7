import type { PublisherPolicy } from './types.ts';

/** One line naming a publisher, for reports. */
export function describePolicy(p: PublisherPolicy): string {
  switch (p.kind) {
    case 'github':
    case 'gitlab': {
      const host = p.kind === 'github' ? 'https://github.com' : (p.issuer ?? 'https://gitlab.com');
      const extra = [
        p.environment !== undefined ? `environment ${p.environment}` : '',
        p.ref !== undefined ? `ref ${p.ref}` : '',
      ].filter(Boolean);
      return (
        `${p.kind === 'github' ? 'GitHub' : 'GitLab'} ${host}/${p.repository} workflow ` +
        `${p.workflow}${extra.length ? ` (${extra.join(', ')})` : ''}`
      );
    }
    case 'google':
      return `Google service account ${p.email}${p.issuer ? ` (issuer ${p.issuer})` : ''}`;
    case 'activestate':
      return `ActiveState ${p.organization}/${p.project}`;
    case 'identity':
      return `identity ${p.identity} (issuer ${p.issuer})`;
  }
}
