import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { CODES, errorMessage, isAirlockError, type ErrorCode } from '../errors.ts';
import type { AttestationResult } from '../pep740/index.ts';
import { loadTrustMaterial, type SigstoreTrust } from '../sigstore/index.ts';
import { parseJson } from '../util/json.ts';
import { checkProvenanceBytes, type ProvenanceTask } from './provenance.ts';

// The worker side of the provenance pool (workers.ts): loads the trust
// material once from the same verified trusted_root.json bytes as the main
// thread, then answers one task per message, in order. Everything crosses the
// thread boundary as plain data; an error crosses as its code, message, file
// and field, and the main thread rebuilds the coded error from them.

export const WORKER_KIND = 'airlock-provenance-worker';

export interface WorkerInit {
  kind: typeof WORKER_KIND;
  /** The verified trusted_root.json and its label for messages. */
  trustedRoot: Uint8Array;
  label: string;
}

export interface TaskMessage {
  id: number;
  task: ProvenanceTask;
}

export interface CodedFailure {
  code: ErrorCode;
  message: string;
  file?: string;
  field?: string;
}

/** Sent once, when the worker has loaded its modules and the trust material: until then it is given no task. */
export interface ReadyMessage {
  ready: true;
}

export type ReplyMessage = { id: number; results: AttestationResult[] } | { id: number; error: CodedFailure };

/** Whether this thread was started as a provenance worker (the one-file build's entry asks: sea-entry.ts). */
export function isProvenanceWorker(): boolean {
  return !isMainThread && (workerData as Partial<WorkerInit> | null)?.kind === WORKER_KIND;
}

export function codedFailure(e: unknown, file: string): CodedFailure {
  if (isAirlockError(e) && Object.hasOwn(CODES, e.code))
    return {
      code: e.code,
      message: e.message,
      ...(e.file !== undefined ? { file: e.file } : {}),
      ...(e.field !== undefined ? { field: e.field } : {}),
    };
  return { code: 'INTERNAL_ERROR', message: `unexpected error: ${errorMessage(e)}`, file };
}

/** Runs in the worker: answers the pool's tasks until the pool terminates it. */
export function serveProvenanceChecks(): void {
  const port = parentPort;
  if (port === null || !isProvenanceWorker()) throw new Error('not started as a provenance worker');
  const init = workerData as WorkerInit;
  let trust: SigstoreTrust | Error;
  try {
    trust = loadTrustMaterial(parseJson(init.trustedRoot, init.label), init.label);
  } catch (e) {
    // The main thread loaded the same bytes: unreachable, but then every task is refused with this error.
    trust = e instanceof Error ? e : new Error(String(e));
  }
  port.on('message', (m: TaskMessage) => {
    let reply: ReplyMessage;
    try {
      if (trust instanceof Error) throw trust;
      reply = { id: m.id, results: checkProvenanceBytes(m.task, trust) };
    } catch (e) {
      reply = { id: m.id, error: codedFailure(e, m.task.file) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true } satisfies ReadyMessage);
}
