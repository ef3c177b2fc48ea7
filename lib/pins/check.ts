import { normalizeProjectName } from '../dist/index.ts';
import { describeEntries, entryKey, uniqueEntries } from '../policy/entry.ts';
import type { FileDecision, PolicyStep, PublisherEntry } from '../policy/types.ts';
import { laterTime } from './time.ts';
import type { JudgeOptions, PinEvent, Pins, PinState, ProjectPin } from './types.ts';

// The pins' word on the files the policy let through, and the pins this run
// would store, pure. What the policy left open (no publishers listed) is
// decided by the pin; what it decided is recorded in the pin; provenance a
// pinned project had must not disappear, whatever the policy requires.

export interface PinsResult {
  decisions: FileDecision[];
  nextPins: Pins;
  events: PinEvent[];
  /** --accept-change names for which nothing changed. */
  unusedAcceptChange: string[];
}

interface ProjectRun {
  decisions: Map<number, FileDecision>;
  next: ProjectPin | undefined;
  event?: PinEvent;
  changeUsed: boolean;
}

const has = (pinned: readonly PublisherEntry[], list: readonly PublisherEntry[]) => {
  const keys = new Set(pinned.map(entryKey));
  return list.every((e) => keys.has(entryKey(e)));
};

function decide(s: PolicyStep, verdict: FileDecision['verdict'], extra: Partial<FileDecision>): FileDecision {
  const d: FileDecision = { verdict, decidedBy: [...s.decidedBy], publishers: s.publishers };
  if (s.admittedBy !== undefined) d.admittedBy = s.admittedBy;
  return { ...d, ...extra };
}

function refuse(s: PolicyStep, code: FileDecision['code'], message: string): FileDecision {
  return decide(s, 'refused', { code, message });
}

function judgeProject(
  project: string,
  idx: number[],
  steps: readonly PolicyStep[],
  pin: ProjectPin | undefined,
  opts: JudgeOptions,
  changeOk: boolean,
): ProjectRun {
  const pinned = pin?.publishers ?? [];
  const live = idx.filter((i) => steps[i]!.outcome !== 'refused');
  const open = uniqueEntries(
    live.filter((i) => steps[i]!.outcome === 'needs-pin').flatMap((i) => steps[i]!.publishers),
  );
  const decisions = new Map<number, FileDecision>();
  let changed = false;
  let tofu = false;
  // A change from the pin: accepted (and recorded) with --accept-change PROJECT, else refused with `code`.
  const changeOr = (s: PolicyStep, code: FileDecision['code'], message: string): FileDecision => {
    if (!changeOk) return refuse(s, code, message);
    changed = true;
    return decide(s, 'accepted', { decidedBy: [...s.decidedBy, 'accept-change'] });
  };
  for (const i of idx) {
    const s = steps[i]!;
    if (s.outcome === 'refused') {
      decisions.set(i, refuse(s, s.code, s.message ?? 'refused by the policy'));
    } else if (s.admittedBy === 'hash') {
      if (!pin?.provenance) decisions.set(i, decide(s, 'accepted', {}));
      else
        decisions.set(
          i,
          changeOr(
            s,
            'PROVENANCE_DROPPED',
            `${project} had provenance (pinned since ${pin.firstSeen}, publishers ` +
              `${describeEntries(pin.publishers)}) and this file comes without it; --accept-change ${project} ` +
              `accepts that`,
          ),
        );
    } else if (s.outcome === 'accepted') {
      const by = pinned.length > 0 && has(pinned, s.publishers) ? [...s.decidedBy, 'pin'] : s.decidedBy;
      decisions.set(i, decide(s, 'accepted', { decidedBy: by }));
    } else if (pinned.length > 0) {
      if (has(pinned, s.publishers)) decisions.set(i, decide(s, 'accepted', { decidedBy: [...s.decidedBy, 'pin'] }));
      else
        decisions.set(
          i,
          changeOr(
            s,
            'PUBLISHER_CHANGED',
            `the certificates show ${describeEntries(s.publishers)}; ${project} is pinned to ` +
              `${describeEntries(pinned)} (since ${pin!.firstSeen}); --accept-change ${project} accepts the new ` +
              `publisher`,
          ),
        );
    } else if (!opts.acceptNew) {
      decisions.set(
        i,
        refuse(
          s,
          'PUBLISHER_UNPINNED',
          `neither the policy nor a pin names ${project}; its certificates show ${describeEntries(s.publishers)}; ` +
            `name it in the policy or pass --accept-new to pin it`,
        ),
      );
    } else if (open.length > 1) {
      decisions.set(
        i,
        refuse(
          s,
          'PUBLISHER_INCONSISTENT',
          `--accept-new pins one publisher per project, and the files of ${project} show ${open.length}: ` +
            `${describeEntries(open)}; name them in the policy`,
        ),
      );
    } else {
      tofu = true;
      decisions.set(i, decide(s, 'accepted', { decidedBy: [...s.decidedBy, 'accept-new'] }));
    }
  }
  return { decisions, ...nextPin(pin, live, steps, opts, changed, tofu, project), changeUsed: changed };
}

function nextPin(
  pin: ProjectPin | undefined,
  live: number[],
  steps: readonly PolicyStep[],
  opts: JudgeOptions,
  changed: boolean,
  tofu: boolean,
  project: string,
): { next: ProjectPin | undefined; event?: PinEvent } {
  if (live.length === 0) return { next: pin };
  const seen = uniqueEntries(live.flatMap((i) => steps[i]!.publishers));
  const provenanceNow = live.some((i) => steps[i]!.admittedBy === 'attestation');
  const now = opts.now;
  const base: ProjectPin = {
    publishers: uniqueEntries([...(pin?.publishers ?? []), ...seen]),
    provenance: (pin?.provenance ?? false) || provenanceNow,
    firstSeen: pin?.firstSeen ?? now.time,
    lastSeen: now.time,
    history: pin?.history ?? [],
  };
  if (!changed && !tofu) return { next: base };
  // An accepted change replaces the publishers; an accepted drop of provenance keeps them, so provenance that
  // comes back from another publisher is still a change.
  const state: PinState = { publishers: seen.length ? seen : (pin?.publishers ?? []), provenance: provenanceNow };
  const event: PinEvent = {
    project,
    kind: changed ? 'accept-change' : 'accept-new',
    time: now.time,
    source: now.source,
    new: state,
  };
  if (changed && pin) event.old = { publishers: pin.publishers, provenance: pin.provenance };
  const { project: _p, ...change } = event;
  return { next: { ...base, ...state, history: [...base.history, change] }, event };
}

/** Applies the pins to the policy's steps (one per file, same order). */
export function checkPins(pins: Pins, steps: readonly PolicyStep[], opts: JudgeOptions): PinsResult {
  const byProject = new Map<string, number[]>();
  steps.forEach((s, i) => {
    byProject.set(s.project, [...(byProject.get(s.project) ?? []), i]);
  });
  const acceptChange = new Set(opts.acceptChange.map(normalizeProjectName));
  const decisions: FileDecision[] = new Array(steps.length);
  const projects = new Map(pins.projects);
  const events: PinEvent[] = [];
  const used = new Set<string>();
  for (const [project, idx] of byProject) {
    const run = judgeProject(project, idx, steps, pins.projects.get(project), opts, acceptChange.has(project));
    for (const [i, d] of run.decisions) decisions[i] = d;
    if (run.next) projects.set(project, run.next);
    if (run.event) events.push(run.event);
    if (run.changeUsed) used.add(project);
  }
  return {
    decisions,
    nextPins: { latestNow: laterTime(pins.latestNow, opts.now), projects },
    events,
    unusedAcceptChange: [...acceptChange].filter((p) => !used.has(p)).sort(),
  };
}
