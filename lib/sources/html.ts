import { Tokenizer } from 'htmlparser2';

// PEP 503 simple pages are a list of <a> elements with a few data-* attributes
// (PEP 592 yanked, PEP 658/714 core metadata, PEP 740 provenance). They are
// read with htmlparser2's tokenizer, a state machine that runs in linear time
// on any input and decodes entities as the HTML standard says (a code point
// beyond U+10FFFF becomes U+FFFD, it does not throw). The regexes used before
// went quadratic on `<a>` repeated with no closing tag. htmlparser2's Parser
// is not used: it keeps open elements in an array it unshifts, quadratic on
// thousands of unclosed tags, and airlock needs no tree, only the anchors.
// Anything that is not an anchor or the page's <base> is ignored, as pip
// ignores it.

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
   * The first attribute given twice in one <a> or <base>. Browsers keep the
   * first value and pip (dict(attrs)) the last, so such a page has two readings.
   */
  duplicate?: string;
}

function fromCodePoint(cp: number): string {
  return cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
}

export function parseAnchors(html: string): AnchorPage {
  const page: AnchorPage = { anchors: [] };
  // The anchor being read: each <a> ends the previous one, as the HTML parsing algorithm does.
  let open: { attrs: Map<string, string>; text: string } | undefined;
  let tag = '';
  let attrs = new Map<string, string>();
  let attrName = '';
  let attrValue = '';
  const slice = (start: number, end: number) => html.slice(start, end);
  const close = () => {
    const href = open?.attrs.get('href');
    if (open && href !== undefined) page.anchors.push({ href, text: open.text.trim(), attrs: open.attrs });
    open = undefined;
  };
  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname(start, end) {
        tag = slice(start, end).toLowerCase();
        attrs = new Map();
      },
      onattribname(start, end) {
        attrName = slice(start, end).toLowerCase();
        attrValue = '';
      },
      onattribdata(start, end) {
        attrValue += slice(start, end);
      },
      onattribentity(cp) {
        attrValue += fromCodePoint(cp);
      },
      onattribend() {
        // Only the elements airlock reads matter; pip ignores the others too.
        if (tag !== 'a' && tag !== 'base') return;
        if (attrs.has(attrName)) page.duplicate ??= attrName;
        attrs.set(attrName, attrValue);
      },
      onopentagend() {
        if (tag === 'a') {
          close();
          open = { attrs, text: '' };
        } else if (tag === 'base' && page.base === undefined && attrs.has('href')) {
          page.base = attrs.get('href')!;
        }
      },
      onselfclosingtag() {
        this.onopentagend(0);
      },
      ontext(start, end) {
        if (open) open.text += slice(start, end);
      },
      ontextentity(cp) {
        if (open) open.text += fromCodePoint(cp);
      },
      onclosetag(start, end) {
        if (slice(start, end).toLowerCase() === 'a') close();
      },
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onprocessinginstruction() {},
      onend() {},
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  close();
  return page;
}
