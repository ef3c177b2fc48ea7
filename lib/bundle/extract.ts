import { createReadStream, createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type tar from 'tar-stream';
import { finished, pipeline } from 'node:stream/promises';
import { ArchiveError, InputError, errorMessage, isAirlockError } from '../errors.ts';
import { readStreamBounded } from '../util/read.ts';
import { checkMemberBytes, memberCheck } from './member-check.ts';
import { pipeAll } from './pipe.ts';
import type { ManifestMember, ReadOptions } from './types.ts';

// Where member bodies go: the extraction folder (a temporary one, see
// reader.ts), the caller's onMember, or nowhere; always through the check.

export interface TarHeader extends tar.Header {
  /** Offset of the entry's body in the decompressed stream (tar-stream sets it; its types lack it). */
  byteOffset?: number;
}

export const pad512 = (n: number): number => Math.ceil(n / 512) * 512;

/**
 * An entry body as a Node stream. Node's pipeline waits forever on a streamx
 * stream destroyed before it was attached (a truncated body), while its async
 * iterator rejects. The generator also keeps Readable.from from calling the
 * entry's return() after a normal end, which would destroy the whole parser.
 */
export async function* chunksOf(entry: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of entry) yield chunk;
}

export async function readAll(stream: Readable, max: number, file: string): Promise<Buffer> {
  const tooLarge = () => new ArchiveError('ARCHIVE_TOO_LARGE', `larger than ${max} bytes`, { file });
  return (await readStreamBounded(stream, max, tooLarge))!;
}

/** Members up to this size are read whole, checked in memory and written with one call: no stream per member. */
export const SMALL_MEMBER_BYTES = 1 << 20;

/**
 * Writes one member under `root`. Its path passed the reader rules (relative,
 * no `..`, no links in the archive) and `root` is a fresh folder of ours, so
 * the target stays inside it; 'wx' refuses to follow or replace anything.
 * `made` remembers the folders already created in `root` (one mkdir per folder, not per member).
 * A body in memory is written synchronously: for a bundle of thousands of small members, three
 * thread-pool round trips per file (open, write, close) were most of the reader's time.
 */
export async function writeOut(
  root: string,
  path: string,
  body: Buffer | Readable[],
  made: Set<string> = new Set(),
): Promise<string> {
  const target = join(root, ...path.split('/'));
  const out = { flag: 'wx', mode: 0o644 } as const;
  try {
    const dir = dirname(target);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    if (Buffer.isBuffer(body)) writeFileSync(target, body, out);
    else await pipeAll([...body, createWriteStream(target, { flags: out.flag, mode: out.mode })]);
  } catch (e) {
    if (isAirlockError(e) || (e as NodeJS.ErrnoException).syscall === undefined) throw e;
    throw new InputError('OUTPUT_FAILED', `cannot write (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`, {
      file: target,
      cause: e,
    });
  }
  return target;
}

/** A file's bytes as a stream that opens the file only when first read: a caller that does not read it costs nothing. */
function lazyFile(path: string): Readable {
  return Readable.from(
    (async function* () {
      yield* createReadStream(path, { highWaterMark: 1 << 20 });
    })(),
    { objectMode: false },
  );
}

/** An error thrown by the caller's onMember: passed on as it is, never read as an archive fault. */
export class CallerFailure extends Error {
  constructor(cause: unknown) {
    super(errorMessage(cause), { cause });
  }
}

async function handOver(
  opts: ReadOptions,
  member: ManifestMember,
  stream: Readable,
  ours: () => boolean,
): Promise<void> {
  try {
    await opts.onMember?.(member, stream);
  } catch (e) {
    // A failure of the stream we handed over is ours to name; anything else is the caller's.
    if (isAirlockError(e) || ours()) throw e;
    throw new CallerFailure(e);
  }
}

/** Streams one member's body through its check into the extraction folder and/or `onMember`. */
export async function consumeMember(
  entry: Readable,
  member: ManifestMember,
  tmp: string | undefined,
  opts: ReadOptions,
  made?: Set<string>,
): Promise<void> {
  if (tmp !== undefined && member.size <= SMALL_MEMBER_BYTES) {
    // The tar header declared member.size (reader.ts checked it), so the body cannot run past it.
    const body = await readAll(entry, member.size, member.path);
    checkMemberBytes(member, body);
    await writeOut(tmp, member.path, body, made);
    await handOver(opts, member, Readable.from([body], { objectMode: false }), () => false);
    return;
  }
  const check = memberCheck(member);
  if (tmp !== undefined) {
    const target = await writeOut(tmp, member.path, [entry, check], made);
    // Hand over the checked copy on disk: the caller never sees bytes that failed the check.
    await handOver(opts, member, lazyFile(target), () => false);
    return;
  }
  const piped = pipeline(entry, check);
  piped.catch(() => undefined); // its failure surfaces through `check` below
  await handOver(opts, member, check, () => check.errored !== null);
  // Whatever the caller left unread is still read and checked.
  if (!check.readableEnded) check.resume();
  await finished(check);
}
