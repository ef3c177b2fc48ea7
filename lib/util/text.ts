// The one escaping function for text that reaches a terminal. Every string
// that comes from an input (archive, manifest, provenance, certificate, index
// page, lock, file name, error message embedding any of these) goes through it
// before it is printed, so an input cannot move the cursor, rewrite a line
// (CR, ESC [), ring the bell, reorder what follows (U+202E) or hide text
// (zero-width and tag characters), and a newline cannot forge a line.
//
// Escaped: control characters (C0, DEL, C1), format characters (Cf: bidi
// controls, zero-width, BOM, tags), line and paragraph separators, and lone
// surrogates (text that was not valid UTF-16). Backslashes are left as they
// are, so that escaping twice gives the same text as once: a formatter may
// escape a field and the output layer escape the whole line again. A literal
// `\u001b` in an input therefore prints like an escaped ESC; both are inert.

const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const short = SHORT[c];
  if (short) return short;
  const cp = c.codePointAt(0)!;
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/** `s` with every character a terminal would act on or hide written as a visible escape. */
export function printable(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/** Escapes each line of a multi-line text the program composed; the line breaks themselves are kept. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

/**
 * A template tag for report lines: every interpolated value goes through
 * `printable`, the literal text (the program's own) is kept as written.
 */
export function esc(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += printable(String(v)) + strings[i + 1]!;
  });
  return out;
}
