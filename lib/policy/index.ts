// The policy file (`--policy`): which files may enter the mirror. Parsing
// (TOML + schemas/policy.schema.json), then pure evaluation of one file and
// of the consistency of a release. Pins (lib/pins) decide what the policy
// leaves open.

export type * from './types.ts';
export { parsePolicy, builtinPolicy, BUILTIN_POLICY_URI, BUILTIN_POLICY_TEXT, tomlKey } from './parse.ts';
export { evaluatePolicy } from './evaluate.ts';
export { checkReleases } from './release.ts';
export { evaluateLock, withLock } from './lock.ts';
export {
  describeEntries,
  describeEntry,
  entryKey,
  publisherOfCertificate,
  toPublisherPolicy,
  uniqueEntries,
} from './entry.ts';
export { judgeFiles, type Judgement } from './judge.ts';
export type { JudgeOptions } from '../pins/types.ts';
