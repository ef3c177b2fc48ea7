import { canonicalize } from '@tufjs/canonical-json';
import { ExportError } from '../errors.ts';
import type { Beside } from './layout.ts';
import { cmp, type ExportRecord, type RecordFile, type RecordProject } from './record.ts';

// How this export's files join what the record already holds: bytes never
// change under a name (a difference is a conflict), index fields follow the
// newest bundle, and the serial moves only when something changed.

export class Conflicts {
  readonly list: Array<{ rel: string; why: string }> = [];
  add(rel: string, why: string): void {
    this.list.push({ rel, why });
  }
  throwIfAny(): void {
    const first = this.list[0];
    if (!first) return;
    const more = this.list.length > 1 ? ` (and ${this.list.length - 1} more)` : '';
    throw new ExportError('EXPORT_CONFLICT', `${first.why}; nothing was changed${more}`, { file: first.rel });
  }
}

/** The existing record entry, merged with what this export brings for the same file. */
export function merge(
  old: RecordFile | undefined,
  next: RecordFile,
  distRel: string,
  rel: (k: Beside) => string,
  c: Conflicts,
): RecordFile {
  if (!old) return next;
  if (old.sha256 !== next.sha256 || old.size !== next.size) {
    c.add(distRel, `already exported with sha256 ${old.sha256}, this one has ${next.sha256}`);
    return old;
  }
  // Index fields follow the newest bundle (a file may be yanked or unyanked since); bytes never change.
  const { coreMetadata: _m, provenance: _p, vsa: _v, ...fields } = next;
  const out: RecordFile = fields;
  for (const [k, key] of [
    ['metadata', 'coreMetadata'],
    ['provenance', 'provenance'],
    ['vsa', 'vsa'],
  ] as const) {
    const a = old[key];
    const b = next[key];
    if (a && b && a.sha256 !== b.sha256)
      c.add(rel(k), `already exported with sha256 ${a.sha256}, this one has ${b.sha256}`);
    const keep = a ?? b;
    if (keep) out[key] = keep;
  }
  return out;
}

function withoutSerial(p: RecordProject | undefined): string {
  if (!p) return '';
  const { serial: _s, ...rest } = p;
  // Canonical JSON (sorted keys): the same content compares equal whatever order its fields were built in.
  return canonicalize({ ...rest, files: [...rest.files].sort((a, b) => cmp(a.filename, b.filename)) }) as string;
}

/**
 * The serial moves only when something changed; a project keeps the serial at which it last changed. Only the
 * `touched` projects (those this export names) can have changed: the others are not compared, so an export costs
 * the projects it brings, not every project already there.
 */
export function nextRecord(
  prior: ExportRecord,
  projects: RecordProject[],
  reports: string[],
  touched: ReadonlySet<string>,
): ExportRecord {
  const old = new Map(prior.projects.map((p) => [p.name, p]));
  const changed = projects.filter((p) => touched.has(p.name) && withoutSerial(p) !== withoutSerial(old.get(p.name)));
  const reportsChanged = reports.length !== prior.reports.length;
  if (changed.length === 0 && !reportsChanged) return prior;
  const serial = prior.serial + 1;
  const names = new Set(changed.map((p) => p.name));
  return {
    ...prior,
    serial,
    projects: projects.map((p) => (names.has(p.name) ? { ...p, serial } : p)).sort((a, b) => cmp(a.name, b.name)),
    reports: [...reports].sort(cmp),
  };
}
