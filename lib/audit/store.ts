import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AuditError, errorMessage, isAirlockError } from '../errors.ts';
import { createAtomicWriteStream } from '../util/atomic.ts';
import { CAPS } from '../util/caps.ts';
import { withLock } from '../util/lock.ts';
import { openRegularFile } from '../util/read.ts';
import { sha256Hex } from '../util/digest.ts';
import { checkLink } from './chain.ts';
import { LineScanner, type Line } from './lines.ts';
import type { AuditEntry, AuditRecord } from './types.ts';
import { GENESIS } from './types.ts';

// STATE/audit.jsonl. Appending copies the log to a temporary file, adds the
// lines and renames it into place (lib/util/atomic.ts), so a crash or a full
// disk never leaves a torn line; the caller holds the state folder's lock, so
// two runs never chain to the same line.

export function auditPath(stateDir: string): string {
  return join(stateDir, 'audit.jsonl');
}

function unreadable(file: string, e: unknown): AuditError {
  return new AuditError('AUDIT_LOG_UNREADABLE', isAirlockError(e) ? e.message : `cannot read (${errorMessage(e)})`, {
    file,
    cause: e,
  });
}

/** The log's bytes as they stream (none when it does not exist); the log is never a symbolic link. */
async function* chunks(file: string): AsyncGenerator<Buffer> {
  let opened: Awaited<ReturnType<typeof openRegularFile>>;
  try {
    opened = await openRegularFile(file, { missingOk: true, noFollow: true });
  } catch (e) {
    throw unreadable(file, e);
  }
  if (!opened) return;
  try {
    for await (const chunk of opened.fh.createReadStream({ autoClose: false })) yield chunk as Buffer;
  } catch (e) {
    throw unreadable(file, e);
  } finally {
    await opened.fh.close().catch(() => undefined);
  }
}

async function* readLines(file: string): AsyncGenerator<Line> {
  const scanner = new LineScanner(CAPS.auditLine);
  for await (const chunk of chunks(file)) yield* scanner.push(chunk);
  const last = scanner.end();
  if (last) yield last;
}

/**
 * Appends `records` in order, each chained to the line before. For callers that
 * already hold withLock(stateDir) (the lock is not re-entrant). The existing
 * lines are copied as they are: a broken chain stays broken, for `log --check`.
 */
export async function appendAuditLocked(stateDir: string, records: readonly AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  const file = auditPath(stateDir);
  await mkdir(stateDir, { recursive: true }).catch((e) => {
    throw unreadable(file, e);
  });
  const out = createAtomicWriteStream(file);
  async function* content(): AsyncGenerator<Buffer> {
    // Only hashes are needed here: a cap of 0 keeps no line's bytes.
    const scanner = new LineScanner(0);
    let last: { n: number; prev: string } = { n: 0, prev: GENESIS };
    for await (const chunk of chunks(file)) {
      yield chunk;
      const line = scanner.push(chunk).at(-1);
      if (line) last = { n: line.n, prev: `sha256:${line.sha256}` };
    }
    const tail = scanner.end();
    if (tail) {
      // A last line without its newline (an edit) stays one line: it gets its newline, and the chain its hash.
      yield Buffer.from('\n');
      last = { n: tail.n, prev: `sha256:${tail.sha256}` };
    }
    for (const r of records) {
      const text = JSON.stringify({ seq: last.n + 1, prev: last.prev, ...r } satisfies AuditEntry);
      yield Buffer.from(`${text}\n`);
      last = { n: last.n + 1, prev: `sha256:${sha256Hex(text)}` };
    }
  }
  try {
    await pipeline(content, out.stream);
    await out.commit();
  } catch (e) {
    await out.abort();
    throw isAirlockError(e) ? e : unreadable(file, e);
  }
}

/** Takes the state lock, then appendAuditLocked. */
export function recordAudit(stateDir: string, records: readonly AuditRecord[]): Promise<void> {
  return withLock(stateDir, () => appendAuditLocked(stateDir, records));
}

export interface AuditLog {
  file: string;
  entries: AuditEntry[];
  /** The first broken link; the entries are those before it. */
  broken?: AuditError;
  /** `sha256:` of the last line: record it elsewhere to detect a later truncation. */
  head: string;
}

/** Reads and checks the whole chain. Unreadable: AUDIT_LOG_UNREADABLE; a broken link is returned, not thrown. */
export async function readAuditLog(stateDir: string): Promise<AuditLog> {
  const file = auditPath(stateDir);
  const entries: AuditEntry[] = [];
  let before: Line | undefined;
  for await (const line of readLines(file)) {
    try {
      entries.push(checkLink(line, before, file));
    } catch (e) {
      if (e instanceof AuditError && e.code === 'AUDIT_LOG_BROKEN') {
        return { file, entries, broken: e, head: before ? `sha256:${before.sha256}` : GENESIS };
      }
      throw e;
    }
    before = line;
  }
  return { file, entries, head: before ? `sha256:${before.sha256}` : GENESIS };
}
