import { UsageError, errorFor } from '../errors.ts';
import { normalizeProjectName } from '../dist/index.ts';
import { appendAuditLocked } from '../audit/store.ts';
import { forgetRecord } from '../audit/records.ts';
import { judgeFiles, type Judgement } from '../policy/judge.ts';
import type { FileFacts, Policy } from '../policy/types.ts';
import { withLock } from '../util/lock.ts';
import { loadPins, pinsPath, savePins } from './store.ts';
import { checkTime } from './time.ts';
import type { JudgeOptions, Pins, ProjectPin } from './types.ts';

// Writing the pins: under the state folder's lock, on the pins stored at that
// moment (another run may have committed since this one read them), never
// moving time backwards. The judgement is made again on the stored pins, so a
// pin another run wrote in between is honoured, not overwritten.

/**
 * The judgement made again on the pins stored now, refusing if they changed
 * what this run decided; nothing is written. For callers that already hold
 * withLock(stateDir) (the lock is not re-entrant).
 */
export async function judgeStoredLocked(
  stateDir: string,
  policy: Policy,
  files: readonly FileFacts[],
  opts: JudgeOptions,
): Promise<Judgement> {
  const file = pinsPath(stateDir);
  const stored = await loadPins(stateDir);
  checkTime(stored, opts.now, file);
  const j = judgeFiles(policy, stored, files, opts);
  const bad = j.decisions.find((d) => d.verdict === 'refused');
  if (bad) {
    throw errorFor(bad.code ?? 'PUBLISHER_CHANGED', `the stored pins changed during this run: ${bad.message}`, {
      file,
    });
  }
  return j;
}

/** For callers that already hold withLock(stateDir) (the lock is not re-entrant). */
export async function commitPinsLocked(
  stateDir: string,
  policy: Policy,
  files: readonly FileFacts[],
  opts: JudgeOptions,
): Promise<Pins> {
  const j = await judgeStoredLocked(stateDir, policy, files, opts);
  await savePins(stateDir, j.nextPins);
  return j.nextPins;
}

/** Takes the state lock, then commitPinsLocked. */
export function commitPins(
  stateDir: string,
  policy: Policy,
  files: readonly FileFacts[],
  opts: JudgeOptions,
): Promise<Pins> {
  return withLock(stateDir, () => commitPinsLocked(stateDir, policy, files, opts));
}

/**
 * `pins forget PROJECT`: removes one project's pin, recorded in the audit log
 * under the same lock (at `now`, the clock: the command takes no --now); the
 * removed pin is returned for the report.
 */
export function forgetPin(stateDir: string, project: string, now = new Date()): Promise<ProjectPin> {
  const name = normalizeProjectName(project);
  return withLock(stateDir, async () => {
    const stored = await loadPins(stateDir);
    const pin = stored.projects.get(name);
    if (!pin) throw new UsageError('USAGE', `no pin for project '${name}' in ${pinsPath(stateDir)}`);
    const projects = new Map(stored.projects);
    projects.delete(name);
    await appendAuditLocked(stateDir, [forgetRecord(name, pin, now)]);
    await savePins(stateDir, { ...stored, projects });
    return pin;
  });
}
