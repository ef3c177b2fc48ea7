import { esc } from '../util/text.ts';
import { describePolicy, type PublisherPolicy } from '../publisher/index.ts';
import type { InspectedAttestation } from './inspect.ts';
import type { AttestationResult } from './types.ts';

// Reports of `attest verify` and `attest inspect`: one JSON shape each
// (schemas/attest-report.schema.json) and its text rendering.

export interface VerifyReport {
  ok: true;
  command: 'attest verify';
  file: string;
  sha256: string;
  size: number;
  source: { kind: 'provenance' | 'attestation'; file: string };
  trust: { trustedRoot: string; trustDir: string | null; now: string };
  publisher: { pinned: boolean; expected: PublisherPolicy | null; note: string };
  attestations: AttestationResult[];
}

export interface InspectReport {
  ok: true;
  command: 'attest inspect';
  verified: false;
  file: string;
  source: { kind: 'provenance' | 'attestation' };
  attestations: InspectedAttestation[];
}

export function publisherNote(expected: PublisherPolicy | undefined, source: 'provenance' | 'attestation'): string {
  if (expected) return `pinned to ${describePolicy(expected)}`;
  return source === 'provenance'
    ? "not pinned: each certificate was checked only against the provenance's own publisher claim (give " +
        '--repository/--workflow or --identity/--issuer to pin it)'
    : 'not pinned: a bare attestation names no publisher, so any Sigstore identity would have passed (give ' +
        '--repository/--workflow or --identity/--issuer to pin it)';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function logLines(
  entries: Array<{ logIndex: string; logId: string; kind: string; kindVersion: string; integratedTime: string | null }>,
): string[] {
  return entries.map(
    (e) =>
      esc`    log entry: ${e.kind} ${e.kindVersion}, index ${e.logIndex}, ` +
      esc`${e.integratedTime ? esc`integrated ${e.integratedTime}` : 'no integrated time'}, log ${e.logId}`,
  );
}

export function formatVerifyReport(r: VerifyReport): string {
  const from = r.trust.trustDir ? esc` (from TUF copy ${r.trust.trustDir}, checked at ${r.trust.now})` : '';
  const lines = [
    esc`OK ${r.file}`,
    esc`  sha256 ${r.sha256} (${r.size} bytes)`,
    esc`  ${r.source.kind} ${r.source.file}: ${plural(r.attestations.length, 'attestation')}, all verified`,
    esc`  trusted root ${r.trust.trustedRoot}${from}`,
    esc`  publisher ${r.publisher.note}`,
  ];
  for (const a of r.attestations) {
    lines.push(esc`  attestation ${a.pointer}`);
    lines.push(esc`    predicate: ${a.predicateType}`);
    lines.push(esc`    subject: ${a.subject.name} sha256:${a.subject.sha256}`);
    if (a.publisher.claimed)
      lines.push(esc`    provenance publisher: ${describePolicy(a.publisher.claimed)} (matches the certificate)`);
    lines.push(esc`    certificate: ${a.certificate.identity} (issuer ${a.certificate.issuer ?? 'none'})`);
    lines.push(...logLines(a.tlogEntries));
  }
  return lines.join('\n');
}

export function formatInspectReport(r: InspectReport): string {
  const lines = [
    esc`${r.file}: ${r.source.kind}, ${plural(r.attestations.length, 'attestation')}`,
    'NOT VERIFIED: this shows what the attestations claim; use `airlock attest verify` to check them.',
  ];
  for (const a of r.attestations) {
    lines.push(esc`  attestation ${a.pointer}`);
    lines.push(esc`    publisher (claimed): ${a.publisher ? JSON.stringify(a.publisher) : 'none (bare attestation)'}`);
    lines.push(
      esc`    certificate: ${a.certificate.identity} (${a.certificate.identityType}), issuer ` +
        esc`${a.certificate.issuer ?? 'none'}, valid ${a.certificate.notBefore} .. ${a.certificate.notAfter}`,
    );
    for (const [k, v] of Object.entries(a.certificate.extensions)) lines.push(esc`      ${k}: ${v}`);
    lines.push(...logLines(a.tlogEntries));
    if (a.statementError) lines.push(esc`    statement: unreadable (${a.statementError})`);
    else {
      lines.push(esc`    statement type: ${String(a.statementType)}`);
      lines.push(esc`    predicate type: ${String(a.predicateType)}`);
      for (const s of a.subjects) lines.push(esc`    subject: ${String(s.name)} sha256:${String(s.sha256)}`);
    }
  }
  return lines.join('\n');
}
