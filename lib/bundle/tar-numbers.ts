// The numeric fields of a tar header, read the one way every reader agrees
// on. tar-stream skips leading spaces and NULs and lets parseInt stop at the
// first non-digit; tarfile cuts the field at its first NUL; GNU tar refuses
// a non-digit right after the digits. Only the form POSIX writers produce is
// read the same by all of them.

export interface NumericField {
  field: string;
  at: number;
  width: number;
  /** GNU base-256 (first byte 0x80, big-endian) is read alike by every reader; allowed where tar writers use it. */
  base256: boolean;
}

export const NUMERIC: NumericField[] = [
  { field: 'mode', at: 100, width: 8, base256: false },
  { field: 'uid', at: 108, width: 8, base256: true },
  { field: 'gid', at: 116, width: 8, base256: true },
  { field: 'size', at: 124, width: 12, base256: true },
  { field: 'mtime', at: 136, width: 12, base256: true },
  { field: 'devmajor', at: 329, width: 8, base256: false },
  { field: 'devminor', at: 337, width: 8, base256: false },
];

/**
 * A numeric field as POSIX writes it: octal digits from the first byte, then
 * one or more NULs or spaces to the end of the field. Leading spaces or NULs,
 * signs, other digits or text after the terminator are read differently by
 * tar-stream (parseInt), tarfile (cut at the first NUL) and GNU tar.
 */
export function octalField(block: Buffer, at: number, width: number): number | undefined {
  let i = at;
  const end = at + width;
  while (i < end && block[i]! >= 0x30 && block[i]! <= 0x37) i++;
  if (i === at || i === end) return undefined;
  for (let j = i; j < end; j++) if (block[j] !== 0 && block[j] !== 0x20) return undefined;
  return Number.parseInt(block.toString('latin1', at, i), 8);
}

function base256Field(block: Buffer, at: number, width: number): number | undefined {
  if (block[at] !== 0x80) return undefined;
  let n = 0;
  for (let i = at + 1; i < at + width; i++) n = n * 256 + block[i]!;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The field's value, or undefined when it is not in the one form every reader agrees on. */
export function numeric(block: Buffer, f: NumericField): number | undefined {
  return octalField(block, f.at, f.width) ?? (f.base256 ? base256Field(block, f.at, f.width) : undefined);
}

/** Sums for the checksum: the field itself counts as eight spaces. */
export function sums(block: Buffer): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b >= 0x80 ? b - 256 : b;
  }
  return { unsigned, signed };
}

/** The checksum as the most lenient reader takes it (spaces skipped, octal digits): to tell garbage from ambiguity. */
export function lenientChecksum(block: Buffer): number | undefined {
  const s = block.toString('latin1', 148, 156).replace(/^[ \0]+/, '');
  const m = /^[0-7]+/.exec(s);
  return m ? Number.parseInt(m[0], 8) : undefined;
}
