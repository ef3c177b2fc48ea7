import { PolicyError } from '../errors.ts';
import type { TimeRecord } from '../policy/types.ts';
import type { Pins } from './types.ts';

// Time only moves forward: a state that has accepted time T refuses an
// earlier `now`, so an old --now cannot wave a frozen TUF copy or an old
// bundle through a state that has seen newer time.

function describe(t: TimeRecord): string {
  return `${t.time} (${t.source === 'clock' ? 'system clock' : '--now'})`;
}

export function checkTime(pins: Pins, now: TimeRecord, file?: string): void {
  const latest = pins.latestNow;
  if (latest === undefined) return;
  if (Date.parse(now.time) < Date.parse(latest.time)) {
    throw new PolicyError(
      'TIME_ROLLBACK',
      `now ${describe(now)} is earlier than ${describe(latest)}, the latest time this state accepted; check an old ` +
        `bundle with a separate --state`,
      file !== undefined ? { file } : {},
    );
  }
}

export function laterTime(a: TimeRecord | undefined, b: TimeRecord): TimeRecord {
  return a !== undefined && Date.parse(a.time) >= Date.parse(b.time) ? a : b;
}
