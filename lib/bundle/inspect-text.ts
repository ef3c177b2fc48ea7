import type { InspectReport } from './inspect.ts';
import type { Publisher } from './publishers.ts';

// The text form of `airlock inspect`: the warning first, then packages with
// their files and claimed publishers, the TUF summary, every member.

function describePublisher(p: Publisher): string {
  const { kind, repository, workflow, workflow_filepath: wfPath, environment, email, ...rest } = p;
  const parts = [kind ?? 'unknown', repository ?? email ?? ''];
  if (workflow ?? wfPath) parts.push(`workflow ${workflow ?? wfPath}`);
  if (environment) parts.push(`environment ${environment}`);
  for (const [k, v] of Object.entries(rest)) if (v) parts.push(`${k} ${v}`);
  return parts.filter(Boolean).join(' ');
}

export function formatInspectReport(r: InspectReport): string {
  const out: string[] = [];
  out.push(
    `Bundle ${r.bundle.path} (${r.bundle.compression === 'none' ? 'tar' : `tar, ${r.bundle.compression}`}, ${r.bundle.size} bytes)`,
  );
  out.push(r.note);
  out.push(`Created ${r.createdAt} by ${r.tool.name} ${r.tool.version}`);
  for (const [k, v] of Object.entries(r.sources)) out.push(`  source ${k}: ${v}`);
  out.push('');
  out.push(`Packages (${r.totals.packages}, ${r.totals.files} files, ${r.totals.withProvenance} with provenance):`);
  for (const p of r.packages) {
    out.push(`  ${p.name} ${p.version}${p.indexPage ? `  (index page ${p.indexPage})` : ''}`);
    for (const f of p.files) {
      out.push(`    ${f.filename}  ${f.size} bytes  sha256 ${f.sha256}${f.yanked ? '  YANKED' : ''}`);
      if (f.provenance === null) out.push('      provenance: none');
      else if (f.provenance.publishers.length === 0)
        out.push(`      provenance: ${f.provenance.path} (${f.provenance.error ?? 'no publisher'})`);
      else
        for (const pub of f.provenance.publishers)
          out.push(`      provenance: publisher ${describePublisher(pub)} (claimed, not verified)`);
      if (f.coreMetadata) out.push(`      core metadata: ${f.coreMetadata}`);
    }
  }
  out.push('');
  if (r.tuf === null) out.push('TUF: none');
  else {
    const t = r.tuf!;
    out.push(
      `TUF${t.instance ? ` (${t.instance})` : ''}: root v${t.rootVersion}, from pinned root ${t.pinnedRoot.label} v${t.pinnedRoot.version}`,
    );
    for (const role of ['timestamp', 'snapshot', 'targets'] as const)
      out.push(`  ${role} v${t[role].version}, expires ${t[role].expires}`);
  }
  out.push('');
  out.push(`Members (${r.totals.members}, ${r.totals.bytes} bytes):`);
  for (const m of r.members) out.push(`  ${m.sha256}  ${String(m.size).padStart(10)}  ${m.role.padEnd(14)}  ${m.path}`);
  return `${out.join('\n')}\n`;
}
