import { UsageError } from '../errors.ts';

// Time is an input: every clock-dependent check takes `now` from here, never
// from the data being checked (file times, archive times, metadata itself).

const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** Parses `--now`: a full ISO-8601 date-time with a zone, or a date (UTC midnight). */
export function parseNow(text: string | undefined, option = '--now'): Date {
  if (text === undefined) return new Date();
  const m = ISO_DATETIME.exec(text.trim());
  const hasTime = m?.[4] !== undefined;
  if (!m || (hasTime && m[8] === undefined)) {
    throw new UsageError(
      'USAGE',
      `${option} must be an ISO-8601 date-time with a zone (e.g. 2026-08-22T00:00:00Z) or a date, got '${text}'`,
    );
  }
  const d = new Date(hasTime ? text.trim().replace(' ', 'T') : `${text.trim()}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || Number(m[2]) > 12 || Number(m[3]) > 31) {
    throw new UsageError('USAGE', `${option} is not a valid date-time: '${text}'`);
  }
  return d;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses a duration such as `14d`, `36h`, `90m`, `1w2d`, or `0`. Returns milliseconds. */
export function parseDuration(text: string, option = '--grace'): number {
  const s = text.trim();
  if (s === '0') return 0;
  if (!/^(\d+[smhdw])+$/.test(s)) {
    throw new UsageError('USAGE', `${option} must be a duration like 14d, 36h, 90m or 1w2d, got '${text}'`);
  }
  let total = 0;
  for (const [, n, unit] of s.matchAll(/(\d+)([smhdw])/g)) total += Number(n) * UNIT_MS[unit!]!;
  if (!Number.isSafeInteger(total)) throw new UsageError('USAGE', `${option} is too large: '${text}'`);
  return total;
}

export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.length ? parts.join('') : '0s';
}
