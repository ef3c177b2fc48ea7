import {
  GITHUB_ISSUER,
  GITLAB_ISSUER,
  GOOGLE_ISSUER,
  checkEnvironment,
  checkPublisher,
  type PublisherPolicy,
} from '../publisher/index.ts';
import type { CertificateFacts } from '../pep740/types.ts';
import type { SignerInfo } from '../sigstore/types.ts';
import type { FileFacts, PublisherEntry } from './types.ts';

// Publisher entries (PyPI's vocabulary) mapped onto lib/publisher, which
// judges certificates, and back: the publisher a verified certificate shows,
// as the entry a pin stores and a report prints.

export function toPublisherPolicy(e: PublisherEntry): PublisherPolicy {
  switch (e.kind) {
    case 'GitHub':
      return {
        kind: 'github',
        repository: e.repository,
        workflow: e.workflow,
        ...(e.environment !== undefined ? { environment: e.environment } : {}),
      };
    case 'GitLab':
      return {
        kind: 'gitlab',
        repository: e.repository,
        workflow: e.workflow_filepath,
        ...(e.environment !== undefined ? { environment: e.environment } : {}),
        ...(e.issuer !== undefined ? { issuer: e.issuer } : {}),
      };
    case 'Google':
      return { kind: 'google', email: e.email };
    case 'Identity':
      return { kind: 'identity', identity: e.identity, issuer: e.issuer };
  }
}

/**
 * lib/publisher reads only the SAN, its type, the issuer and the Fulcio
 * extensions; the certificate bytes and validity were checked by lib/sigstore
 * before these facts were taken, so they are not carried here.
 */
export function signerOf(c: CertificateFacts): SignerInfo {
  const identityType = c.identityType === 'uri' || c.identityType === 'email' ? c.identityType : 'other';
  return {
    identity: c.identity,
    identityType,
    ...(c.issuer !== null ? { issuer: c.issuer } : {}),
    extensions: c.extensions,
    certificate: new Uint8Array(0),
    notBefore: c.notBefore,
    notAfter: c.notAfter,
  };
}

/**
 * Whether one verified attestation matches an entry: the certificate through
 * lib/publisher, the environment (absent from certificates) through the
 * provenance's claim, itself checked against the certificate.
 */
export function matchesEntry(entry: PublisherEntry, att: NonNullable<FileFacts['attestations']>[number]): boolean {
  const expected = toPublisherPolicy(entry);
  try {
    checkPublisher(expected, signerOf(att.certificate), { file: '' });
    checkEnvironment(expected, att.publisher.claimed, { file: '' });
    return true;
  } catch {
    return false;
  }
}

/** `rest` without `@REF` or `@SHA` of the certificate at its end; undefined when neither ends it. */
function stripRef(rest: string, ext: Record<string, string>): string | undefined {
  for (const r of [ext.sourceRepositoryRef, ext.sourceRepositoryDigest]) {
    if (r && rest.endsWith(`@${r}`)) return rest.slice(0, -r.length - 1);
  }
  return undefined;
}

function ciEntry(c: CertificateFacts): PublisherEntry | undefined {
  const ext = c.extensions;
  const repoUri = ext.sourceRepositoryURI;
  const config = ext.buildConfigURI;
  if (!c.issuer || !repoUri || !config) return undefined;
  if (c.issuer === GITHUB_ISSUER && repoUri.startsWith('https://github.com/')) {
    const prefix = `${repoUri}/.github/workflows/`;
    const workflow = config.startsWith(prefix) ? stripRef(config.slice(prefix.length), ext) : undefined;
    if (!workflow) return undefined;
    return { kind: 'GitHub', repository: repoUri.slice('https://github.com/'.length), workflow };
  }
  // Fulcio builds a GitLab repository URI from the server URL, which is also the issuer (gitlab.com or self-managed).
  if (repoUri.startsWith(`${c.issuer}/`) && config.startsWith(`${repoUri}//`)) {
    const path = stripRef(config.slice(repoUri.length + 2), ext);
    if (!path) return undefined;
    const e: PublisherEntry = {
      kind: 'GitLab',
      repository: repoUri.slice(c.issuer.length + 1),
      workflow_filepath: path,
    };
    if (c.issuer !== GITLAB_ISSUER) e.issuer = c.issuer;
    return e;
  }
  return undefined;
}

/**
 * The publisher a verified certificate shows: a Trusted Publisher when its
 * facts read as one (and lib/publisher agrees), else its plain SAN and issuer.
 */
export function publisherOfCertificate(c: CertificateFacts): PublisherEntry {
  let e: PublisherEntry | undefined = ciEntry(c);
  if (!e && c.issuer === GOOGLE_ISSUER && c.identityType === 'email') e = { kind: 'Google', email: c.identity };
  if (e) {
    try {
      checkPublisher(toPublisherPolicy(e), signerOf(c), { file: '' });
      return e;
    } catch {
      // A reading lib/publisher would not accept is not reported as that publisher.
    }
  }
  return { kind: 'Identity', identity: c.identity, issuer: c.issuer ?? '' };
}

/** One string per distinct publisher, for sets and equality. */
export function entryKey(e: PublisherEntry): string {
  switch (e.kind) {
    case 'GitHub':
      return JSON.stringify([e.kind, e.repository, e.workflow, e.environment ?? null]);
    case 'GitLab':
      return JSON.stringify([
        e.kind,
        e.issuer ?? GITLAB_ISSUER,
        e.repository,
        e.workflow_filepath,
        e.environment ?? null,
      ]);
    case 'Google':
      return JSON.stringify([e.kind, e.email]);
    case 'Identity':
      return JSON.stringify([e.kind, e.identity, e.issuer]);
  }
}

/** One line naming a publisher, for messages. */
export function describeEntry(e: PublisherEntry): string {
  switch (e.kind) {
    case 'GitHub':
      return `GitHub ${e.repository} workflow ${e.workflow}${e.environment ? ` environment ${e.environment}` : ''}`;
    case 'GitLab':
      return (
        `GitLab ${e.issuer ? `${e.issuer}/` : ''}${e.repository} ` +
        `${e.workflow_filepath}${e.environment ? ` environment ${e.environment}` : ''}`
      );
    case 'Google':
      return `Google ${e.email}`;
    case 'Identity':
      return `identity ${e.identity} (issuer ${e.issuer || '(none)'})`;
  }
}

export function describeEntries(list: readonly PublisherEntry[]): string {
  return list.length ? list.map(describeEntry).join('; ') : '(none)';
}

/** Distinct entries, first occurrence kept, in a stable order. */
export function uniqueEntries(list: readonly PublisherEntry[]): PublisherEntry[] {
  const seen = new Map<string, PublisherEntry>();
  for (const e of list) if (!seen.has(entryKey(e))) seen.set(entryKey(e), e);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
}
