import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHtmlPage } from '../../lib/sources/index-page.ts';

const base = new URL('https://pypi.example/simple/demo/');

// Generous: the machine running the tests is shared. Linear time is the point:
// the old regex took 20 s on 600 KB, and would have taken hours on 4 MB.
const quickMs = (bytes: number) => 5000 + bytes / 200;

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

test('<a> repeated with no closing tag (600 KB and 4 MB) parses in linear time', () => {
  for (const size of [600 * 1024, 4 * 1024 * 1024]) {
    const html = '<a>'.repeat(size / 3);
    const { value, ms } = timed(() => parseHtmlPage(html, base));
    assert.equal(value.files.length, 0);
    assert.ok(ms < quickMs(size), `${size} bytes took ${ms} ms`);
    const unterminated = `<a ${'<a '.repeat(size / 3)}`;
    const u = timed(() => assert.throws(() => parseHtmlPage(unterminated, base), { code: 'INDEX_MALFORMED' }));
    assert.ok(u.ms < quickMs(size), `${size} bytes of one unterminated tag took ${u.ms} ms`);
    const nested = timed(() => parseHtmlPage('<b>'.repeat(size / 3), base));
    assert.ok(nested.ms < quickMs(size), `${size} bytes of unclosed <b> took ${nested.ms} ms`);
    const open = '<a href="x.tar.gz">'.repeat(size / 19);
    const r = timed(() => parseHtmlPage(open, base));
    assert.ok(r.ms < quickMs(size), `${size} bytes of open anchors took ${r.ms} ms`);
  }
});

test('an entity beyond U+10FFFF in anchor text becomes U+FFFD, not a crash', () => {
  const page = parseHtmlPage('<a href="demo-1.0.tar.gz">demo&#x110000;-1.0.tar.gz &#99999999999;</a>', base);
  assert.equal(page.files[0]!.filename, 'demo\ufffd-1.0.tar.gz \ufffd');
});

test('a malformed percent-escape in an href is INDEX_MALFORMED naming the page and anchor', () => {
  assert.throws(() => parseHtmlPage('<a href="ok.tar.gz">ok.tar.gz</a><a href="demo%E0%A4%A-1.0.tar.gz"></a>', base), {
    code: 'INDEX_MALFORMED',
    file: base.href,
    field: 'anchor 2',
    message: /malformed percent-escape/,
  });
});

test('an attribute given twice (two readings: first for browsers, last for pip) is INDEX_MALFORMED', () => {
  assert.throws(() => parseHtmlPage('<a href="a-1.0.tar.gz" HREF="b-1.0.tar.gz">a-1.0.tar.gz</a>', base), {
    code: 'INDEX_MALFORMED',
    field: 'href',
  });
});

test('links resolve against the first <base href>, as pip resolves them, and insecure ones are refused', () => {
  const page = parseHtmlPage(
    '<base href="https://mirror.example/files/"><base href="https://other.example/"><a ' +
      'href="demo-1.0.tar.gz">demo-1.0.tar.gz</a>',
    base,
  );
  assert.equal(page.files[0]!.url.href, 'https://mirror.example/files/demo-1.0.tar.gz');
  assert.throws(() => parseHtmlPage('<base href="http://evil.example/"><a href="x-1.tar.gz">x</a>', base), {
    code: 'HTTP_INSECURE_REDIRECT',
  });
});

test('nested, unclosed and uppercase anchors: each <a> ends the previous one; tags inside text are dropped', () => {
  const page = parseHtmlPage('<A HREF="a-1.tar.gz">a-1.tar.gz<a href="b-1.tar.gz"><b>b-1</b>.tar.gz', base);
  assert.deepEqual(
    page.files.map((f) => [f.filename, f.url.href]),
    [
      ['a-1.tar.gz', 'https://pypi.example/simple/demo/a-1.tar.gz'],
      ['b-1.tar.gz', 'https://pypi.example/simple/demo/b-1.tar.gz'],
    ],
  );
});
