import { setImmediate } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { CODES, InternalError, errorFor, errorMessage, type AirlockError } from '../errors.ts';
import type { AttestationResult } from '../pep740/index.ts';
import type { SigstoreTrust } from '../sigstore/index.ts';
import { checkProvenanceBytes, type ProvenanceTask } from './provenance.ts';
import {
  WORKER_KIND,
  type CodedFailure,
  type ReadyMessage,
  type ReplyMessage,
  type TaskMessage,
  type WorkerInit,
} from './provenance-worker.ts';
import { workerScript, type WorkerScript } from './worker-script.ts';

// The provenance checks of different files on several cores: this thread and
// a pool of worker_threads (--jobs N: N - 1 workers), each worker with its own
// copy of the trust material loaded from the same verified bytes. A worker is
// kept a few tasks ahead; this thread checks a file itself whenever every
// worker is that far ahead. A file's verdict depends only on its task, never on
// which thread ran it or when (results are collected by file, index.ts).
// Starting a worker costs about as much as a few hundred checks (it loads the
// verification modules and compiles their schemas), so small bundles are
// checked in this thread alone. Fails closed: a worker that throws outside a
// task, exits or sends something unreadable turns every task it held into an
// INTERNAL_ERROR refusal of that file, later tasks go to the threads left, and
// nothing is ever accepted by default.

/** Files with provenance per worker, at least, for a worker to be worth starting. */
export const TASKS_PER_WORKER = 200;
/** Tasks a worker holds before this thread checks the next file itself. */
const AHEAD = 8;

export interface ProvenanceChecker {
  attest(task: ProvenanceTask): Promise<AttestationResult[]>;
  /** Settles once every worker is ready or stopped (for tests: until then, files are checked in this thread). */
  readonly ready: Promise<void>;
  /** Stops the workers; tasks still pending are refused. */
  close(): Promise<void>;
}

export interface CheckerOptions {
  trust: SigstoreTrust;
  /** The verified trusted_root.json the trust material was loaded from, for the workers to load it too. */
  trustedRoot: { bytes: Uint8Array; label: string };
  /** Threads to check on, this one included; 1 or fewer: this thread only. */
  jobs: number;
  /** How many files will be checked (with fewer than TASKS_PER_WORKER per worker, fewer workers start). */
  tasks: number;
  /** For tests: files per worker (default TASKS_PER_WORKER), and the script the workers run (default worker-script.ts). */
  tasksPerWorker?: number;
  script?: WorkerScript;
}

interface Pending {
  task: ProvenanceTask;
  resolve: (r: AttestationResult[]) => void;
  reject: (e: AirlockError) => void;
}

interface Slot {
  worker: Worker;
  /** Whether it has said it is ready (loaded): a worker still starting is given no task, so none waits on it. */
  ready: boolean;
  pending: Map<number, Pending>;
  stopped?: string;
}

function rebuild(f: CodedFailure, file: string): AirlockError {
  if (typeof f?.code !== 'string' || !Object.hasOwn(CODES, f.code) || typeof f.message !== 'string')
    return new InternalError('a provenance worker sent an unreadable failure', { file });
  return errorFor(f.code, f.message, {
    ...(typeof f.file === 'string' ? { file: f.file } : {}),
    ...(typeof f.field === 'string' ? { field: f.field } : {}),
  });
}

function startWorker(init: WorkerInit, script: WorkerScript): Worker {
  const opts = { workerData: init, stdout: false, stderr: false };
  return 'code' in script ? new Worker(script.code, { ...opts, eval: true }) : new Worker(script.file, opts);
}

class WorkerPool implements ProvenanceChecker {
  private readonly slots: Slot[] = [];
  private next = 0;

  private readonly inThread: (task: ProvenanceTask) => AttestationResult[];
  readonly ready: Promise<void>;

  constructor(
    init: WorkerInit,
    size: number,
    script: WorkerScript,
    inThread: (task: ProvenanceTask) => AttestationResult[],
  ) {
    this.inThread = inThread;
    for (let i = 0; i < size; i++) {
      const slot: Slot = { worker: startWorker(init, script), ready: false, pending: new Map() };
      slot.worker.on('message', (m: ReplyMessage | ReadyMessage) => {
        if (typeof m === 'object' && m !== null && 'ready' in m) slot.ready = m.ready === true;
        else this.onReply(slot, m);
      });
      slot.worker.on('error', (e) => this.stop(slot, `failed: ${errorMessage(e)}`));
      slot.worker.on('messageerror', (e) => this.stop(slot, `sent an unreadable message: ${errorMessage(e)}`));
      slot.worker.on('exit', (code) => this.stop(slot, `exited (code ${code})`));
      this.slots.push(slot);
    }
    this.ready = Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.worker.on('message', () => resolve());
            s.worker.on('exit', () => resolve());
          }),
      ),
    ).then(() => undefined);
  }

  private onReply(slot: Slot, m: ReplyMessage): void {
    const p = typeof m?.id === 'number' ? slot.pending.get(m.id) : undefined;
    if (p === undefined) {
      this.stop(slot, 'answered a task it was not given');
      return;
    }
    slot.pending.delete(m.id);
    // A provenance verifies to one result per attestation, never none (verifyProvenance throws NO_ATTESTATIONS).
    if ('results' in m && Array.isArray(m.results) && m.results.length > 0) p.resolve(m.results);
    else if ('error' in m) p.reject(rebuild(m.error, p.task.file));
    else p.reject(new InternalError('a provenance worker sent an unreadable answer', { file: p.task.file }));
  }

  private stop(slot: Slot, why: string): void {
    if (slot.stopped !== undefined) return;
    slot.stopped = why;
    for (const p of slot.pending.values())
      p.reject(new InternalError(`the provenance worker ${why} before checking this file`, { file: p.task.file }));
    slot.pending.clear();
    void slot.worker.terminate();
  }

  private pick(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.slots)
      if (s.ready && s.stopped === undefined && (best === undefined || s.pending.size < best.pending.size)) best = s;
    return best !== undefined && best.pending.size < AHEAD ? best : undefined;
  }

  async attest(task: ProvenanceTask): Promise<AttestationResult[]> {
    // The least busy worker, unless every worker is AHEAD tasks ahead (or none is left): then this thread, after
    // letting the event loop deliver the answers that came meanwhile (checks in this thread run back to back in
    // microtasks, which would otherwise keep every worker's answers, and so its next task, waiting).
    let slot = this.pick();
    if (slot === undefined) {
      await setImmediate();
      slot = this.pick();
      if (slot === undefined) return this.inThread(task);
    }
    const id = this.next++;
    const worker = slot;
    return new Promise((resolve, reject) => {
      worker.pending.set(id, { task, resolve, reject });
      worker.worker.postMessage({ id, task } satisfies TaskMessage);
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.slots.map(async (s) => {
        this.stop(s, 'was stopped');
        await s.worker.terminate();
      }),
    );
  }
}

/** Checks provenance in this thread, and on up to `jobs - 1` workers when there are enough files. */
export function provenanceChecker(opts: CheckerOptions): ProvenanceChecker {
  const inThread = (task: ProvenanceTask) => checkProvenanceBytes(task, opts.trust);
  const workers = Math.min(opts.jobs - 1, Math.floor(opts.tasks / (opts.tasksPerWorker ?? TASKS_PER_WORKER)));
  if (workers < 1)
    return { attest: async (task) => inThread(task), ready: Promise.resolve(), close: async () => undefined };
  const init: WorkerInit = { kind: WORKER_KIND, trustedRoot: opts.trustedRoot.bytes, label: opts.trustedRoot.label };
  return new WorkerPool(init, workers, opts.script ?? workerScript(), inThread);
}
