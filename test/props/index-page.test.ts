import fc from 'fast-check';
import { test } from 'node:test';
import { JSON_TYPE, parseProjectPage } from '../../lib/sources/index-page.ts';
import { mutationsOf, NUM_RUNS, returnsOrCodedError, TEST_TIMEOUT } from './helpers.ts';

// PEP 691 JSON and PEP 503 HTML project pages: bytes from a server.

const url = new URL('https://pypi.example/simple/demo/');
const SHA = 'a'.repeat(64);
const HTML = `<!DOCTYPE html><html><head><base href="https://files.example/x/"></head><body>
<a href="demo-1.0.tar.gz#sha256=${SHA}" data-requires-python="&gt;=3.9" \
data-core-metadata="sha256=${SHA}">demo-1.0.tar.gz</a>
<a href="../demo-1.0-py3-none-any.whl" data-yanked="bad &amp; old" \
data-provenance="/integrity/demo/1.0/p">demo-1.0-py3-none-any.whl</a>
</body></html>`;
const JSON_PAGE = JSON.stringify({
  meta: { 'api-version': '1.3' },
  name: 'demo',
  files: [
    {
      filename: 'demo-1.0.tar.gz',
      url: 'https://files.example/demo-1.0.tar.gz',
      hashes: { sha256: SHA },
      size: 10,
      yanked: false,
      'core-metadata': { sha256: SHA },
      provenance: 'https://pypi.example/integrity/demo/1.0/demo-1.0.tar.gz/provenance',
    },
  ],
});
const TYPES = [JSON_TYPE, 'application/json', 'text/html', 'application/vnd.pypi.simple.v1+html; charset=utf-8'];

const parse = (bytes: Uint8Array | string, type: string) => () =>
  parseProjectPage(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, type, url);

test('index pages: arbitrary bytes give a page or a coded error naming the page', { timeout: TEST_TIMEOUT }, () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom(...TYPES), (bytes, type) =>
      returnsOrCodedError(parse(bytes, type), { file: url.href }),
    ),
    { numRuns: NUM_RUNS },
  );
});

test('PEP 503 HTML: mutations of a real page', { timeout: TEST_TIMEOUT }, () => {
  fc.assert(
    fc.property(mutationsOf(HTML), (html) => returnsOrCodedError(parse(html, 'text/html'), { file: true })),
    { numRuns: NUM_RUNS },
  );
});

test('PEP 691 JSON: mutations of a real page', { timeout: TEST_TIMEOUT }, () => {
  fc.assert(
    fc.property(mutationsOf(JSON_PAGE), (json) => returnsOrCodedError(parse(json, JSON_TYPE), { file: true })),
    { numRuns: NUM_RUNS },
  );
});

test('PEP 691 JSON: any JSON value in any place of a real page', { timeout: TEST_TIMEOUT }, () => {
  const page = JSON.parse(JSON_PAGE) as { files: Array<Record<string, unknown>> };
  const keys = [...Object.keys(page.files[0]!), 'dist-info-metadata', 'requires-python'];
  fc.assert(
    fc.property(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), (key, value) => {
      const copy = JSON.parse(JSON_PAGE) as { files: Array<Record<string, unknown>> };
      copy.files[0]![key] = value;
      returnsOrCodedError(parse(JSON.stringify(copy), JSON_TYPE), { file: true });
    }),
    { numRuns: NUM_RUNS },
  );
});
