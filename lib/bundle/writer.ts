import { type FileHandle, open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import tar from 'tar-stream';
import { InputError, isAirlockError, errorMessage } from '../errors.ts';
import { createAtomicWriteStream } from '../util/atomic.ts';
import { stringifyJson } from '../util/json.ts';
import { compressStages, compressionFromPath } from './compression.ts';
import { memberCheck } from './member-check.ts';
import { pipeAll } from './pipe.ts';
import { archiveHash } from './parallel-hash.ts';
import { buildManifest, checkInputs, describe } from './writer-manifest.ts';
import { SIGNATURE_PATH, signManifest } from './signature.ts';
import {
  MANIFEST_PATH,
  type ManifestInput,
  type ManifestMember,
  type MemberInput,
  type WriteOptions,
  type WriteResult,
} from './types.ts';

export { buildManifest } from './writer-manifest.ts';

// Deterministic: the same inputs give the same bytes. Members sorted by the
// byte order of their paths, manifest first, no folder entries, every header
// with mtime 0, uid/gid 0, empty owner names and mode 0644; manifest keys in
// a fixed order; fixed compression levels.

const EPOCH = new Date(0);

function header(name: string, size: number): Partial<tar.Header> & { name: string } {
  return { name, size, type: 'file', mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', mtime: EPOCH };
}

async function addMember(
  pack: tar.Pack,
  m: ManifestMember,
  localPath: string,
  onBytes: (n: number) => void,
): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await open(localPath, 'r');
  } catch (e) {
    throw new InputError('INPUT_UNREADABLE', `cannot read (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`, {
      file: localPath,
      cause: e,
    });
  }
  // Large reads: the default 64 KiB ones left the copy into the archive waiting on the disk.
  const source = fh.createReadStream({ highWaterMark: 1 << 20 });
  const check = memberCheck(m, { label: `${m.path} (from ${localPath})`, onBytes });
  try {
    await pipeAll([source, check, pack.entry(header(m.path, m.size))]);
  } catch (e) {
    if (isAirlockError(e)) throw e;
    if ((e as NodeJS.ErrnoException).syscall === 'read') {
      throw new InputError('INPUT_UNREADABLE', `cannot read (${(e as NodeJS.ErrnoException).code})`, {
        file: localPath,
        cause: e,
      });
    }
    throw e;
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * Writes a bundle archive to `outPath` (temporary name, renamed on success):
 * manifest first, then every member streamed from disk and hashed again on
 * the way, refused when it differs from a given or first-read digest/size.
 */
export async function writeBundle(
  outPath: string,
  input: ManifestInput,
  members: MemberInput[],
  opts: WriteOptions = {},
): Promise<WriteResult> {
  const compression = opts.compression ?? compressionFromPath(outPath);
  const stages = compressStages(compression);
  const sorted = checkInputs(members);
  const listed: ManifestMember[] = [];
  for (const m of sorted) listed.push(await describe(m));
  const manifest = buildManifest(input, listed, opts.signKey !== undefined);
  const manifestBytes = Buffer.from(stringifyJson(manifest));
  const signature = opts.signKey ? signManifest(manifestBytes, opts.signKey) : undefined;

  const total = listed.reduce((n, m) => n + m.size, 0);
  let done = 0;
  const onBytes = (n: number): void => {
    done += n;
    opts.onProgress?.(done, total);
  };
  // Each member is hashed on this thread as it is written (checked against the manifest); the archive's own
  // sha256 goes to another core for a large uncompressed bundle, as the reader does it (a compressed archive is
  // smaller than its members by an unknown factor: hashed here, where no worker costs its memory).
  const hasher = archiveHash(compression === 'none' ? total : 0);
  let archiveSize = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      archiveSize += chunk.length;
      const wait = hasher.update(chunk);
      if (wait) wait.then(() => cb(null, chunk), cb);
      else cb(null, chunk);
    },
  });

  const out = createAtomicWriteStream(outPath);
  const pack = tar.pack();
  const consumer = pipeAll([pack, ...stages, tap, out.stream]);
  const producer = (async () => {
    await new Promise<void>((resolve, reject) =>
      pack.entry(header(MANIFEST_PATH, manifestBytes.length), manifestBytes, (e) => (e ? reject(e) : resolve())),
    );
    if (signature) {
      await new Promise<void>((resolve, reject) =>
        pack.entry(header(SIGNATURE_PATH, signature.length), signature, (e) => (e ? reject(e) : resolve())),
      );
    }
    for (let i = 0; i < sorted.length; i++) await addMember(pack, listed[i]!, sorted[i]!.localPath, onBytes);
    pack.finalize();
  })().catch((e: unknown) => {
    // Ends the consumer too, which would otherwise wait for entries that never come.
    pack.destroy(e instanceof Error ? e : new Error(String(e)));
    throw e;
  });
  const [p, c] = await Promise.allSettled([producer, consumer]);
  if (p.status === 'rejected' || c.status === 'rejected') {
    hasher.close();
    pack.destroy();
    await out.abort();
    const pe = p.status === 'rejected' ? p.reason : undefined;
    const ce = c.status === 'rejected' ? c.reason : undefined;
    if (isAirlockError(pe)) throw pe;
    if (isAirlockError(ce)) throw ce;
    const e = ce ?? pe;
    throw new InputError('OUTPUT_FAILED', `cannot write (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`, {
      file: outPath,
      cause: e,
    });
  }
  let sha256: string;
  try {
    sha256 = await hasher.digest();
  } catch (e) {
    await out.abort();
    throw e;
  }
  await out.commit();
  return { manifest, sha256, size: archiveSize };
}
