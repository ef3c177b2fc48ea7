import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { InternalError, errorMessage } from '../errors.ts';

// The archive's sha256 on another core. The reader hashes every member as it
// passes (member-check.ts) and the whole archive besides (its digest goes into
// the report and the audit log): two sha256 passes over the same bytes, which
// on one thread made `verify` of large files half as fast as one hash. Here
// the reader's chunks are copied (a memcpy, a small fraction of hashing them) into
// a ring of shared slots that a worker hashes in order while the reader goes on; small archives
// are hashed in this thread, where starting a worker would cost more. The
// worker is plain JavaScript over node:crypto given with `eval`, so it runs the
// same from a clone, the npm package and the single executable.

/** Archives from this size up are hashed on a worker. */
export const PARALLEL_HASH_BYTES = 32 << 20;

/** The chunks go through a ring of shared slots, allocated once: fresh buffers per chunk cost more than hashing. */
const SLOT_BYTES = 1 << 20;
const SLOTS = 8;

// workerData is the shared ring; each message names a slot and a length, and is answered with the slot, now free.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const hash = require('node:crypto').createHash('sha256');
parentPort.on('message', (m) => {
  if (m === null) parentPort.postMessage(hash.digest('hex'));
  else {
    hash.update(new Uint8Array(workerData, m[0] * ${SLOT_BYTES}, m[1]));
    parentPort.postMessage(m[0]);
  }
});
`;

export interface ArchiveHash {
  /** Returns a promise when the caller must wait before the next update (the worker is behind). */
  update(chunk: Buffer): Promise<void> | undefined;
  /** The hex sha256 of everything passed to update; fails (INTERNAL_ERROR) if the worker did. */
  digest(): Promise<string>;
  /** Stops a worker still running (after a failure). */
  close(): void;
}

function inThread(): ArchiveHash {
  const h: Hash = createHash('sha256');
  return {
    update: (c) => {
      h.update(c);
      return undefined;
    },
    digest: async () => h.digest('hex'),
    close: () => undefined,
  };
}

function onWorker(): ArchiveHash {
  const ring = new SharedArrayBuffer(SLOT_BYTES * SLOTS);
  const view = new Uint8Array(ring);
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: ring, stdout: false, stderr: false });
  // Until the digest is asked for, nothing else keeps the process waiting on the worker.
  worker.unref();
  let failure: unknown;
  const failed = new Promise<never>((_, reject) => {
    const fail = (why: string) => {
      failure ??= new InternalError(`the archive hashing worker ${why}`);
      reject(failure);
    };
    worker.on('error', (e) => fail(`failed (${errorMessage(e)})`));
    worker.on('exit', (code) => fail(`exited (code ${code})`));
  });
  failed.catch(() => undefined);
  const free = Array.from({ length: SLOTS }, (_, i) => i);
  const waiting: (() => void)[] = [];
  let answer: ((m: unknown) => void) | undefined;
  worker.on('message', (m: unknown) => {
    if (typeof m === 'number') {
      free.push(m);
      waiting.shift()?.();
    } else answer?.(m);
  });
  const send = (piece: Uint8Array) => {
    const slot = free.pop()!;
    view.set(piece, slot * SLOT_BYTES);
    worker.postMessage([slot, piece.length]);
  };
  const sendAll = async (chunk: Buffer) => {
    for (let at = 0; at < chunk.length; at += SLOT_BYTES) {
      while (free.length === 0) await Promise.race([new Promise<void>((r) => waiting.push(r)), failed]);
      send(chunk.subarray(at, at + SLOT_BYTES));
    }
  };
  return {
    update: (chunk) => {
      if (failure !== undefined) return failed;
      if (free.length === 0 || chunk.length > SLOT_BYTES) return sendAll(chunk);
      send(chunk);
      return undefined;
    },
    digest: async () => {
      worker.ref();
      const digest = new Promise<string>((resolve, reject) => {
        answer = (m) =>
          typeof m === 'string' && /^[0-9a-f]{64}$/.test(m)
            ? resolve(m)
            : reject(new InternalError('the archive hashing worker sent an unreadable digest'));
      });
      worker.postMessage(null);
      try {
        return await Promise.race([digest, failed]);
      } finally {
        void worker.terminate();
      }
    },
    close: () => void worker.terminate(),
  };
}

/** A sha256 of the archive's bytes, on a worker when the archive is at least PARALLEL_HASH_BYTES. */
export function archiveHash(size: number): ArchiveHash {
  return size >= PARALLEL_HASH_BYTES ? onWorker() : inThread();
}
