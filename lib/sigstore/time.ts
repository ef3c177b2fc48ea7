import type { TransparencyLogEntry } from '@sigstore/bundle';
import type { RFC3161Timestamp } from '@sigstore/core';
import { getTSATimestamp, type TrustMaterial } from './adapter.ts';
import { fail, wrapStep } from './errors.ts';
import { hasSignedTime } from './tlog.ts';
import type { VerifiedTimestamp } from './types.ts';

// Trusted signing times. A time is believed only when something we trust has
// signed it: a TSA's RFC 3161 timestamp over the signature, or a Rekor v1
// signed entry timestamp (SET) over the entry including its integrated time.
// An inclusion proof alone proves the entry is in the log, not when it got
// there, so an entry without a SET contributes no time (Rekor v2 entries never
// have one and rely on a TSA).

export interface TrustedTime {
  time: Date;
  report: VerifiedTimestamp;
}

/** Verifies every RFC 3161 timestamp: one bad timestamp fails the bundle. */
export function tsaTimes(
  stamps: RFC3161Timestamp[],
  signature: Buffer,
  tsas: TrustMaterial['timestampAuthorities'],
  file: string,
): TrustedTime[] {
  return stamps.map((ts, i) => {
    const field = `/verificationMaterial/timestampVerificationData/rfc3161Timestamps/${i}`;
    if (tsas.length === 0) throw fail('TIMESTAMP_INVALID', 'the trusted root has no timestamp authority', file, field);
    try {
      const r = getTSATimestamp(ts, signature, tsas);
      return {
        time: r.timestamp,
        report: {
          kind: 'timestamp-authority',
          time: r.timestamp.toISOString(),
          source: `tsa serial ${ts.signerSerialNumber.toString('hex')}`,
        },
      };
    } catch (e) {
      throw wrapStep(e, 'TIMESTAMP_INVALID', file, field);
    }
  });
}

/** Integrated times of entries whose SET has been verified (checkInclusion ran first). */
export function tlogTimes(entries: TransparencyLogEntry[]): TrustedTime[] {
  const out: TrustedTime[] = [];
  for (const e of entries) {
    if (!hasSignedTime(e)) continue;
    const time = new Date(Number(e.integratedTime) * 1000);
    out.push({
      time,
      report: { kind: 'transparency-log', time: time.toISOString(), source: e.logId.keyId.toString('base64') },
    });
  }
  return out;
}

export function requireTrustedTime(times: TrustedTime[], file: string): void {
  if (times.length === 0) {
    throw fail(
      'NO_TRUSTED_TIME',
      'no signed entry timestamp and no RFC 3161 timestamp: the signing time is not vouched for',
      file,
      '/verificationMaterial',
    );
  }
}

/**
 * No time counted twice: the same log at the same second (two entries of one
 * log cannot be two witnesses of one time), or the same TSA at the same time.
 */
export function checkDistinctTimes(times: TrustedTime[], file: string): void {
  times.forEach((t, i) => {
    const j = times.findIndex(
      (o) =>
        o.report.kind === t.report.kind && o.report.source === t.report.source && o.time.getTime() === t.time.getTime(),
    );
    if (j === i) return;
    if (t.report.kind === 'transparency-log')
      throw fail(
        'TLOG_DUPLICATE',
        `two entries of log ${t.report.source} give the same time ${t.report.time}`,
        file,
        '/verificationMaterial/tlogEntries',
      );
    throw fail(
      'TIMESTAMP_INVALID',
      `two RFC 3161 timestamps of one TSA give the same time ${t.report.time}`,
      file,
      '/verificationMaterial/timestampVerificationData/rfc3161Timestamps',
    );
  });
}
