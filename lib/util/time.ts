import { UsageError } from '../errors.ts';

// Time is an input: every clock-dependent check takes `now` from here, never
// from the data being checked (file times, archive times, metadata itself).

// Dates are computed from their checked fields, never by `new Date(text)` or
// `Date.parse`: those roll 2026-02-30 over to 2 March, read T24:00:00 as the
// next day and accept many non-ISO forms, so one text could mean two instants.
// Each `\d{n}` is fixed-width, so matching is linear.
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2}))?$/;
// RFC 3339 date-time, the form TUF `expires`, manifests and reports use.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The instant the matched fields name, or undefined when a field is out of range (Feb 30, 24:00, 23:60). */
function instant(m: RegExpExecArray): Date | undefined {
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((x) => Number(x ?? 0));
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysIn(year!, month!)) return undefined;
  // Leap seconds (:60) are refused: the clocks airlock compares with never show them.
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  let offset = 0;
  const zone = m[8] ?? 'Z';
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2));
    if (oh > 23 || om > 59) return undefined;
    offset = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const d = new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second, ms) - offset);
  // Date.UTC maps years 0-99 to 1900-1999.
  if (year! < 100) d.setUTCFullYear(d.getUTCFullYear() - 1900);
  return d;
}

/**
 * Parses an RFC 3339 date-time (`2026-08-22T00:00:00Z`, offsets and fractions allowed); undefined when it is not one.
 */
export function parseTimestamp(text: string): Date | undefined {
  const m = RFC3339.exec(text);
  return m ? instant(m) : undefined;
}

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
  const d = instant(m);
  if (d === undefined) throw new UsageError('USAGE', `${option} is not a valid date-time: '${text}'`);
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
