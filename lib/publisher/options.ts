import { UsageError } from '../errors.ts';
import type { GitHubPolicy, GitLabPolicy, PublisherPolicy } from './types.ts';

// Builds the expected publisher from command-line options. The host of
// --repository decides the kind (github.com → GitHub, gitlab.com → GitLab);
// the URL must be exactly https://HOST/OWNER/REPO (GitLab: any depth of
// groups), so that what the operator typed is what is compared.

export interface PublisherOptions {
  repository?: string | undefined;
  workflow?: string | undefined;
  environment?: string | undefined;
  ref?: string | undefined;
  identity?: string | undefined;
  issuer?: string | undefined;
}

function parseRepository(text: string): { kind: 'github' | 'gitlab'; slug: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError('USAGE', `--repository must be a URL like https://github.com/OWNER/REPO, got '${text}'`);
  }
  if (
    url.protocol !== 'https:' ||
    url.username ||
    url.password ||
    url.port ||
    url.search ||
    url.hash ||
    text.includes('?') ||
    text.includes('#')
  ) {
    throw new UsageError('USAGE', `--repository must be a plain https URL (no port, query or fragment), got '${text}'`);
  }
  const kind = url.hostname === 'github.com' ? 'github' : url.hostname === 'gitlab.com' ? 'gitlab' : undefined;
  if (!kind)
    throw new UsageError('USAGE', `--repository must be on github.com or gitlab.com, got host '${url.hostname}'`);
  const slug = url.pathname.replace(/^\//, '').replace(/\/$/, '');
  const parts = slug.split('/');
  const ok = parts.every((p) => p !== '') && (kind === 'github' ? parts.length === 2 : parts.length >= 2);
  // The URL parser resolves `..`, percent-escapes and case in the host: what
  // is compared must be what was typed, so the text must already be canonical.
  const typed = text.endsWith('/') ? text.slice(0, -1) : text;
  if (!ok || slug.includes('%') || typed !== `https://${url.hostname}/${slug}`) {
    throw new UsageError(
      'USAGE',
      kind === 'github'
        ? `--repository must be https://github.com/OWNER/REPO, got '${text}'`
        : `--repository must be https://gitlab.com/NAMESPACE/PROJECT, got '${text}'`,
    );
  }
  return { kind, slug };
}

/** The expected publisher, or undefined when none was given (the report then says "not pinned"). */
export function policyFromOptions(o: PublisherOptions): PublisherPolicy | undefined {
  const ci =
    o.repository !== undefined || o.workflow !== undefined || o.environment !== undefined || o.ref !== undefined;
  const plain = o.identity !== undefined || o.issuer !== undefined;
  if (ci && plain)
    throw new UsageError('USAGE', 'give either --repository/--workflow or --identity/--issuer, not both');
  if (plain) {
    if (!o.identity || !o.issuer) throw new UsageError('USAGE', '--identity and --issuer go together');
    return { kind: 'identity', identity: o.identity, issuer: o.issuer };
  }
  if (!ci) return undefined;
  if (!o.repository || !o.workflow)
    throw new UsageError('USAGE', '--repository and --workflow go together (--environment and --ref need both)');
  const { kind, slug } = parseRepository(o.repository);
  if (o.workflow.includes('@') || (kind === 'github' && o.workflow.includes('/'))) {
    throw new UsageError(
      'USAGE',
      kind === 'github'
        ? `--workflow is the workflow file name in .github/workflows, e.g. release.yml, got '${o.workflow}'`
        : `--workflow is the CI configuration path without @REF, got '${o.workflow}'`,
    );
  }
  const policy: GitHubPolicy | GitLabPolicy = { kind, repository: slug, workflow: o.workflow };
  if (o.environment !== undefined) policy.environment = o.environment;
  if (o.ref !== undefined) policy.ref = o.ref;
  return policy;
}
