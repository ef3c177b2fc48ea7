import { createHash } from 'node:crypto';
import { ByteStream, EXTENSION_OID_SCT, type X509Certificate, type X509SCTExtension } from '@sigstore/core';
import type { TrustMaterial } from './adapter.ts';
import { trustedKey, type TrustCache } from './cache.ts';
import { encodeDer } from './der.ts';

// Signed certificate timestamps (RFC 6962 section 3.2): each SCT embedded in
// the leaf signs the precertificate (the TBS without the SCT extension) and
// the issuer's key hash. Every SCT must verify with a trusted CT log valid at
// its time, and no log may be counted twice (as @sigstore/verify's Verifier
// requires). Returns the verified log IDs; [] when the leaf has no SCT.

type CTLogs = TrustMaterial['ctlogs'];

export class SctError extends Error {}

function precertificate(leaf: X509Certificate, issuer: X509Certificate, cache: TrustCache): Buffer | undefined {
  const ext = leaf.extensions.find((e) => e.subs[0]?.toOID() === EXTENSION_OID_SCT);
  if (ext === undefined) return undefined;
  const tbs = encodeDer(leaf.tbsCertificate, ext);
  const out = new ByteStream();
  out.appendView(createHash('sha256').update(trustedKey(cache, issuer).der).digest());
  out.appendUint24(tbs.length);
  out.appendView(tbs);
  return out.buffer;
}

/** `issuer`: a certificate of the trusted root (the leaf's verified issuer). */
export function verifyScts(
  leaf: X509Certificate,
  issuer: X509Certificate,
  ctlogs: CTLogs,
  cache: TrustCache,
): Buffer[] {
  const ext = leaf.extSCT;
  if (ext === undefined) return [];
  let scts: X509SCTExtension['signedCertificateTimestamps'];
  try {
    scts = ext.signedCertificateTimestamps;
  } catch (e) {
    throw new SctError(`the SCT list cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  if (scts.length === 0) return [];
  const pre = precertificate(leaf, issuer, cache);
  if (pre === undefined) return [];
  const seen: Buffer[] = [];
  for (const sct of scts) {
    const at = sct.datetime;
    const logs = ctlogs.filter((l) => l.logID.equals(sct.logID) && l.validFor.start <= at && at <= l.validFor.end);
    const ok = logs.some((l) => {
      try {
        return sct.verify(pre, l.publicKey);
      } catch {
        return false;
      }
    });
    if (!ok) throw new SctError(`SCT from log ${sct.logID.toString('base64')} does not verify with a trusted CT log`);
    if (seen.some((s) => s.equals(sct.logID))) throw new SctError('two SCTs from the same CT log');
    seen.push(sct.logID);
  }
  return seen;
}
