// Duplicate object keys in JSON text that JSON.parse has already accepted.
//
// Written here rather than taken from a library: the JSON AST parsers that
// report duplicates (momoa, json-dup-key-validator) build a whole tree with
// positions and recurse per nesting level, so a deep document overflows the
// stack and a large index page costs many times its size. This is one linear,
// iterative scan over text that is known to be valid JSON, so it only needs to
// tell strings apart from structure; keys are compared after unescaping
// ("a" and "\u0061" are the same key).

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Objects with more keys than this look keys up in a Set rather than a list. */
const SMALL = 16;

interface Frame {
  /** Keys seen so far: an object. Null: an array. */
  keys: string[] | Set<string> | null;
  /** The current member's key, or the current element's index. */
  at: string;
  index: number;
}

/** JSON pointer segment (RFC 6901). */
function segment(s: string): string {
  return s.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Index of the quote that closes the string opened at `start`. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    // Unreachable for text JSON.parse accepted; stop rather than loop.
    if (end < 0) return text.length;
    // A quote preceded by an odd number of backslashes is escaped.
    let k = end - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    if ((end - 1 - k) % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

/** Adds `key` to the object's keys; false when it was there already. */
function addKey(frame: Frame, key: string): boolean {
  const keys = frame.keys!;
  if (Array.isArray(keys)) {
    if (keys.includes(key)) return false;
    keys.push(key);
    if (keys.length > SMALL) frame.keys = new Set(keys);
  } else {
    if (keys.has(key)) return false;
    keys.add(key);
  }
  frame.at = key;
  return true;
}

/**
 * The first key given twice in one object of `text` (valid JSON), with the
 * JSON pointer of its second occurrence; undefined when there is none.
 */
export function findDuplicateKey(text: string): { key: string; pointer: string } | undefined {
  // The root frame stands for "outside any value"; its `at` is never used.
  const stack: Frame[] = [{ keys: null, at: '', index: 0 }];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1]!;
      if (expectKey && top.keys !== null) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        if (!addKey(top, key)) {
          return { key, pointer: `/${[...stack.slice(1, -1).map((f) => f.at), key].map(segment).join('/')}` };
        }
        expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      stack.push({ keys: [], at: '', index: 0 });
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push({ keys: null, at: '0', index: 0 });
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1]!;
      if (top.keys !== null) expectKey = true;
      else top.at = String(++top.index);
    }
  }
  return undefined;
}
