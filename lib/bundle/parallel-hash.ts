import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { InternalError, errorMessage } from '../errors.ts';

// The archive's sha256 on another core. The reader hashes every member as it
// passes (member-check.ts) and the whole archive besides (its digest goes into
// the report and the audit log): two sha256 passes over the same bytes, which
// on one thread made `verify` of large files half as fast as one hash. Here
// the reader's chunks are copied (a memcpy, a small fraction of hashing them) and
// handed over to a worker that hashes them in order while the reader goes on; small archives
// are hashed in this thread, where starting a worker would cost more. The
// worker is plain JavaScript over node:crypto given with `eval`, so it runs the
// same from a clone, the npm package and the single executable.

/** Archives from this size up are hashed on a worker. */
export const PARALLEL_HASH_BYTES = 32 << 20;

/** Bytes sent to the worker and not yet hashed, at most: the reader waits beyond (memory stays bounded). */
const IN_FLIGHT_BYTES = 8 << 20;

const WORKER_CODE = `
const { parentPort } = require('node:worker_threads');
const hash = require('node:crypto').createHash('sha256');
parentPort.on('message', (chunk) => {
  if (chunk === null) parentPort.postMessage(hash.digest('hex'));
  else {
    hash.update(chunk);
    parentPort.postMessage(chunk.length);
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
  const worker = new Worker(WORKER_CODE, { eval: true, stdout: false, stderr: false });
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
  let inFlight = 0;
  let resume: (() => void) | undefined;
  let answer: ((m: unknown) => void) | undefined;
  worker.on('message', (m: unknown) => {
    if (typeof m === 'number') {
      inFlight -= m;
      if (inFlight <= IN_FLIGHT_BYTES / 2) resume?.();
    } else answer?.(m);
  });
  return {
    update: (chunk) => {
      if (failure !== undefined) return failed;
      // A copy in a fresh buffer, transferred: posting the Buffer itself is serialised and cost more than hashing it.
      const copy = new Uint8Array(chunk.length);
      copy.set(chunk);
      worker.postMessage(copy, [copy.buffer]);
      inFlight += chunk.length;
      if (inFlight <= IN_FLIGHT_BYTES) return undefined;
      return Promise.race([
        new Promise<void>((r) => {
          resume = r;
        }),
        failed,
      ]);
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
