// PEP 691 content negotiation: the Accept header's media ranges and quality
// values pick one of the three representations of an index page. Written here
// because it is a few lines over RFC 9110 §12.5.1 and no npm package weighs
// exactly these three candidates; nginx's `map` (examples/nginx.conf) cannot
// weigh quality values at all, which is why the two are tested side by side.

// PEP 691's `latest` names are aliases of v1 here (the only version there is); served as v1.
export const REPRESENTATIONS = [
  {
    type: 'application/vnd.pypi.simple.v1+json',
    alias: 'application/vnd.pypi.simple.latest+json',
    file: 'index.json',
    tag: 'j',
  },
  {
    type: 'application/vnd.pypi.simple.v1+html',
    alias: 'application/vnd.pypi.simple.latest+html',
    file: 'index.html',
    tag: 'h',
  },
  { type: 'text/html', alias: undefined, file: 'index.html', tag: 't' },
] as const;

export type Representation = (typeof REPRESENTATIONS)[number];

interface Range {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): Range[] {
  const out: Range[] = [];
  for (const part of header.split(',')) {
    const [range, ...params] = part.split(';').map((s) => s.trim());
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\/([!#$%&'*+.^_`|~0-9A-Za-z-]+)$/.exec(range ?? '');
    if (!m) continue;
    let q = 1;
    for (const p of params) {
      const qm = /^q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i.exec(p);
      if (qm) q = Number(qm[1]);
    }
    out.push({ type: (m[1] as string).toLowerCase(), subtype: (m[2] as string).toLowerCase(), q });
  }
  return out;
}

/** The quality and specificity (2 exact, 1 type/*, 0 * /*) of the most specific range matching `type`. */
function weigh(ranges: Range[], type: string): { q: number; spec: number } {
  const [t, s] = type.split('/') as [string, string];
  let best = { q: 0, spec: -1 };
  for (const r of ranges) {
    const spec =
      r.type === t && r.subtype === s
        ? 2
        : r.type === t && r.subtype === '*'
          ? 1
          : r.type === '*' && r.subtype === '*'
            ? 0
            : -1;
    if (spec > best.spec) best = { q: r.q, spec };
  }
  return best;
}

/**
 * The representation to serve, or undefined for 406. No Accept header, or one
 * that only matches through wildcards, gets text/html (what browsers and old
 * clients expect); ties between explicit ranges go to JSON, then v1 HTML.
 */
export function negotiate(accept: string | undefined): Representation | undefined {
  const fallback = REPRESENTATIONS[2];
  if (accept === undefined || accept.trim() === '') return fallback;
  const ranges = parseAccept(accept);
  let best: { rep: Representation; q: number; spec: number } | undefined;
  for (const rep of REPRESENTATIONS) {
    const w = weigh(ranges, rep.type);
    if (rep.alias !== undefined) {
      const a = weigh(ranges, rep.alias);
      if (a.spec > w.spec) Object.assign(w, a);
    }
    if (w.q <= 0) continue;
    if (!best || w.q > best.q || (w.q === best.q && w.spec > best.spec)) best = { rep, ...w };
  }
  if (!best) return undefined;
  return best.spec === 0 && weigh(ranges, fallback.type).q === best.q ? fallback : best.rep;
}
