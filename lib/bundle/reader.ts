import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, open, stat, type FileHandle } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import tar from 'tar-stream';
import { ArchiveError, InputError, InternalError, errorMessage, isAirlockError } from '../errors.ts';
import { commitTemp, discardTemp, makeTempDirFor } from '../util/atomic.ts';
import { BlockTap } from './blocks.ts';
import { createDecompressor, detectCompression, type Decompressor } from './compression.ts';
import { EntryRules } from './entry-rules.ts';
import { HeaderWalk } from './header-walk.ts';
import { CallerFailure, chunksOf, consumeMember, pad512, readAll, writeOut, type TarHeader } from './extract.ts';
import { parseManifest } from './manifest.ts';
import { SIGNATURE_PATH } from './signature.ts';
import { archiveHash, type ArchiveHash } from './parallel-hash.ts';
import { pipeAll } from './pipe.ts';
import { printable } from './paths.ts';
import { assertArchiveEnd, classify, unreadable, type Position } from './stream-errors.ts';
import { MANIFEST_PATH, SIGNED_FORMAT_VERSION, type Manifest, type ManifestMember, type ReadOptions } from './types.ts';

export { DEFAULT_CAPS } from './entry-rules.ts';

// Streams the archive once, front to back. Each entry is judged from its
// header before its body is read (entry-rules.ts), then its body is hashed as
// it passes (member-check.ts). Nothing is extracted outside a temporary
// folder beside `dest`, which is renamed only when the whole archive passed.

interface ScanOptions extends ReadOptions {
  manifestOnly?: boolean;
}

/** A signature envelope is about 1 kB. */
const SIGNATURE_CAP = 64 * 1024;

async function scan(archivePath: string, opts: ScanOptions): Promise<Manifest> {
  let fh: FileHandle;
  let fileSize: number;
  const head = Buffer.alloc(8);
  // A FIFO or device would block open() or never end: only regular files are archives.
  const st = await stat(archivePath).catch((e: unknown) => {
    throw unreadable(archivePath, e);
  });
  if (!st.isFile())
    throw new ArchiveError('ARCHIVE_UNREADABLE', 'not a regular file, not a tar archive', { file: archivePath });
  try {
    fh = await open(archivePath, 'r');
    fileSize = (await fh.stat()).size;
    await fh.read(head, 0, head.length, 0);
  } catch (e) {
    throw unreadable(archivePath, e);
  }
  const rules = new EntryRules(opts.caps);
  const tap = new BlockTap(archivePath, new HeaderWalk(archivePath, rules.maxTotalBytes));
  const pos: Position = { archive: archivePath, entries: 0, end: 0 };
  let tmp: string | undefined;
  let manifest: Manifest | undefined;
  let signatureDue = false;
  let manifestSha256 = '';
  let members = new Map<string, ManifestMember>();
  const made = new Set<string>();
  const extract = tar.extract();
  let flow: Promise<void> = Promise.resolve();
  let decompressor: Decompressor | undefined;
  let hasher: ArchiveHash | undefined;
  try {
    if (fileSize === 0)
      throw new ArchiveError('ARCHIVE_UNREADABLE', 'empty file, not a tar archive', { file: archivePath });
    decompressor = createDecompressor(detectCompression(head, archivePath), archivePath);
    if (opts.dest !== undefined) {
      const exists = await lstat(opts.dest).then(
        () => true,
        () => false,
      );
      if (exists)
        throw new InputError('OUTPUT_FAILED', 'already exists; extraction needs a new folder', { file: opts.dest });
      tmp = await makeTempDirFor(opts.dest);
    }
    let read = 0;
    hasher = archiveHash(fileSize);
    const hash = hasher;
    const progress = new Transform({
      transform(chunk: Buffer, _e, cb) {
        read += chunk.length;
        opts.onProgress?.(read, fileSize);
        const wait = hash.update(chunk);
        if (wait === undefined) cb(null, chunk);
        else wait.then(() => cb(null, chunk), cb);
      },
    });
    // 1 MiB reads: the archive is read once, sequentially; 64 KiB reads cost a third of the hashing speed.
    const source = createReadStream('', { fd: fh, autoClose: false, highWaterMark: 1 << 20 });
    flow = pipeAll([source, progress, ...decompressor.stages, tap, extract]);
    flow.catch(() => undefined); // awaited below, after the entry loop

    for await (const tarEntry of extract) {
      const entry = Readable.from(chunksOf(tarEntry as unknown as AsyncIterable<Buffer>), { objectMode: false });
      const h = tarEntry.header as TarHeader;
      // A header found after zero blocks: the archive had ended and something was appended.
      if (pos.entries > 0 && tap.zeroAt(pos.end)) {
        throw new ArchiveError(
          'ARCHIVE_TRAILING_DATA',
          `data after the end-of-archive marker at offset ${pos.end} ('${printable(h.name)}')`,
          { file: archivePath },
        );
      }
      const size = rules.check(h);
      pos.entries++;
      pos.end = (h.byteOffset ?? 0) + pad512(size);
      tap.forgetBefore(pos.end);

      if (manifest === undefined) {
        if (h.name !== MANIFEST_PATH)
          throw new ArchiveError(
            'MANIFEST_MISSING',
            `the first member is '${printable(h.name)}', not ${MANIFEST_PATH}`,
            { file: archivePath },
          );
        if (size > rules.maxManifestBytes)
          throw new ArchiveError(
            'ARCHIVE_TOO_LARGE',
            `manifest declares ${size} bytes, over the cap of ${rules.maxManifestBytes} (maxManifestBytes)`,
            { file: MANIFEST_PATH },
          );
        pos.inBody = MANIFEST_PATH;
        const bytes = await readAll(entry, rules.maxManifestBytes, MANIFEST_PATH);
        pos.inBody = undefined;
        manifest = parseManifest(bytes);
        members = new Map(manifest.members.map((m) => [m.path, m]));
        if (opts.manifestOnly) return manifest;
        if (tmp !== undefined) await writeOut(tmp, MANIFEST_PATH, bytes, made);
        manifestSha256 = createHash('sha256').update(bytes).digest('hex');
        signatureDue = manifest.formatVersion === SIGNED_FORMAT_VERSION || manifest.signed === true;
        if (!signatureDue) opts.onSignature?.(undefined, manifestSha256);
        continue;
      }
      if (signatureDue) {
        // Version 2: the signature follows the manifest, so the reader still streams once.
        if (h.name !== SIGNATURE_PATH)
          throw new ArchiveError(
            'MEMBER_MISSING',
            `a signed bundle's second member is its signature, not '${printable(h.name)}'`,
            { file: SIGNATURE_PATH },
          );
        if (size > SIGNATURE_CAP)
          throw new ArchiveError('ARCHIVE_TOO_LARGE', `declares ${size} bytes, over the cap of ${SIGNATURE_CAP}`, {
            file: SIGNATURE_PATH,
          });
        pos.inBody = SIGNATURE_PATH;
        const sig = await readAll(entry, SIGNATURE_CAP, SIGNATURE_PATH);
        pos.inBody = undefined;
        signatureDue = false;
        if (tmp !== undefined) await writeOut(tmp, SIGNATURE_PATH, sig, made);
        opts.onSignature?.(sig, manifestSha256);
        continue;
      }

      const member = members.get(h.name);
      if (member === undefined)
        throw new ArchiveError('MEMBER_UNLISTED', 'member is not listed in the manifest', { file: printable(h.name) });
      members.delete(h.name);
      if (size !== member.size)
        throw new ArchiveError(
          'MEMBER_SIZE_MISMATCH',
          `tar header declares ${size} bytes, the manifest lists ${member.size}`,
          { file: member.path },
        );
      pos.inBody = member.path;
      await consumeMember(entry, member, tmp, opts, made);
      pos.inBody = undefined;
    }
    await flow;
    decompressor.assertConsumed(read);

    if (manifest === undefined)
      throw new ArchiveError('MANIFEST_MISSING', 'the archive has no members', { file: archivePath });
    if (signatureDue)
      throw new ArchiveError('MEMBER_MISSING', "a signed bundle's signature is missing", { file: SIGNATURE_PATH });
    assertArchiveEnd(tap, pos);
    const missing = members.keys().next();
    if (!missing.done)
      throw new ArchiveError(
        'MEMBER_MISSING',
        `listed in the manifest but not in the archive${members.size > 1 ? ` (and ${members.size - 1} more)` : ''}`,
        { file: missing.value },
      );

    const digest = await hasher.digest();
    if (tmp !== undefined && opts.dest !== undefined) {
      await commitTemp(tmp, opts.dest);
      tmp = undefined;
    }
    opts.onArchiveDigest?.(digest);
    return manifest;
  } catch (e) {
    extract.destroy();
    const streamError = await flow.then(
      () => undefined,
      (x: unknown) => x,
    );
    if (e instanceof CallerFailure) throw e.cause;
    if (isAirlockError(e)) throw e;
    // The pipeline closed early only because we destroyed it above: the failure came from this reader's own
    // code, a bug (INTERNAL_ERROR, with its cause), never something to blame on the archive.
    if ((streamError as NodeJS.ErrnoException | undefined)?.code === 'ERR_STREAM_PREMATURE_CLOSE')
      throw new InternalError(`reading the archive failed (${errorMessage(e)})`, { file: archivePath, cause: e });
    // A stream that broke shows up in the entry loop as a secondary error; the pipeline has the cause.
    throw classify(streamError ?? e, pos, tap, decompressor?.kind);
  } finally {
    extract.destroy();
    await flow.catch(() => undefined);
    hasher?.close();
    if (tmp !== undefined) await discardTemp(tmp);
    await fh.close().catch(() => undefined);
  }
}

/**
 * Checks the whole archive and returns its manifest: every entry against the
 * reader rules and the manifest, every body against its size and sha256.
 * With `dest`, extracts into that new folder, all or nothing.
 */
export async function readBundle(archivePath: string, opts: ReadOptions = {}): Promise<Manifest> {
  return scan(archivePath, opts);
}

/** Reads and checks only the manifest (the first member); the members are not read. */
export async function readManifest(archivePath: string, opts: Pick<ReadOptions, 'caps'> = {}): Promise<Manifest> {
  return scan(archivePath, { caps: opts.caps, manifestOnly: true });
}
