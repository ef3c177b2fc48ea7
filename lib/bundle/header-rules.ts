import { ARCHIVE_LIMITS } from '../util/caps.ts';
import { ArchiveError } from '../errors.ts';
import { printable } from './paths.ts';
import { lenientChecksum, NUMERIC, numeric, octalField, sums } from './tar-numbers.ts';

// The raw tar header rules: one reading of every header block, decided here
// from the bytes before tar-stream interprets them. tar-stream, GNU tar,
// bsdtar and Python's tarfile each forgive different deviations from what
// POSIX writes (a leading NUL in a size field is 0 to tarfile and the digits
// after it to tar-stream; a checksum may match the signed sum for tarfile
// only; a pax global header renames the next member for tarfile only), so
// anything beyond the subset airlock's writer produces is refused
// (ARCHIVE_AMBIGUOUS) rather than read one way. Pure: bytes in, a reading or
// an error out. Hand-written because no tar library exposes its raw fields.

export const BLOCK = 512;
/** Largest pax or GNU long-name body: a path is at most 1024 bytes, so a valid bundle needs far less. */
export const MAX_EXTENDED_HEADER = ARCHIVE_LIMITS.maxExtendedHeader;

export type HeaderKind = 'member' | 'pax' | 'longname' | 'other';

export interface RawHeader {
  kind: HeaderKind;
  typeflag: string;
  /** prefix/name as every reader joins them. */
  name: string;
  size: number;
}

const USTAR = Buffer.from('ustar\x0000', 'latin1');
const GNU = Buffer.from('ustar  \x00', 'latin1');

/** Typeflags other readers give a meaning tar-stream does not share. */
const AMBIGUOUS_TYPES: Record<string, string> = {
  g: 'a pax global header (tarfile applies it to every later member, tar-stream only to pax ones)',
  K: 'a GNU long link name',
  S: 'a GNU sparse file (its size and layout differ between readers)',
  N: 'an old GNU long name',
  X: 'a Solaris extended header',
};

export function ambiguous(name: string, field: string, message: string): ArchiveError {
  return new ArchiveError('ARCHIVE_AMBIGUOUS', message, { file: printable(name), field });
}

/** The string in a NUL-padded field; bytes after the first NUL would be read by some tools only. */
function str(block: Buffer, at: number, width: number, name: string, field: string): string {
  const raw = block.subarray(at, at + width);
  const nul = raw.indexOf(0);
  if (nul === -1) return raw.toString('utf8');
  if (raw.subarray(nul).some((b) => b !== 0))
    throw ambiguous(name, field, `the ${field} field has bytes after its terminating NUL`);
  return raw.subarray(0, nul).toString('utf8');
}

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/**
 * Reads one non-zero header block at `offset` of the decompressed stream.
 */
export function readHeader(block: Buffer, offset: number, archive: string): RawHeader {
  const nul = block.subarray(0, 100).indexOf(0);
  const rawName = block.toString('utf8', 0, nul === -1 ? 100 : nul);
  let label = rawName;
  const { unsigned, signed } = sums(block);
  const recorded = lenientChecksum(block);
  if (recorded !== unsigned) {
    if (recorded !== undefined && recorded === signed)
      throw ambiguous(label, 'checksum', 'the header checksum matches only the signed sum of its bytes');
    throw new ArchiveError(
      'ARCHIVE_UNREADABLE',
      offset === 0
        ? 'not a tar archive (header checksum mismatch)'
        : `corrupt tar header at offset ${offset} (checksum mismatch)`,
      { file: archive },
    );
  }
  if (octalField(block, 148, 8) === undefined)
    throw ambiguous(label, 'checksum', 'the checksum field is not plain octal digits ending in NUL or space');

  const magic = block.subarray(257, 265);
  const gnu = magic.equals(GNU);
  if (!gnu && !magic.equals(USTAR))
    throw ambiguous(
      label,
      'magic',
      `magic and version "${printable(magic.toString('latin1'))}" are neither POSIX ustar ("ustar\\u000000") nor GNU`,
    );
  const name = str(block, 0, 100, label, 'name');
  // GNU headers keep times and sparse maps where ustar has its prefix: tarfile joins that area as a prefix anyway.
  if (gnu && block.subarray(345, BLOCK).some((b) => b !== 0))
    throw ambiguous(
      label,
      'prefix',
      'a GNU header with a non-empty prefix area (tarfile reads it as a prefix, tar-stream does not)',
    );
  const prefix = gnu ? '' : str(block, 345, 155, label, 'prefix');
  if (!gnu && block.subarray(500, BLOCK).some((b) => b !== 0))
    throw ambiguous(label, 'padding', 'the header padding after the prefix is not zero');
  const full = prefix === '' ? name : `${prefix}/${name}`;
  label = full;
  str(block, 157, 100, label, 'linkname');
  str(block, 265, 32, label, 'uname');
  str(block, 297, 32, label, 'gname');
  let size = 0;
  for (const f of NUMERIC) {
    const n = numeric(block, f);
    if (n === undefined) {
      const shown = `"${printable(block.toString('latin1', f.at, f.at + f.width))}"`;
      const alt = f.base256 ? ' (nor positive base-256)' : '';
      throw ambiguous(
        label,
        f.field,
        `the ${f.field} field ${shown} is not plain octal digits ending in NUL or space${alt}`,
      );
    }
    if (f.field === 'size') size = n;
  }

  const typeflag = String.fromCharCode(block[156]!);
  const why = AMBIGUOUS_TYPES[typeflag];
  if (why !== undefined) throw ambiguous(label, 'typeflag', `type '${typeflag}' is ${why}`);
  if (typeflag === 'x' || typeflag === 'L') {
    if (size > MAX_EXTENDED_HEADER)
      throw new ArchiveError(
        'ARCHIVE_TOO_LARGE',
        `${typeflag === 'x' ? 'pax' : 'GNU long-name'} header at offset ${offset} declares ${size} bytes, over the ` +
          `limit of ${MAX_EXTENDED_HEADER}`,
        { file: printable(label) },
      );
    return { kind: typeflag === 'x' ? 'pax' : 'longname', typeflag, name: full, size };
  }
  if (typeflag === '0' || typeflag === '\0') {
    if (block[157] !== 0) throw ambiguous(label, 'linkname', 'a regular file with a link name');
    return { kind: 'member', typeflag, name: full, size };
  }
  return { kind: 'other', typeflag, name: full, size };
}
