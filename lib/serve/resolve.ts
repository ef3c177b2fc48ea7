import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

// Maps a request path to a file inside the served folder, or says why not.
// Refused: encoded separators and NUL (%2f, %5c, %00), backslashes, `.` and
// `..` segments in any encoding, hidden names (.airlock, temporary files, the
// lock), and anything whose real path (symbolic links resolved) is outside.

export type Resolved =
  | { kind: 'file'; path: string; size: number; mtimeMs: number }
  | { kind: 'dir'; path: string }
  | { kind: 'error'; status: 400 | 404 };

export function segmentsOf(rawPath: string): string[] | undefined {
  if (!rawPath.startsWith('/') || /%(?:2f|5c|00)/i.test(rawPath) || rawPath.includes('\\')) return undefined;
  const segs: string[] = [];
  for (const raw of rawPath.split('/').slice(1)) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (seg === '.' || seg === '..' || seg.includes('/') || seg.includes('\0')) return undefined;
    segs.push(seg);
  }
  return segs;
}

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/** `root` must be a real path (realpath) already. */
export async function resolveRequest(root: string, rawPath: string): Promise<Resolved> {
  const segs = segmentsOf(rawPath);
  if (segs === undefined) return { kind: 'error', status: 400 };
  const names = segs.filter((s, i) => !(s === '' && i === segs.length - 1));
  if (names.some((s) => s === '' || s.startsWith('.'))) return { kind: 'error', status: 404 };
  let real: string;
  try {
    real = await realpath(join(root, ...names));
  } catch {
    return { kind: 'error', status: 404 };
  }
  if (!inside(root, real)) return { kind: 'error', status: 404 };
  const st = await stat(real).catch(() => undefined);
  if (!st) return { kind: 'error', status: 404 };
  if (st.isDirectory()) return { kind: 'dir', path: real };
  if (!st.isFile()) return { kind: 'error', status: 404 };
  return { kind: 'file', path: real, size: st.size, mtimeMs: st.mtimeMs };
}
