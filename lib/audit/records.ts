import type { PinEvent } from '../pins/types.ts';
import type { VerifyReport } from '../verify/types.ts';
import type { ForgetRecord, PinRecord, VerdictRecord } from './types.ts';
import type { ProjectPin } from '../pins/types.ts';

// The log's records, built from what the commands already report, pure.

export function verdictRecord(
  command: VerdictRecord['command'],
  report: VerifyReport,
  bundle: VerdictRecord['bundle'],
  exitCode: VerdictRecord['exitCode'],
): VerdictRecord {
  const t = report.trust;
  const r: VerdictRecord = {
    event: 'verdict',
    time: report.now,
    timeSource: report.nowSource,
    command,
    exitCode,
    bundle,
    trust: t
      ? {
          root: t.rootVersion,
          timestamp: t.timestamp.version,
          snapshot: t.snapshot.version,
          targets: t.targets.version,
        }
      : null,
    policy: { uri: report.policy.uri, sha256: report.policy.sha256 },
    lock: report.lock?.decides && report.lock.sha256 !== undefined ? { sha256: report.lock.sha256 } : null,
    accepted: report.files
      .filter((f) => f.verdict === 'accepted')
      .map((f) => ({ filename: f.filename, sha256: f.sha256 })),
    refused: report.files
      .filter((f) => f.verdict !== 'accepted')
      .map((f) => ({
        filename: f.filename,
        sha256: f.sha256,
        verdict: f.verdict === 'refused' ? ('refused' as const) : ('not-verified' as const),
        ...(f.code !== undefined ? { code: f.code } : {}),
      })),
  };
  if (report.failure) r.failure = { code: report.failure.code };
  if (report.signature?.status === 'verified') r.signer = report.signature.keyid;
  return r;
}

export function pinRecord(e: PinEvent): PinRecord {
  const r: PinRecord = { event: e.kind, time: e.time, timeSource: e.source, project: e.project, new: e.new };
  if (e.old) r.old = e.old;
  return r;
}

export function forgetRecord(project: string, removed: ProjectPin, now: Date): ForgetRecord {
  return {
    event: 'pins-forget',
    time: now.toISOString(),
    timeSource: 'clock',
    project,
    removed: { publishers: removed.publishers, provenance: removed.provenance },
  };
}
