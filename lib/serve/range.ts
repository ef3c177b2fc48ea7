// One byte range of a `Range: bytes=...` header (RFC 9110 §14.1.2). Several
// ranges are answered with the whole file, which the RFC allows; a range that
// cannot be satisfied is 416.

export type RangeResult = { kind: 'all' } | { kind: 'part'; start: number; end: number } | { kind: 'unsatisfiable' };

export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return { kind: 'all' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return { kind: 'all' };
  const [a, b] = [m[1] as string, m[2] as string];
  if (a === '' && b === '') return { kind: 'all' };
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'part', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || (b !== '' && Number(b) < start))
    return { kind: 'unsatisfiable' };
  return { kind: 'part', start, end };
}
