import assert from 'node:assert/strict';
import { test } from 'node:test';
import { esc, printable, printableLines } from '../../lib/util/text.ts';

test('printable escapes what a terminal acts on or hides, and nothing else', () => {
  assert.equal(
    printable('a\x1b[2Kb\rc\x07d\u202ee\u2028f\ud800g\u{e0041}h\u200bi\x7fj\x85k\nl\tm\ufeff'),
    'a\\u001b[2Kb\\rc\\u0007d\\u202ee\\u2028f\\ud800g\\u{e0041}h\\u200bi\\u007fj\\u0085k\\nl\\tm\\ufeff',
  );
  assert.equal(
    printable('pypi_attestations-0.0.19.tar.gz é 日本 "q" \\'),
    'pypi_attestations-0.0.19.tar.gz é 日本 "q" \\',
  );
});

test('printable is idempotent, so a field escaped by a formatter is not escaped twice by the output layer', () => {
  const s = 'x\x1b]0;title\x07\r\nVERIFIED';
  assert.equal(printable(printable(s)), printable(s));
  assert.equal(printableLines(`ok\n${printable(s)}\n`), `ok\n${printable(s)}\n`);
});

test('esc escapes interpolated values only', () => {
  assert.equal(esc`line ${'a\nVERIFIED: all'} ${3}\n`, 'line a\\nVERIFIED: all 3\n');
});
