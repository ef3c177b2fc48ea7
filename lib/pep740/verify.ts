import { Pep740Error } from '../errors.ts';
import { checkPublishers, type PublisherClaim, type PublisherPolicy } from '../publisher/index.ts';
import { parseBundle, verifyBundle, type SigstoreTrust } from '../sigstore/index.ts';
import type { SignerInfo, VerifiedBundle } from '../sigstore/types.ts';
import { attestationToBundle } from './bundle.ts';
import { checkStatement } from './statement.ts';
import type {
  Attestation,
  AttestationResult,
  CertificateFacts,
  Distribution,
  LogEntryFacts,
  Provenance,
} from './types.ts';
import { atAttestation } from './where.ts';

// Verifying PEP 740 objects: pure functions over parsed objects, the trust
// material and the distribution's name and digest. No I/O here; the CLI reads.

export interface VerifyOptions {
  dist: Distribution;
  /** The publisher the operator expects; undefined: not pinned (reported). */
  expected?: PublisherPolicy | undefined;
  /** File name for messages. */
  file: string;
}

export function certificateFacts(s: SignerInfo): CertificateFacts {
  return {
    identity: s.identity,
    identityType: s.identityType,
    issuer: s.issuer ?? null,
    notBefore: s.notBefore,
    notAfter: s.notAfter,
    extensions: s.extensions,
  };
}

/** Rekor v1 integrated times are Unix seconds; shown as ISO-8601. */
export function isoTime(t: string | number | undefined | null): string | null {
  if (t === undefined || t === null || t === '') return null;
  const s = String(t);
  // Beyond what a Date holds (year 275760), the text is shown as it is rather than thrown on.
  const d = /^\d{1,15}$/.test(s) ? new Date(Number(s) * 1000) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : s;
}

function logFacts(v: VerifiedBundle): LogEntryFacts[] {
  return v.tlogEntries.map((e) => ({
    logIndex: e.logIndex,
    logId: e.logId,
    kind: e.kind,
    kindVersion: e.kindVersion,
    integratedTime: isoTime(e.integratedTime),
  }));
}

/**
 * Verifies one attestation: the Sigstore bundle it converts to (certificate
 * chain, log entries, signature over the statement), then the statement
 * against the distribution, then the certificate against the publishers.
 */
export function verifyAttestation(
  att: Attestation,
  trust: SigstoreTrust,
  opts: VerifyOptions & { claim?: PublisherClaim | undefined; pointer?: string },
): AttestationResult {
  const { file, dist } = opts;
  const pointer = opts.pointer ?? '/';
  const where = pointer === '/' ? { file } : { file, field: pointer };
  let verified: VerifiedBundle;
  try {
    verified = verifyBundle(parseBundle(attestationToBundle(att), file), trust, { file });
  } catch (e) {
    throw atAttestation(e, file, pointer);
  }
  if (!verified.dsse) throw new Pep740Error('STATEMENT_TYPE', 'the verified bundle carries no DSSE statement', where);
  const statement = checkStatement(verified.dsse.payloadType, verified.dsse.payload, dist, where);
  const publisher = checkPublishers(verified.signer, { expected: opts.expected, claim: opts.claim, where });
  return {
    pointer,
    predicateType: statement.predicateType,
    subject: statement.subject,
    publisher,
    certificate: certificateFacts(verified.signer),
    tlogEntries: logFacts(verified),
    timestamps: verified.timestamps.map((t) => ({ kind: t.kind, time: t.time, source: t.source })),
  };
}

/** Every attestation of every bundle must verify; a provenance with none fails. */
export function verifyProvenance(prov: Provenance, trust: SigstoreTrust, opts: VerifyOptions): AttestationResult[] {
  const results: AttestationResult[] = [];
  if (prov.attestation_bundles.length === 0) {
    throw new Pep740Error('NO_ATTESTATIONS', 'the provenance holds no attestation bundle', {
      file: opts.file,
      field: '/attestation_bundles',
    });
  }
  prov.attestation_bundles.forEach((b, i) => {
    if (b.attestations.length === 0) {
      throw new Pep740Error(
        'NO_ATTESTATIONS',
        `attestation bundle ${i} (${b.publisher.kind} publisher) holds no attestation`,
        { file: opts.file, field: `/attestation_bundles/${i}/attestations` },
      );
    }
    b.attestations.forEach((a, j) => {
      results.push(
        verifyAttestation(a, trust, {
          ...opts,
          claim: b.publisher,
          pointer: `/attestation_bundles/${i}/attestations/${j}`,
        }),
      );
    });
  });
  return results;
}
