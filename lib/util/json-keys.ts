// Duplicate object keys in JSON text that JSON.parse has already accepted.
//
// Written here rather than taken from a library: the JSON AST parsers that
// report duplicates (momoa, json-dup-key-validator) build a whole tree with
// positions and recurse per nesting level, so a deep document overflows the
// stack and a large index page costs many times its size. This is one linear,
// iterative scan over text that is known to be valid JSON, so it only needs to
// tell strings apart from structure; keys are compared after unescaping
// ("a" and "\u0061" are the same key).

interface Frame {
  /** Keys seen so far: an object. Undefined: an array. */
  readonly keys?: Set<string>;
  /** The current member's key, or the current element's index. */
  at: string;
  index: number;
}

/** JSON pointer segment (RFC 6901). */
function segment(s: string): string {
  return s.replaceAll('~', '~0').replaceAll('/', '~1');
}

function pointer(stack: Frame[], key: string): string {
  return `/${[...stack.slice(1, -1).map((f) => f.at), key].map(segment).join('/')}`;
}

/** End (index of the closing quote) of the string starting at `start` (its opening quote). */
function stringEnd(text: string, start: number, quoteOrEscape: RegExp): number {
  quoteOrEscape.lastIndex = start + 1;
  for (;;) {
    const m = quoteOrEscape.exec(text);
    // Unreachable for text JSON.parse accepted; stop rather than loop.
    if (m === null) return text.length;
    if (m[0] === '"') return m.index;
    quoteOrEscape.lastIndex = m.index + 2;
  }
}

/**
 * The first key given twice in one object of `text` (valid JSON), with the
 * JSON pointer of its second occurrence; undefined when there is none.
 */
export function findDuplicateKey(text: string): { key: string; pointer: string } | undefined {
  // The root frame stands for "outside any value"; its `at` is never used.
  const stack: Frame[] = [{ at: '', index: 0 }];
  let expectKey = false;
  const structure = /[{}[\],"]/g;
  const quoteOrEscape = /["\\]/g;
  for (;;) {
    const m = structure.exec(text);
    if (m === null) return undefined;
    const top = stack[stack.length - 1]!;
    switch (m[0]) {
      case '{':
        stack.push({ keys: new Set(), at: '', index: 0 });
        expectKey = true;
        break;
      case '[':
        stack.push({ at: '0', index: 0 });
        expectKey = false;
        break;
      case '}':
      case ']':
        stack.pop();
        expectKey = false;
        break;
      case ',':
        if (top.keys) expectKey = true;
        else top.at = String(++top.index);
        break;
      default: {
        const end = stringEnd(text, m.index, quoteOrEscape);
        if (expectKey && top.keys) {
          const raw = text.slice(m.index + 1, end);
          const key = raw.includes('\\') ? (JSON.parse(text.slice(m.index, end + 1)) as string) : raw;
          if (top.keys.has(key)) return { key, pointer: pointer(stack, key) };
          top.keys.add(key);
          top.at = key;
          expectKey = false;
        }
        structure.lastIndex = end + 1;
      }
    }
  }
}
