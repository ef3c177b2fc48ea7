import { printable } from '../bundle/paths.ts';
import { formatDuration } from '../util/time.ts';
import type { FileVerdict, VerifyReport } from './types.ts';

// The terminal form of the report: what was trusted, then one line per file
// (project, version, file, publisher, verdict, reason). Every string that
// came from the bundle is escaped: it may carry terminal control sequences.

const t = (s: string): string => printable(s);

function publisherText(f: FileVerdict): string {
  const p = f.publisher;
  if (!p) return f.admittedBy === 'hash' ? 'by hash' : '-';
  const id = p.repository ?? p.email ?? p.identity ?? '';
  const wf = p.workflow ?? p.workflow_filepath;
  return `${p.kind} ${id}${wf ? ` ${wf}` : ''}`;
}

function fileLine(f: FileVerdict): string {
  const head = `${f.verdict.toUpperCase().padEnd(12)} ${t(f.project)} ${t(f.version)} ${t(f.filename)}`;
  const accepted = f.verdict === 'accepted' ? ` [${t(publisherText(f))}; ${f.decidedBy.map(t).join(', ')}]` : '';
  const by = f.decidedBy.length ? ` [${f.decidedBy.map(t).join(', ')}]` : '';
  const why = f.code ? `\n             ${f.code}: ${t(f.message ?? '')}${by}` : '';
  const dropped = (f.dropped ?? []).map((d) => `\n             dropped ${t(d.member)}: ${t(d.reason)}`).join('');
  return `${head}${accepted}${why}${dropped}`;
}

function lockLines(r: VerifyReport): string[] {
  const l = r.lock;
  if (!l) return [];
  const out: string[] = [];
  if (l.decides)
    out.push(`lock     ${t(l.file ?? '')} (sha256 ${l.sha256}) decides, vouched for by ${t(l.vouchedBy ?? '')}`);
  if (l.carried && !l.carried.used)
    out.push(`lock     the bundle's lock (sha256 ${l.carried.sha256}) ${t(l.carried.note)}`);
  return out;
}

export function formatVerifyReport(r: VerifyReport): string {
  const lines: string[] = [];
  lines.push(`bundle   ${t(r.archive)}`);
  const grace = r.graceUsed ? `, expired metadata accepted within --grace ${formatDuration(r.graceMs)}` : '';
  lines.push(`now      ${r.now} (${r.nowSource === 'clock' ? 'system clock' : '--now'})${grace}`);
  if (r.trust) {
    const x = r.trust;
    lines.push(
      `trust    ${t(x.pinnedRoot.label)} -> root v${x.rootVersion}, timestamp v${x.timestamp.version} (expires ` +
        `${x.timestamp.expires}), snapshot v${x.snapshot.version}, targets v${x.targets.version}`,
    );
  }
  lines.push(`policy   ${t(r.policy.uri)} (sha256 ${r.policy.sha256})`);
  lines.push(...lockLines(r));
  if (r.signature?.status === 'verified')
    lines.push(
      `signed   by key ${r.signature.keyid}` +
        (r.signature.trustedSigner ? ' (a trusted signer)' : ' (no trusted signer configured)'),
    );
  else if (r.signature) lines.push('signed   no (unsigned bundle)');
  if (r.failure) {
    const where = [r.failure.file, r.failure.field]
      .filter(Boolean)
      .map((s) => t(s!))
      .join(': ');
    lines.push(`REFUSED  ${r.failure.code}: ${where ? `${where}: ` : ''}${t(r.failure.message)}`);
    lines.push('         no file of this bundle is accepted');
  }
  for (const p of r.projects)
    if (p.status) lines.push(`project  ${t(p.name)}: status ${t(p.status.status)} (unverified, from the index page)`);
  if (r.unusedAcceptChange?.length)
    lines.push(`note     --accept-change ${r.unusedAcceptChange.map(t).join(', ')}: nothing changed, nothing accepted`);
  lines.push('');
  for (const f of r.files) lines.push(fileLine(f));
  const s = r.summary;
  lines.push('');
  lines.push(`${s.accepted} accepted, ${s.refused} refused, ${s.notVerified} not verified`);
  return lines.join('\n');
}
