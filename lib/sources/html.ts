import { Parser } from 'htmlparser2';

// PEP 503 simple pages are a list of <a> elements with a few data-* attributes
// (PEP 592 yanked, PEP 658/714 core metadata, PEP 740 provenance). They are
// read with htmlparser2's tokenizer, which runs in linear time on any input
// (the regexes used before went quadratic on `<a>` repeated with no closing
// tag) and decodes entities as the HTML standard says (a code point beyond
// U+10FFFF becomes U+FFFD, it does not throw). Anything that is not an anchor
// or the page's <base> is ignored, as pip ignores it.

export interface Anchor {
  href: string;
  text: string;
  attrs: Map<string, string>;
}

export interface AnchorPage {
  anchors: Anchor[];
  /** The first `<base href>`, which pip resolves links against instead of the page URL. */
  base?: string;
  /**
   * The first attribute given twice in one <a> or <base>. Browsers keep the first
   * value and pip (dict(attrs)) the last, so such a page has two readings.
   */
  duplicate?: string;
}

export function parseAnchors(html: string): AnchorPage {
  const page: AnchorPage = { anchors: [] };
  let open: { attrs: Map<string, string>; text: string } | undefined;
  let attrs = new Map<string, string>();
  let tag = '';
  const close = () => {
    const href = open?.attrs.get('href');
    if (open && href !== undefined) page.anchors.push({ href, text: open.text.trim(), attrs: open.attrs });
    open = undefined;
  };
  const parser = new Parser(
    {
      onopentagname(name) {
        tag = name;
        attrs = new Map();
      },
      onattribute(name, value) {
        // Only the elements airlock reads matter; pip ignores the others too.
        if (attrs.has(name) && (tag === 'a' || tag === 'base')) page.duplicate ??= name;
        attrs.set(name, value);
      },
      onopentag(name) {
        if (name === 'a') {
          // An <a> inside an open <a> ends the first one, as the HTML parsing algorithm does.
          close();
          open = { attrs, text: '' };
        } else if (name === 'base' && page.base === undefined && attrs.has('href')) {
          page.base = attrs.get('href')!;
        }
      },
      ontext(data) {
        if (open) open.text += data;
      },
      onclosetag(name) {
        if (name === 'a') close();
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  close();
  return page;
}
