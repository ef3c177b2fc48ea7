import { SourceError } from '../errors.ts';
import { parseJson } from '../util/json.ts';
import { parseAnchors } from './html.ts';
import { resolveLink } from './urls.ts';

// A project page of a simple repository, in either form: PEP 691 JSON
// (preferred) or PEP 503 HTML. Both become the same IndexFile list; PEP 658/714
// core metadata and PEP 740 provenance links are kept where the page has them.

export const JSON_TYPE = 'application/vnd.pypi.simple.v1+json';
export const ACCEPT = `${JSON_TYPE}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1`;

export interface IndexFile {
  filename: string;
  url: URL;
  /** sha256 the index announces (JSON `hashes.sha256`, HTML `#sha256=`). */
  sha256?: string;
  /** PEP 700 `size`, when given. */
  size?: number;
  requiresPython?: string;
  /** false, true, or the reason text. */
  yanked: boolean | string;
  /** PEP 658/714: undefined when not offered; `sha256` when the index gives one. */
  coreMetadata?: { sha256?: string };
  /** PEP 740: a URL, null when the index says there is none, undefined when it does not say. */
  provenance?: URL | null;
}

export interface ProjectPage {
  format: 'json' | 'html';
  files: IndexFile[];
}

function bad(url: URL, field: string, msg: string): SourceError {
  return new SourceError('INDEX_MALFORMED', `index page is malformed: ${msg}`, { file: url.href, field });
}

function sha256Of(hashes: unknown): string | undefined {
  const v = typeof hashes === 'object' && hashes !== null ? (hashes as Record<string, unknown>).sha256 : undefined;
  return typeof v === 'string' && /^[0-9a-fA-F]{64}$/.test(v) ? v.toLowerCase() : undefined;
}

function metadataOffer(v: unknown): { sha256?: string } | undefined {
  if (v === undefined || v === false || v === null) return undefined;
  const sha = sha256Of(v);
  return sha ? { sha256: sha } : {};
}

export function parseJsonPage(json: unknown, url: URL): ProjectPage {
  if (typeof json !== 'object' || json === null) throw bad(url, '/', 'not a JSON object');
  const page = json as Record<string, unknown>;
  const api = (page.meta as Record<string, unknown> | undefined)?.['api-version'];
  // PEP 691: a client must refuse a major version it does not know.
  if (typeof api !== 'string' || !/^1\.\d+$/.test(api))
    throw bad(url, '/meta/api-version', `unsupported api-version ${JSON.stringify(api)}`);
  if (!Array.isArray(page.files)) throw bad(url, '/files', 'no files array');
  return {
    format: 'json',
    files: page.files.map((f: Record<string, unknown>, i) => {
      const field = `/files/${i}`;
      if (typeof f?.filename !== 'string' || typeof f.url !== 'string')
        throw bad(url, field, 'file without filename or url');
      const out: IndexFile = {
        filename: f.filename,
        url: resolveLink(f.url, url, `URL of ${f.filename}`),
        yanked: typeof f.yanked === 'string' ? f.yanked : f.yanked === true,
      };
      const sha = sha256Of(f.hashes);
      if (sha) out.sha256 = sha;
      if (typeof f.size === 'number' && Number.isSafeInteger(f.size) && f.size >= 0) out.size = f.size;
      if (typeof f['requires-python'] === 'string') out.requiresPython = f['requires-python'];
      // PEP 714 renamed dist-info-metadata to core-metadata; old indexes send only the former.
      const cm = metadataOffer(f['core-metadata'] ?? f['dist-info-metadata']);
      if (cm) out.coreMetadata = cm;
      if (typeof f.provenance === 'string')
        out.provenance = resolveLink(f.provenance, url, `provenance URL of ${f.filename}`);
      else if (f.provenance === null) out.provenance = null;
      return out;
    }),
  };
}

function hashFragment(v: string | undefined): { sha256?: string } | undefined {
  if (v === undefined || v === 'false') return undefined;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(v);
  return m ? { sha256: m[1]!.toLowerCase() } : {};
}

/** The file name a link's last path segment spells, percent-escapes decoded. */
function linkFilename(link: URL, page: URL, field: string): string {
  const last = link.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(last);
  } catch (e) {
    throw new SourceError('INDEX_MALFORMED', `index page is malformed: malformed percent-escape in '${last}'`, {
      file: page.href,
      field,
      cause: e,
    });
  }
}

export function parseHtmlPage(html: string, url: URL): ProjectPage {
  const parsed = parseAnchors(html);
  if (parsed.duplicate !== undefined)
    throw bad(url, parsed.duplicate, `attribute '${parsed.duplicate}' is given twice in one element`);
  // pip resolves links against the page's <base href> when it has one; so does airlock, so both read one page alike.
  const base = parsed.base === undefined ? url : resolveLink(parsed.base, url, 'the <base> of the page');
  return {
    format: 'html',
    files: parsed.anchors.map((a, i) => {
      const field = `anchor ${i + 1}`;
      const link = resolveLink(a.href, base, `link ${a.text}`);
      const frag = hashFragment(link.hash.slice(1));
      link.hash = '';
      const filename = a.text || linkFilename(link, url, field);
      const yanked = a.attrs.get('data-yanked');
      const out: IndexFile = { filename, url: link, yanked: yanked === undefined ? false : yanked || true };
      if (frag?.sha256) out.sha256 = frag.sha256;
      const rp = a.attrs.get('data-requires-python');
      if (rp) out.requiresPython = rp;
      const cm = hashFragment(a.attrs.get('data-core-metadata') ?? a.attrs.get('data-dist-info-metadata'));
      if (cm) out.coreMetadata = cm;
      const prov = a.attrs.get('data-provenance');
      if (prov) out.provenance = resolveLink(prov, base, `provenance URL of ${filename}`);
      return out;
    }),
  };
}

/** Dispatches on the Content-Type the server answered with (PEP 691 content negotiation). */
export function parseProjectPage(bytes: Uint8Array, contentType: string, url: URL): ProjectPage {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new SourceError('INDEX_MALFORMED', 'index page is not UTF-8', { file: url.href, cause: e });
  }
  if (type === JSON_TYPE || type === 'application/json') {
    const json = parseJson(
      text,
      url.href,
      (message, cause) => new SourceError('INDEX_MALFORMED', `index page is ${message}`, { file: url.href, cause }),
    );
    return parseJsonPage(json, url);
  }
  if (type === 'text/html' || type === 'application/vnd.pypi.simple.v1+html') return parseHtmlPage(text, url);
  throw new SourceError('INDEX_MALFORMED', `index answered with unsupported content type '${type}'`, {
    file: url.href,
  });
}
