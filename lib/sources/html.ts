// PEP 503 simple pages are a flat list of <a> elements with a few data-*
// attributes. No HTML parser ships with airlock's dependencies and this subset
// is regular, so anchors are read here with a small tokenizer; anything that
// is not an anchor is ignored, as pip ignores it.

export interface Anchor {
  href: string;
  text: string;
  attrs: Map<string, string>;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (all, e: string) => {
    if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

const ANCHOR = /<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi;
const ATTR = /([^\s=\/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

export function parseAnchors(html: string): Anchor[] {
  const out: Anchor[] = [];
  for (const [, attrText, inner] of html.matchAll(ANCHOR)) {
    const attrs = new Map<string, string>();
    for (const [, k, d, s, u] of attrText!.matchAll(ATTR)) {
      attrs.set(k!.toLowerCase(), decodeEntities(d ?? s ?? u ?? ''));
    }
    const href = attrs.get('href');
    if (href === undefined) continue;
    out.push({ href, text: decodeEntities(inner!.replace(/<[^>]*>/g, '')).trim(), attrs });
  }
  return out;
}
