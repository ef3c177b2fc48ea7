import { InputError, errorMessage } from '../errors.ts';
import type { PublisherClaim } from '../publisher/types.ts';
import { parseBundle, signerFromCertificate } from '../sigstore/index.ts';
import { attestationToBundle } from './bundle.ts';
import { decodeStatement } from './statement.ts';
import type { Attestation, CertificateFacts, LogEntryFacts, Provenance } from './types.ts';
import { certificateFacts, isoTime } from './verify.ts';
import { atAttestation } from './where.ts';

// What an attestation says, without verifying any of it: for `attest inspect`.
// Structure is still checked (a certificate that does not parse is an error),
// but nothing here is evidence of anything.

export interface InspectedAttestation {
  pointer: string;
  /** The provenance's publisher claim; null for a bare attestation. */
  publisher: PublisherClaim | null;
  certificate: CertificateFacts;
  tlogEntries: LogEntryFacts[];
  statementType: unknown;
  predicateType: unknown;
  subjects: Array<{ name: unknown; sha256: unknown }>;
  /** Set when the statement is not a JSON object. */
  statementError?: string;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function logEntries(att: Attestation): LogEntryFacts[] {
  return att.verification_material.transparency_entries.map((e) => ({
    logIndex: str(e.logIndex),
    logId: str(rec(e.logId).keyId),
    kind: str(rec(e.kindVersion).kind),
    kindVersion: str(rec(e.kindVersion).version),
    integratedTime: isoTime(str(e.integratedTime)),
  }));
}

export function inspectAttestation(
  att: Attestation,
  claim: PublisherClaim | null,
  file: string,
  pointer = '/',
): InspectedAttestation {
  let certificate: CertificateFacts;
  try {
    const parsed = parseBundle(attestationToBundle(att), file);
    if (!parsed.certificate) throw new InputError('SCHEMA_INVALID', 'no signing certificate', { file });
    certificate = certificateFacts(signerFromCertificate(parsed.certificate));
  } catch (e) {
    throw atAttestation(e, file, pointer);
  }
  const out: InspectedAttestation = {
    pointer,
    publisher: claim,
    certificate,
    tlogEntries: logEntries(att),
    statementType: null,
    predicateType: null,
    subjects: [],
  };
  try {
    const st = decodeStatement(Buffer.from(att.envelope.statement, 'base64'), { file });
    out.statementType = st._type ?? null;
    out.predicateType = st.predicateType ?? null;
    out.subjects = (Array.isArray(st.subject) ? st.subject : []).map((s: unknown) => ({
      name: rec(s).name ?? null,
      sha256: rec(rec(s).digest).sha256 ?? null,
    }));
  } catch (e) {
    out.statementError = errorMessage(e);
  }
  return out;
}

export function inspectProvenance(prov: Provenance, file: string): InspectedAttestation[] {
  return prov.attestation_bundles.flatMap((b, i) =>
    b.attestations.map((a, j) =>
      inspectAttestation(a, b.publisher, file, `/attestation_bundles/${i}/attestations/${j}`),
    ),
  );
}
