import { verify } from 'node:crypto';
import type { X509Certificate } from '@sigstore/core';
import type { TrustMaterial } from './adapter.ts';
import { certKey, trustedDer, type TrustCache } from './cache.ts';
import { encodeDer } from './der.ts';

// The signing certificate's path to a trusted CA, at one trusted time, with
// the rules of @sigstore/verify's CertificateChainVerifier (issuer found by
// key identifier or name, signatures, CA flags, name chaining, path length,
// every certificate valid at that time) and two more: the leaf is not a CA,
// and its signature algorithm is one we know. The CA certificates of the
// trusted root are checked against their parents once per trust material
// (cache.ts); the leaf is checked every time.

type CA = TrustMaterial['certificateAuthorities'][number];

export class ChainError extends Error {}

/** `tbsDer`: the child's TBS re-encoded, when the caller has it already (the leaf: parse.ts). */
function signedBy(child: X509Certificate, parent: X509Certificate, cache: TrustCache, tbsDer?: Buffer): boolean {
  const alg = child.signatureAlgorithm;
  if (alg === undefined) return false;
  try {
    return verify(alg, tbsDer ?? encodeDer(child.tbsCertificate), certKey(cache, parent), child.signatureValue);
  } catch {
    // node:crypto throws rather than returning false for some key and algorithm pairs.
    return false;
  }
}

/** A trusted CA certificate against its parent: the same bytes give the same answer, so it is computed once. */
function caSignedBy(child: X509Certificate, parent: X509Certificate, cache: TrustCache): boolean {
  const id = `${trustedDer(cache, child)}|${trustedDer(cache, parent)}`;
  let ok = cache.caSignatures.get(id);
  if (ok === undefined) {
    ok = signedBy(child, parent, cache);
    cache.caSignatures.set(id, ok);
  }
  return ok;
}

function selfSigned(c: X509Certificate, cache: TrustCache): boolean {
  return c.subject.equals(c.issuer) && caSignedBy(c, c, cache);
}

/** Candidate issuers among the CA's certificates, as the library picks them: by key identifier, else by name. */
function issuers(
  c: X509Certificate,
  chain: X509Certificate[],
  leaf: { tbsDer?: Buffer | undefined } | false,
  cache: TrustCache,
): X509Certificate[] {
  const aki = c.extAuthorityKeyID?.keyIdentifier;
  const named = chain.filter((p) => {
    const ski = aki ? p.extSubjectKeyID?.keyIdentifier : undefined;
    return ski ? ski.equals(aki as Buffer) : p.subject.equals(c.issuer);
  });
  // The leaf is never one of the CA's certificates (it is no CA: verifyChainAt), so only CA certificates are compared.
  if (leaf) return named.filter((p) => signedBy(c, p, cache, leaf.tbsDer));
  return named.filter((p) => trustedDer(cache, p) !== trustedDer(cache, c) && caSignedBy(c, p, cache));
}

/** Shortest issuer path from `c` to a self-signed root of the chain ([] when `c` is that root). */
function pathToRoot(c: X509Certificate, chain: X509Certificate[], cache: TrustCache, depth: number): X509Certificate[] {
  if (selfSigned(c, cache)) return [];
  if (depth > chain.length) throw new ChainError('certificate path too long');
  let best: X509Certificate[] | undefined;
  let error: unknown;
  for (const p of issuers(c, chain, false, cache)) {
    try {
      const rest = [p, ...pathToRoot(p, chain, cache, depth + 1)];
      if (best === undefined || rest.length < best.length) best = rest;
    } catch (e) {
      error = e;
    }
  }
  if (best === undefined) throw error ?? new ChainError('no valid certificate path found');
  return best;
}

function checkPath(path: X509Certificate[], at: Date): void {
  if (!path.slice(1).every((c) => c.isCA)) throw new ChainError('intermediate certificate is not a CA');
  for (let i = path.length - 2; i >= 0; i--) {
    if (!path[i]!.issuer.equals(path[i + 1]!.subject)) throw new ChainError('incorrect certificate name chaining');
  }
  path.forEach((c, i) => {
    const max = c.extBasicConstraints?.isCA ? c.extBasicConstraints.pathLenConstraint : undefined;
    if (max !== undefined && max < i - 1) throw new ChainError('path length constraint exceeded');
  });
  if (!path.every((c) => c.validForDate(at)))
    throw new ChainError(`a certificate of the chain is not valid at ${at.toISOString()}`);
}

function pathIn(leaf: X509Certificate, ca: CA, at: Date, cache: TrustCache, tbsDer?: Buffer): X509Certificate[] {
  const chain = ca.certChain;
  let error: unknown;
  for (const p of issuers(leaf, chain, { tbsDer }, cache)) {
    try {
      const path = [leaf, p, ...pathToRoot(p, chain, cache, 1)];
      checkPath(path, at);
      return path;
    } catch (e) {
      error = e;
    }
  }
  throw error ?? new ChainError('no trusted certificate path found');
}

/** The leaf's path [leaf, issuer, ..., root] through a CA valid at `at`; ChainError when there is none. */
export function verifyChainAt(
  leaf: X509Certificate,
  cas: CA[],
  at: Date,
  cache: TrustCache,
  tbsDer?: Buffer,
): X509Certificate[] {
  if (leaf.extBasicConstraints?.isCA) throw new ChainError('the signing certificate is a CA certificate');
  let error: unknown;
  for (const ca of cas) {
    if (!(ca.validFor.start <= at && at <= ca.validFor.end)) continue;
    try {
      return pathIn(leaf, ca, at, cache, tbsDer);
    } catch (e) {
      error = e;
    }
  }
  throw new ChainError(
    `no trusted CA valid at ${at.toISOString()} issued the signing ` +
      `certificate${error instanceof Error ? ` (${error.message})` : ''}`,
  );
}
