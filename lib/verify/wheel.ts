import { crc32 } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { VerifyError, errorMessage, isAirlockError } from '../errors.ts';

// A wheel's METADATA, read through the zip's central directory (as pip's
// zipfile does) after checking that no other zip reader could see another
// file: every local header agrees with its central entry, entries are unique
// and tile the file from byte 0 to the central directory with no gap or
// overlap where a second local header could hide. yauzl parses; the
// agreement checks are ours because no zip library offers them.

/** METADATA is a few KiB; anything near this is not a wheel pip would read either. */
export const MAX_METADATA_BYTES = 16 * 1024 * 1024;
const MAX_ENTRIES = 100_000;
const FLAG_ENCRYPTED = 0x1;
const FLAG_DATA_DESCRIPTOR = 0x8;
const UNICODE_PATH_EXTRA = 0x7075;
const ZIP64_MARK = 0xffffffff;
/** Data descriptor sizes: with or without its signature, 32- or 64-bit sizes. */
const DESCRIPTOR_SIZES = [12, 16, 20, 24];

export interface WheelContents {
  /** The bytes of the one `*.dist-info/METADATA`; undefined when the wheel has none. */
  metadata?: Uint8Array;
  metadataName?: string;
}

function ambiguous(file: string, msg: string, cause?: unknown): VerifyError {
  return new VerifyError('ZIP_AMBIGUOUS', msg, cause === undefined ? { file } : { file, cause });
}

interface Span {
  start: number;
  end: number;
  descriptor: boolean;
  name: string;
}

async function readEntries(zip: ZipFile, file: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  for await (const e of zip.eachEntry()) {
    if (entries.length >= MAX_ENTRIES) throw ambiguous(file, `more than ${MAX_ENTRIES} zip entries`);
    entries.push(e);
  }
  return entries;
}

function checkNames(entries: Entry[], file: string): void {
  const seen = new Set<string>();
  for (const e of entries) {
    if (e.extraFields.some((f) => f.id === UNICODE_PATH_EXTRA))
      throw ambiguous(file, `zip entry '${e.fileName}' carries a second (Info-ZIP Unicode) name`);
    // Two names equal after case folding extract to one file on some systems, and to two on others.
    const key = e.fileName.normalize('NFC').toLowerCase();
    if (seen.has(key)) throw ambiguous(file, `zip entry '${e.fileName}' appears twice (names compared without case)`);
    seen.add(key);
    if ((e.generalPurposeBitFlag & FLAG_ENCRYPTED) !== 0)
      throw ambiguous(file, `zip entry '${e.fileName}' is encrypted`);
  }
}

async function spanOf(zip: ZipFile, e: Entry, file: string): Promise<Span> {
  const local = await zip.readLocalFileHeaderPromise(e);
  const differs = (what: string) =>
    ambiguous(file, `zip entry '${e.fileName}': local header ${what} differs from the central directory`);
  if (!local.fileName.equals(e.fileNameRaw)) throw differs('name');
  if (local.generalPurposeBitFlag !== e.generalPurposeBitFlag) throw differs('flags');
  if (local.compressionMethod !== e.compressionMethod) throw differs('compression method');
  const descriptor = (e.generalPurposeBitFlag & FLAG_DATA_DESCRIPTOR) !== 0;
  if (!descriptor) {
    if (local.crc32 !== e.crc32) throw differs('CRC-32');
    if (local.compressedSize !== ZIP64_MARK && local.compressedSize !== e.compressedSize)
      throw differs('compressed size');
    if (local.uncompressedSize !== ZIP64_MARK && local.uncompressedSize !== e.uncompressedSize) throw differs('size');
  }
  return {
    start: e.relativeOffsetOfLocalHeader,
    end: local.fileDataStart + e.compressedSize,
    descriptor,
    name: e.fileName,
  };
}

/** Entries must tile [0, central directory): a gap or overlap could hold bytes a streaming reader sees. */
function checkTiling(spans: Span[], centralOffset: number, file: string): void {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let at = 0;
  let prev: Span | undefined;
  for (const s of [...sorted, undefined]) {
    const next = s?.start ?? centralOffset;
    const gap = next - at;
    const fits = gap === 0 || (prev?.descriptor === true && DESCRIPTOR_SIZES.includes(gap));
    if (!fits) {
      const where = prev ? `after zip entry '${prev.name}'` : 'before the first zip entry';
      throw ambiguous(file, `${gap < 0 ? 'overlapping entries' : `${gap} unaccounted bytes`} ${where}`);
    }
    if (s) {
      at = s.end;
      prev = s;
    }
  }
}

async function readMetadata(zip: ZipFile, e: Entry, file: string): Promise<Uint8Array> {
  if (e.uncompressedSize > MAX_METADATA_BYTES)
    throw ambiguous(
      file,
      `'${e.fileName}' declares ${e.uncompressedSize} bytes, over the cap of ${MAX_METADATA_BYTES}`,
    );
  const stream = await zip.openReadStreamPromise(e);
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  const bytes = Buffer.concat(parts);
  if (crc32(bytes) !== e.crc32) throw ambiguous(file, `'${e.fileName}' does not match its CRC-32`);
  return bytes;
}

const METADATA_NAME = /^[^/]+\.dist-info\/METADATA$/;

/**
 * Checks the wheel's zip structure and returns its METADATA. Throws
 * ZIP_AMBIGUOUS when the zip is unreadable or could be read two ways.
 */
export async function readWheel(path: string, file: string): Promise<WheelContents> {
  let zip: ZipFile | undefined;
  try {
    zip = await yauzl.openPromise(path, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: true,
      strictFileNames: true,
      validateEntrySizes: true,
    });
    // Before the first entry is read, yauzl's cursor is the central directory's offset.
    const centralOffset = zip.readEntryCursor as unknown;
    if (typeof centralOffset !== 'number') throw ambiguous(file, 'zip central directory offset unknown');
    const entries = await readEntries(zip, file);
    checkNames(entries, file);
    const spans: Span[] = [];
    for (const e of entries) spans.push(await spanOf(zip, e, file));
    checkTiling(spans, centralOffset, file);
    const meta = entries.filter((e) => METADATA_NAME.test(e.fileName));
    if (meta.length > 1)
      throw ambiguous(
        file,
        `the wheel has ${meta.length} .dist-info/METADATA files (${meta.map((e) => e.fileName).join(', ')})`,
      );
    if (meta.length === 0) return {};
    return { metadata: await readMetadata(zip, meta[0]!, file), metadataName: meta[0]!.fileName };
  } catch (e) {
    if (isAirlockError(e)) throw e;
    throw ambiguous(file, `not a readable zip: ${errorMessage(e)}`, e);
  } finally {
    zip?.close();
  }
}

/** The `Requires-Python` header of a core metadata file (RFC 822 style headers, before the first blank line). */
export function requiresPythonOf(metadata: Uint8Array): string | undefined {
  const text = Buffer.from(metadata).toString('utf8');
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    const m = /^Requires-Python:[ \t]*(.*?)[ \t]*$/i.exec(line);
    if (m) return m[1];
  }
  return undefined;
}
