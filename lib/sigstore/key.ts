import { createPublicKey, type KeyObject } from 'node:crypto';
import type { X509Certificate } from '@sigstore/core';
import { verifyChainAt } from './chain.ts';
import { errorMessage } from '../errors.ts';
import { fail } from './errors.ts';
import type { ParsedBundle } from './parse.ts';
import { verifyScts } from './sct.ts';
import { signerFromCertificate, signerFromPublicKey } from './signer.ts';
import type { TrustedTime } from './time.ts';
import type { SigstoreTrust } from './trust.ts';
import type { SignerInfo } from './types.ts';

// The signing key: a Fulcio certificate checked at every trusted time, or
// the one public key the caller gave (--key).

export function resolveKey(
  parsed: ParsedBundle,
  trust: SigstoreTrust,
  file: string,
): { key: KeyObject; signer: SignerInfo } {
  if (parsed.certificate) {
    if (parsed.leaf) return { key: parsed.leaf.key, signer: parsed.leaf.signer };
    return {
      key: createPublicKey({ key: parsed.certificate.publicKey, format: 'der', type: 'spki' }),
      signer: signerFromCertificate(parsed.certificate),
    };
  }
  if (!trust.publicKey) {
    throw fail(
      'SIGNATURE_INVALID',
      'the bundle is signed with a public key, not a certificate, and no key was given (--key)',
      file,
      '/verificationMaterial/publicKey',
    );
  }
  return { key: trust.publicKey.key, signer: signerFromPublicKey(trust.publicKey.fingerprint) };
}

/** Valid at every trusted time, chained to a CA valid then, with a valid SCT. */
export function checkCertificate(parsed: ParsedBundle, trust: SigstoreTrust, times: TrustedTime[], file: string): void {
  const leaf = parsed.certificate;
  if (!leaf) return;
  const field = '/verificationMaterial/certificate';
  for (const t of times) {
    if (!leaf.validForDate(t.time)) {
      throw fail(
        'CERT_VALIDITY',
        `signed at ${t.time.toISOString()} (${t.report.kind}), outside the certificate validity ` +
          `${leaf.notBefore.toISOString()}..${leaf.notAfter.toISOString()}`,
        file,
        field,
      );
    }
  }
  // The chain at every trusted time (a CA may be trusted at one and not another).
  let issuer: X509Certificate | undefined;
  for (const t of times) {
    try {
      issuer = verifyChainAt(leaf, trust.material.certificateAuthorities, t.time, trust.cache, parsed.leaf?.tbsDer)[1];
    } catch (e) {
      throw fail('CERT_CHAIN', errorMessage(e), file, field, e);
    }
  }
  if (issuer === undefined) throw fail('CERT_CHAIN', 'no trusted time to check the certificate chain at', file, field);
  let scts: Buffer[];
  try {
    scts = verifyScts(leaf, issuer, trust.material.ctlogs, trust.cache);
  } catch (e) {
    throw fail('SCT_INVALID', errorMessage(e), file, field, e);
  }
  if (scts.length === 0) throw fail('SCT_INVALID', 'the certificate has no signed certificate timestamp', file, field);
}
