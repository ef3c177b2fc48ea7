import { type AirlockError, SourceError, errorFor, isAirlockError } from '../errors.ts';
import { parseJson } from '../util/json.ts';

// A bundled PEP 691 project page is unauthenticated: whoever could change a
// member could change it. What it says about a verified file's hash and size
// must agree with the file; everything else it carries is reported as
// unverified, never used to decide.

export interface IndexFileFacts {
  requiresPython?: string;
  yanked?: boolean | string;
  uploadTime?: string;
}

export interface IndexPageFacts {
  member: string;
  /** Per file name, the page's unverified fields. */
  files: Map<string, IndexFileFacts>;
  /** PEP 792 project status, when the page gives one. */
  status?: { status: string; reason?: string };
  /** Set when the page cannot be read: every file of the project is refused with it. */
  error?: AirlockError;
  /** Per file name, the page's hash or size that disagrees with the verified file. */
  mismatches: Map<string, string>;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function statusOf(page: Record<string, unknown>): IndexPageFacts['status'] {
  // PEP 792 puts it in `project-status` (older drafts: `status` inside `meta`).
  const ps = obj(page['project-status']);
  if (!ps || typeof ps.status !== 'string') return undefined;
  return typeof ps.reason === 'string' ? { status: ps.status, reason: ps.reason } : { status: ps.status };
}

function disagreement(f: Record<string, unknown>, verified: { sha256: string; size: number }): string | undefined {
  const hashes = obj(f.hashes);
  if (hashes && 'sha256' in hashes) {
    const h = hashes.sha256;
    if (typeof h !== 'string' || h.toLowerCase() !== verified.sha256)
      return `the index page gives sha256 ${JSON.stringify(h)}, the verified file has ${verified.sha256}`;
  }
  if ('size' in f && f.size !== verified.size)
    return `the index page gives size ${JSON.stringify(f.size)}, the verified file has ${verified.size} bytes`;
  return undefined;
}

function malformed(member: string, field: string, msg: string): SourceError {
  return new SourceError('INDEX_MALFORMED', `index page is malformed: ${msg}`, { file: member, field });
}

/**
 * The PEP 691 envelope, checked as the connected side's reader (lib/sources/index-page.ts) does; its URLs
 * are not resolved here: offline, no file is fetched, so they mean nothing.
 */
function pageObject(json: unknown, member: string): Record<string, unknown> {
  const page = obj(json);
  if (!page) throw malformed(member, '/', 'not a JSON object');
  const api = obj(page.meta)?.['api-version'];
  // PEP 691: a client must refuse a major version it does not know.
  if (typeof api !== 'string' || !/^1\.\d+$/.test(api))
    throw malformed(member, '/meta/api-version', `unsupported api-version ${JSON.stringify(api)}`);
  if (!Array.isArray(page.files)) throw malformed(member, '/files', 'no files array');
  return page;
}

/**
 * Reads a bundled project page and compares it with the verified files of
 * that project (by file name). A page that names a file twice is compared
 * entry by entry: every entry must agree.
 */
export function readIndexPage(
  bytes: Uint8Array,
  member: string,
  verified: Map<string, { sha256: string; size: number }>,
): IndexPageFacts {
  const facts: IndexPageFacts = { member, files: new Map(), mismatches: new Map() };
  let page: Record<string, unknown>;
  try {
    page = pageObject(parseJson(bytes, member), member);
  } catch (e) {
    facts.error = isAirlockError(e)
      ? errorFor(e.code, e.message, { file: member, ...(e.field ? { field: e.field } : {}), cause: e })
      : new SourceError('INDEX_MALFORMED', 'index page cannot be read', { file: member, cause: e });
    return facts;
  }
  const status = statusOf(page);
  if (status) facts.status = status;
  for (const raw of page.files as unknown[]) {
    const f = obj(raw);
    if (!f || typeof f.filename !== 'string') continue;
    const v = verified.get(f.filename);
    if (!v) continue;
    const bad = disagreement(f, v);
    if (bad && !facts.mismatches.has(f.filename)) facts.mismatches.set(f.filename, bad);
    const info: IndexFileFacts = {};
    if (typeof f['requires-python'] === 'string') info.requiresPython = f['requires-python'];
    if (typeof f.yanked === 'string' || typeof f.yanked === 'boolean') info.yanked = f.yanked;
    if (typeof f['upload-time'] === 'string') info.uploadTime = f['upload-time'];
    if (!facts.files.has(f.filename)) facts.files.set(f.filename, info);
  }
  return facts;
}
