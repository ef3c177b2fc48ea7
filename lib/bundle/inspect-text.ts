import { esc } from '../util/text.ts';
import type { InspectReport } from './inspect.ts';
import type { Publisher } from './publishers.ts';

// The text form of `airlock inspect`: the warning first, then packages with
// their files and claimed publishers, the TUF summary, every member.

function describePublisher(p: Publisher): string {
  const { kind, repository, workflow, workflow_filepath: wfPath, environment, email, ...rest } = p;
  const parts = [kind ?? 'unknown', repository ?? email ?? ''];
  if (workflow ?? wfPath) parts.push(esc`workflow ${workflow ?? wfPath}`);
  if (environment) parts.push(esc`environment ${environment}`);
  for (const [k, v] of Object.entries(rest)) if (v) parts.push(esc`${k} ${v}`);
  return parts.filter(Boolean).join(' ');
}

export function formatInspectReport(r: InspectReport): string {
  const out: string[] = [];
  out.push(
    esc`Bundle ${r.bundle.path} (${r.bundle.compression === 'none' ? 'tar' : esc`tar, ${r.bundle.compression}`}, ` +
      esc`${r.bundle.size} bytes)`,
  );
  out.push(r.note);
  out.push(esc`Created ${r.createdAt} by ${r.tool.name} ${r.tool.version}`);
  for (const [k, v] of Object.entries(r.sources)) out.push(esc`  source ${k}: ${v}`);
  out.push('');
  out.push(esc`Packages (${r.totals.packages}, ${r.totals.files} files, ${r.totals.withProvenance} with provenance):`);
  for (const p of r.packages) {
    out.push(esc`  ${p.name} ${p.version}${p.indexPage ? esc`  (index page ${p.indexPage})` : ''}`);
    for (const f of p.files) {
      out.push(esc`    ${f.filename}  ${f.size} bytes  sha256 ${f.sha256}${f.yanked ? '  YANKED' : ''}`);
      if (f.provenance === null) out.push('      provenance: none');
      else if (f.provenance.publishers.length === 0)
        out.push(esc`      provenance: ${f.provenance.path} (${f.provenance.error ?? 'no publisher'})`);
      else
        for (const pub of f.provenance.publishers)
          out.push(esc`      provenance: publisher ${describePublisher(pub)} (claimed, not verified)`);
      if (f.coreMetadata) out.push(esc`      core metadata: ${f.coreMetadata}`);
    }
  }
  out.push('');
  if (r.tuf === null) out.push('TUF: none');
  else {
    const t = r.tuf!;
    out.push(
      esc`TUF${t.instance ? esc` (${t.instance})` : ''}: root v${t.rootVersion}, from pinned root ` +
        esc`${t.pinnedRoot.label} v${t.pinnedRoot.version}`,
    );
    for (const role of ['timestamp', 'snapshot', 'targets'] as const)
      out.push(esc`  ${role} v${t[role].version}, expires ${t[role].expires}`);
  }
  out.push('');
  out.push(esc`Members (${r.totals.members}, ${r.totals.bytes} bytes):`);
  for (const m of r.members)
    out.push(esc`  ${m.sha256}  ${String(m.size).padStart(10)}  ${m.role.padEnd(14)}  ${m.path}`);
  return `${out.join('\n')}\n`;
}
