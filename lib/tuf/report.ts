import { esc } from '../util/text.ts';
import { formatDuration } from '../util/time.ts';
import type { RoleInfo, TrustResult } from './types.ts';

// What `airlock trust verify` prints: text for people, one JSON object
// (schemas/trust-report.schema.json) for scripts.

export interface StateInfo {
  file: string;
  previousRootVersion?: number | undefined;
}

function roleJson(r: RoleInfo): Record<string, unknown> {
  return r.expiredBy === undefined
    ? { version: r.version, expires: r.expires }
    : { version: r.version, expires: r.expires, expiredByMs: r.expiredBy };
}

export function trustReportJson(dir: string, r: TrustResult, state: StateInfo): Record<string, unknown> {
  return {
    ok: true,
    dir,
    pinned: r.pinned,
    now: r.now,
    graceMs: r.graceMs,
    graceUsed: r.graceUsed,
    roles: {
      root: roleJson(r.root),
      timestamp: roleJson(r.timestamp),
      snapshot: roleJson(r.snapshot),
      targets: roleJson(r.targets),
    },
    targets: r.targetFiles.map((t) => ({ name: t.name, length: t.length, sha256: t.sha256, path: t.path })),
    files: r.files,
    state: {
      file: state.file,
      rootVersion: r.newState.rootVersion,
      ...(state.previousRootVersion !== undefined ? { previousRootVersion: state.previousRootVersion } : {}),
    },
  };
}

function roleLine(name: string, r: RoleInfo): string {
  const grace =
    r.expiredBy === undefined ? '' : esc`  EXPIRED ${formatDuration(r.expiredBy)} ago, accepted within --grace`;
  return esc`  ${name.padEnd(10)} v${String(r.version).padEnd(6)} expires ${r.expires}${grace}`;
}

export function formatTrustReport(dir: string, r: TrustResult, state: StateInfo): string {
  const lines = [
    esc`trust verified: ${dir}`,
    esc`  pinned root ${r.pinned.label} (v${r.pinned.version}, sha256 ${r.pinned.sha256})`,
    esc`  now ${r.now}, grace ${formatDuration(r.graceMs)}${r.graceUsed ? ' (USED)' : ' (not used)'}`,
    roleLine('root', r.root),
    roleLine('timestamp', r.timestamp),
    roleLine('snapshot', r.snapshot),
    roleLine('targets', r.targets),
    'verified targets:',
    ...r.targetFiles.map((t) => esc`  ${t.name.padEnd(26)} sha256 ${t.sha256}  ${t.length} bytes`),
    esc`state: ${state.file} (root v${r.newState.rootVersion}, timestamp v${r.newState.timestamp}, snapshot ` +
      esc`v${r.newState.snapshot}, targets v${r.newState.targets})`,
  ];
  return `${lines.join('\n')}\n`;
}
