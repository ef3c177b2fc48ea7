// `lock annotate`: the I/O edge of lib/lock/annotate*.ts on the connected side.
import { resolve } from 'node:path';
import type { CommandResult } from '../output.ts';
import type { ErrorCode } from '../../errors.ts';
import {
  decidePackage,
  verifyLockedProvenance,
  type LockedFileFacts,
  type PackageDecision,
} from '../../lock/annotate.ts';
import { identitiesPresent, identityToml, insertIdentities, type LockIdentity } from '../../lock/annotate-text.ts';
import { parsePylock, readLockText, type LockEntry } from '../../lock/index.ts';
import { describeEntries } from '../../policy/entry.ts';
import type { PublisherEntry } from '../../policy/types.ts';
import { writeFileAtomic } from '../../util/atomic.ts';
import { parseJson } from '../../util/json.ts';
import { esc } from '../../util/text.ts';
import { parseNow } from '../../util/time.ts';
import { checkSourceArgs, tufSource, type SourceArgs } from './bundle.ts';

export interface LockAnnotateArgs extends SourceArgs {
  lock: string;
  output?: string | undefined;
  json: boolean;
}

export interface AnnotatedPackage {
  name: string;
  version: string;
  /** The package's key in the lock, `packages[N]`. */
  field: string;
  status: 'annotated' | 'kept' | 'not-annotated';
  /** annotated: the identities added. */
  identities?: LockIdentity[];
  /** annotated: the exact text inserted. */
  added?: string;
  /** not-annotated: why. */
  code?: ErrorCode;
  message?: string;
  /** not-annotated: the publishers the verified certificates showed. */
  publishers?: PublisherEntry[];
}

export interface AnnotateReport {
  ok: boolean;
  command: 'lock annotate';
  lock: string;
  output: string;
  /** Whether the output's bytes differ from the lock's. */
  changed: boolean;
  written: boolean;
  packages: AnnotatedPackage[];
}

/** Verified facts for each file of `todo`, by entry: lib/sources fetches, lib/pep740 verifies (any failure throws). */
async function verifiedFiles(
  a: LockAnnotateArgs,
  todo: LockEntry[],
  now: Date,
): Promise<Map<LockEntry, LockedFileFacts[]>> {
  const { checkTuf, fetchLockedProvenance, httpOptions, parseBaseUrl } = await import('../../sources/index.ts');
  const { loadTrustMaterial } = await import('../../sigstore/index.ts');
  const { REQUIRED_TARGET } = await import('../../tuf/index.ts');
  const indexUrl = parseBaseUrl(a.indexUrl, '--index-url');
  const { pinned, tuf } = await tufSource(a);
  const http = httpOptions(a.timeout);
  // TUF first, as `bundle` does: a copy that does not verify makes the rest moot.
  const { checked } = await checkTuf(tuf, pinned, now, http);
  const target = checked.result.targetFiles.find((t) => t.name === REQUIRED_TARGET);
  const label = target?.path ?? REQUIRED_TARGET;
  const trust = loadTrustMaterial(parseJson(checked.trustedRoot, label), label);
  const files = await fetchLockedProvenance(todo, { indexUrl, jobs: a.jobs, http });
  const out = new Map<LockEntry, LockedFileFacts[]>(todo.map((e) => [e, []]));
  for (const f of files) {
    const dist = { filename: f.filename, sha256: f.sha256 };
    const attestations = f.provenance
      ? verifyLockedProvenance(f.provenance.bytes, f.provenance.url.href, dist, trust)
      : null;
    out.get(f.entry)!.push({ filename: f.filename, attestations });
  }
  return out;
}

function packageLine(p: AnnotatedPackage): string {
  const head = esc`${p.name}==${p.version} (${p.field})`;
  switch (p.status) {
    case 'annotated':
      return `  annotated      ${head}: ${esc`${describeEntries(p.identities ?? [])}`}`;
    case 'kept':
      return `  kept           ${head}: has attestation-identities already, left as it is`;
    case 'not-annotated':
      return `  NOT annotated  ${head}: ${p.code}: ${esc`${p.message ?? ''}`}`;
  }
}

function reportText(r: AnnotateReport): string {
  const count = (s: AnnotatedPackage['status']) => r.packages.filter((p) => p.status === s).length;
  const lines = [esc`lock annotate: ${r.lock}`, ...r.packages.map(packageLine)];
  const added = r.packages.filter((p) => p.status === 'annotated');
  if (added.length) {
    lines.push(esc`added to ${r.output} (review and commit this change):`);
    for (const p of added) {
      lines.push(esc`  ${p.field} ${p.name}==${p.version}:`);
      for (const id of p.identities ?? []) lines.push(esc`    ${identityToml(id)}`);
    }
  }
  const where = r.written ? esc`wrote ${r.output}` : esc`${r.output} unchanged`;
  lines.push(
    `${count('annotated')} annotated, ${count('kept')} kept, ${count('not-annotated')} not annotated; ${where}`,
  );
  return `${lines.join('\n')}\n`;
}

function outcome(e: LockEntry, d: PackageDecision | undefined): AnnotatedPackage {
  const base = { name: e.name, version: e.version, field: e.field };
  if (!d) return { ...base, status: 'kept' };
  if (d.outcome === 'annotate') return { ...base, status: 'annotated', identities: d.identities };
  return { ...base, status: 'not-annotated', code: d.code, message: d.message, publishers: d.publishers };
}

export async function annotate(a: LockAnnotateArgs): Promise<CommandResult> {
  checkSourceArgs(a);
  const now = parseNow(a.now);
  const output = a.output ?? a.lock;
  const raw = await readLockText(a.lock, { keepBom: true });
  // A byte order mark is kept as it is, outside what the TOML readers see.
  const bom = raw.startsWith('\uFEFF') ? '\uFEFF' : '';
  const text = raw.slice(bom.length);
  const entries = parsePylock(text, a.lock);
  const present = identitiesPresent(text, a.lock);
  const todo = entries.filter((_, i) => !present[i]);
  // Refused before any download: a lock this command cannot edit never costs a run.
  const placeholder: LockIdentity = { kind: 'Google', email: 'placeholder@example.invalid' };
  insertIdentities(
    text,
    todo.map((e) => ({ index: entries.indexOf(e), identities: [placeholder] })),
    a.lock,
  );

  const decisions = new Map<LockEntry, PackageDecision>();
  if (todo.length) {
    for (const [e, files] of await verifiedFiles(a, todo, now)) decisions.set(e, decidePackage(files));
  }
  const additions = entries.flatMap((e, index) => {
    const d = decisions.get(e);
    return d?.outcome === 'annotate' ? [{ index, identities: d.identities }] : [];
  });
  const edited = insertIdentities(text, additions, a.lock);
  const packages = entries.map((e, i) => {
    const p = outcome(e, decisions.get(e));
    const added = edited.snippets.get(i);
    return added !== undefined ? { ...p, added } : p;
  });
  const changed = edited.text !== text;
  const inPlace = resolve(output) === resolve(a.lock);
  const written = changed || !inPlace;
  if (written) await writeFileAtomic(output, bom + edited.text);
  const report: AnnotateReport = {
    ok: packages.every((p) => p.status !== 'not-annotated'),
    command: 'lock annotate',
    lock: a.lock,
    output,
    changed,
    written,
    packages,
  };
  return { exitCode: report.ok ? 0 : 1, text: reportText(report), json: report };
}
