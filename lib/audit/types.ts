import type { PinState } from '../pins/types.ts';
import type { NowSource } from '../verify/types.ts';

// The audit log: one JSON object per line (schemas/audit-entry.schema.json),
// each naming the sha256 of the line before it, so that editing, deleting or
// inserting a line breaks the chain at the next one.

/** `prev` of the first line: there is no line before it. */
export const GENESIS = `sha256:${'0'.repeat(64)}`;

interface Base {
  /** ISO-8601: the `now` of the verdict, or the clock for `pins forget`. */
  time: string;
  timeSource: NowSource;
}

/** The summary of one `verify` or `export` run that reached a verdict (exit 0 or 1). */
export interface VerdictRecord extends Base {
  event: 'verdict';
  command: 'verify' | 'export';
  exitCode: 0 | 1;
  bundle: { path: string; sha256: string };
  /** The archive or TUF failure that stopped every file, if any. */
  failure?: { code: string };
  /** TUF versions of the copy checked; null when it was not reached or refused. */
  trust: null | { root: number; timestamp: number; snapshot: number; targets: number };
  policy: { uri: string; sha256: string };
  /**
   * The key id (sha256 of its SubjectPublicKeyInfo) of the bundle's verified signer; absent when unsigned or
   * unchecked.
   */
  signer?: string;
  /** The sha256 of the lock that decided with the policy (the reviewed --lock or a vouched bundled copy); null: none. */
  lock: null | { sha256: string };
  accepted: Array<{ filename: string; sha256: string }>;
  refused: Array<{ filename: string; sha256: string; verdict: 'refused' | 'not-verified'; code?: string }>;
}

/** A pin written by `--accept-new` or `--accept-change`, as the commit stored it. */
export interface PinRecord extends Base {
  event: 'accept-new' | 'accept-change';
  project: string;
  old?: PinState;
  new: PinState;
}

export interface ForgetRecord extends Base {
  event: 'pins-forget';
  project: string;
  removed: PinState;
}

export type AuditRecord = VerdictRecord | PinRecord | ForgetRecord;

/** A line as stored: the record with its place in the chain. */
export type AuditEntry = AuditRecord & { seq: number; prev: string };
