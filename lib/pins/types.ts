import type { LockRule, PublisherEntry, TimeRecord } from '../policy/types.ts';

// Publisher pins: what earlier successful runs accepted, per project, in the
// trust state folder. They stop a project's publisher from silently changing
// and its provenance from silently disappearing between bundles.

export interface PinState {
  publishers: PublisherEntry[];
  provenance: boolean;
}

/** A change the operator made: trust on first use, or an accepted change. */
export interface PinChange {
  kind: 'accept-new' | 'accept-change';
  time: string;
  source: TimeRecord['source'];
  /** Absent for accept-new. */
  old?: PinState;
  new: PinState;
}

export interface ProjectPin extends PinState {
  firstSeen: string;
  lastSeen: string;
  history: PinChange[];
}

export interface Pins {
  /** The latest reference time the state accepted: an earlier one is TIME_ROLLBACK. */
  latestNow?: TimeRecord;
  /** By PEP 503-normalised project name. */
  projects: ReadonlyMap<string, ProjectPin>;
}

/** A pin written by this run, for the report. */
export interface PinEvent extends PinChange {
  project: string;
}

export interface JudgeOptions {
  /** Pin the publisher the certificates show for projects nobody named. */
  acceptNew: boolean;
  /** Projects whose publisher change or dropped provenance the operator accepts. */
  acceptChange: readonly string[];
  now: TimeRecord;
  /** The lock that decides with the policy (lib/policy/lock.ts), when one does. */
  lock?: LockRule;
}

export const EMPTY_PINS: Pins = { projects: new Map() };
