// `airlock log`: the I/O edge of lib/audit. Loaded only when the command runs.
import { printable } from '../../bundle/paths.ts';
import { readAuditLog, type AuditEntry, type AuditLog } from '../../audit/index.ts';
import { describeEntries } from '../../policy/index.ts';
import type { PublisherEntry } from '../../policy/index.ts';
import { defaultStateDir } from '../../tuf/index.ts';
import type { CommandResult } from '../output.ts';

const pubs = (list: readonly { kind: string }[]) => describeEntries(list as PublisherEntry[]);

/** Every value comes from the log file, which anyone with write access to the state can edit: escaped. */
function entryLine(e: AuditEntry): string {
  const head = `${e.seq}  ${e.time} (${e.timeSource === 'clock' ? 'clock' : '--now'})  ${e.event}`;
  switch (e.event) {
    case 'verdict': {
      const refused = e.refused.map((f) => `${f.filename} ${f.code ?? f.verdict}`).join(', ');
      const trust = e.trust ? `TUF root ${e.trust.root} timestamp ${e.trust.timestamp}` : 'TUF not checked';
      return printable(
        `${head} ${e.command} exit ${e.exitCode}${e.failure ? ` ${e.failure.code}` : ''}  ` +
          `${e.bundle.path} sha256:${e.bundle.sha256}  ${trust}  policy sha256:${e.policy.sha256}  ` +
          `${e.accepted.length} accepted, ${e.refused.length} not${refused ? ` (${refused})` : ''}`,
      );
    }
    case 'accept-new':
    case 'accept-change':
      return printable(
        `${head} ${e.project}: ${e.old ? `${pubs(e.old.publishers)} -> ` : ''}${pubs(e.new.publishers)} ` +
          `(provenance ${e.new.provenance ? 'yes' : 'no'})`,
      );
    case 'pins-forget':
      return printable(`${head} ${e.project}: was ${pubs(e.removed.publishers)}`);
  }
}

function chainLine(l: AuditLog): string {
  if (l.broken) return `chain BROKEN at ${printable(l.broken.field ?? '')}: ${printable(l.broken.message)}`;
  return `chain intact: ${l.entries.length} line(s), head ${l.head}`;
}

export async function log(args: Record<string, unknown>): Promise<CommandResult> {
  const state = typeof args.state === 'string' ? args.state : defaultStateDir();
  const l = await readAuditLog(state);
  // `log --check` fails on a broken chain; `log` shows what precedes the break and says where it is.
  if (args.check === true && l.broken) throw l.broken;
  const lines = [`log      ${printable(l.file)}`];
  if (args.check !== true) lines.push(...l.entries.map(entryLine));
  lines.push(chainLine(l));
  return {
    exitCode: 0,
    text: lines.join('\n'),
    json: {
      ok: l.broken === undefined,
      command: args.check === true ? 'log --check' : 'log',
      file: l.file,
      lines: l.entries.length,
      head: l.head,
      ...(l.broken ? { broken: l.broken.toJSON() } : {}),
      ...(args.check === true ? {} : { entries: l.entries }),
    },
  };
}
