import { checkPins, type PinsResult } from '../pins/check.ts';
import type { JudgeOptions, Pins } from '../pins/types.ts';
import { evaluatePolicy } from './evaluate.ts';
import { checkReleases } from './release.ts';
import { evaluateLock, withLock } from './lock.ts';
import type { FileFacts, Policy } from './types.ts';

// The whole decision on the files that passed verification, pure: the policy
// per file (with the lock, when one decides), one publisher per release, then the pins. The same function runs
// again under the state lock at commit time, on the pins stored then.

export type Judgement = PinsResult;

/** One decision per file (same order), and the pins to store if the whole command succeeds. */
export function judgeFiles(policy: Policy, pins: Pins, files: readonly FileFacts[], opts: JudgeOptions): Judgement {
  const { lock } = opts;
  const steps = checkReleases(
    files,
    files.map((f) => (lock ? withLock(evaluatePolicy(policy, f), evaluateLock(lock, f)) : evaluatePolicy(policy, f))),
  );
  return checkPins(pins, steps, opts);
}
