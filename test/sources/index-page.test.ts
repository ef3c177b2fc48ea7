import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHtmlPage, parseJsonPage, parseProjectPage, type IndexFile } from '../../lib/sources/index-page.ts';
import { selectFiles } from '../../lib/sources/select.ts';
import { resolveLink } from '../../lib/sources/urls.ts';
import type { LockEntry } from '../../lib/lock/index.ts';

const base = new URL('https://pypi.example/simple/demo/');
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

test('PEP 503 HTML: hash fragment, entities, yanked, requires-python, core metadata, provenance', () => {
  const html = `<!DOCTYPE html><html><body>
    <a href="../../files/demo-1.0.tar.gz#sha256=${A}" data-requires-python="&gt;=3.9" \
data-dist-info-metadata="sha256=${B}">demo-1.0.tar.gz</a>
    <a href='https://files.example/demo-1.0-py3-none-any.whl#sha256=${B}' data-yanked \
data-core-metadata=true>demo-1.0-py3-none-any.whl</a>
    <a href="/x/demo-0.9.tar.gz" data-yanked="broken &amp; bad" \
data-provenance="/integrity/demo/0.9/demo-0.9.tar.gz/provenance">demo-0.9.tar.gz</a>
  </body></html>`;
  const page = parseHtmlPage(html, base);
  assert.equal(page.format, 'html');
  const [a, b, c] = page.files as [IndexFile, IndexFile, IndexFile];
  assert.equal(a.url.href, 'https://pypi.example/files/demo-1.0.tar.gz');
  assert.equal(a.sha256, A);
  assert.equal(a.requiresPython, '>=3.9');
  assert.deepEqual(a.coreMetadata, { sha256: B });
  assert.equal(a.yanked, false);
  assert.equal(b.yanked, true);
  assert.deepEqual(b.coreMetadata, {});
  assert.equal(c.yanked, 'broken & bad');
  assert.equal(c.sha256, undefined);
  assert.equal(c.provenance?.href, 'https://pypi.example/integrity/demo/0.9/demo-0.9.tar.gz/provenance');
});

test('PEP 691 JSON: hashes, size, core-metadata (and the PEP 658 old key), provenance link or null', () => {
  const page = parseJsonPage(
    {
      meta: { 'api-version': '1.3' },
      name: 'demo',
      files: [
        {
          filename: 'demo-1.0.tar.gz',
          url: 'https://files.example/demo-1.0.tar.gz',
          hashes: { sha256: A },
          size: 10,
          yanked: 'why',
          'dist-info-metadata': { sha256: B },
          provenance: 'https://pypi.example/integrity/demo/1.0/demo-1.0.tar.gz/provenance',
        },
        {
          filename: 'demo-1.0-py3-none-any.whl',
          url: '../../f/demo-1.0-py3-none-any.whl',
          hashes: {},
          'core-metadata': false,
          provenance: null,
        },
      ],
    },
    base,
  );
  const [a, b] = page.files as [IndexFile, IndexFile];
  assert.deepEqual([a.sha256, a.size, a.yanked, a.coreMetadata], [A, 10, 'why', { sha256: B }]);
  assert.equal(a.provenance?.href, 'https://pypi.example/integrity/demo/1.0/demo-1.0.tar.gz/provenance');
  assert.equal(b.url.href, 'https://pypi.example/f/demo-1.0-py3-none-any.whl');
  assert.deepEqual([b.sha256, b.coreMetadata, b.provenance, b.yanked], [undefined, undefined, null, false]);
});

test('unknown API versions, bad JSON, unknown content types and insecure links are refused', () => {
  assert.throws(() => parseJsonPage({ meta: { 'api-version': '2.0' }, files: [] }, base), {
    code: 'INDEX_MALFORMED',
    field: '/meta/api-version',
  });
  assert.throws(() => parseJsonPage({ meta: { 'api-version': '1.0' } }, base), {
    code: 'INDEX_MALFORMED',
    field: '/files',
  });
  assert.throws(() => parseProjectPage(Buffer.from('{'), 'application/vnd.pypi.simple.v1+json', base), {
    code: 'INDEX_MALFORMED',
    message: /^index page is not valid JSON/,
  });
  assert.throws(() => parseProjectPage(Buffer.from('x'), 'text/plain', base), { code: 'INDEX_MALFORMED' });
  assert.throws(() => parseHtmlPage('<a href="http://evil.example/demo-1.0.tar.gz">demo-1.0.tar.gz</a>', base), {
    code: 'HTTP_INSECURE_REDIRECT',
  });
  assert.equal(
    parseProjectPage(Buffer.from('<a href="x/demo-1.0.tar.gz">demo-1.0.tar.gz</a>'), 'text/html; charset=utf-8', base)
      .files.length,
    1,
  );
});

function file(filename: string, sha256: string, extra: Partial<IndexFile> = {}): IndexFile {
  return { filename, url: new URL(filename, base), sha256, yanked: false, ...extra };
}
const files = [
  file('demo-1.0.tar.gz', A),
  file('demo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl', B),
  file('demo-1.0-cp39-abi3-macosx_11_0_arm64.whl', C),
  file('demo-1.0-py3-none-any.whl', 'd'.repeat(64), { requiresPython: '>=3.10' }),
  file('demo-2.0.tar.gz', 'e'.repeat(64), { yanked: 'bad release' }),
  file('demo-1.0.tar.gz.asc', 'f'.repeat(64)),
];
const spec = (version = '1.0'): LockEntry => ({ name: 'demo', version, file: 'argv', field: 'spec 1' });
const names = (sel: ReturnType<typeof selectFiles>) => sel.map((s) => s.file.filename);

test('NAME==VERSION selects every file of the release, filtered by platform, Python and --only-binary', () => {
  assert.deepEqual(
    names(selectFiles(spec(), files)),
    files.slice(0, 4).map((f) => f.filename),
  );
  assert.deepEqual(names(selectFiles(spec('1.0.0'), files)).length, 4);
  assert.deepEqual(names(selectFiles(spec(), files, { platforms: ['manylinux_2_17_x86_64'], onlyBinary: true })), [
    'demo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl',
    'demo-1.0-py3-none-any.whl',
  ]);
  assert.deepEqual(names(selectFiles(spec(), files, { pythonVersion: '3.9', onlyBinary: true })), [
    'demo-1.0-cp39-abi3-macosx_11_0_arm64.whl',
  ]);
  assert.deepEqual(names(selectFiles(spec(), files, { pythonVersion: '3.12', onlyBinary: true })).length, 3);
  assert.throws(() => selectFiles(spec('3.0'), files), {
    code: 'NOT_FOUND',
    message: 'demo==3.0 has no files on the index',
  });
  assert.throws(
    () => selectFiles(spec(), files, { platforms: ['win_amd64'], pythonVersion: '3.8', onlyBinary: true }),
    { code: 'NOT_FOUND' },
  );
});

test('yanked files: refused for NAME==VERSION, allowed when a hash pin selects them', () => {
  assert.throws(() => selectFiles(spec('2.0'), files), {
    code: 'YANKED',
    message: 'demo-2.0.tar.gz of demo==2.0 is yanked (bad release); pin it by hash in a lock to bundle it anyway',
    file: 'argv',
    field: 'spec 1',
  });
  const pinned = selectFiles({ ...spec('2.0'), hashes: ['e'.repeat(64)] }, files);
  assert.deepEqual(names(pinned), ['demo-2.0.tar.gz']);
  const locked = selectFiles(
    { ...spec('2.0'), files: [{ filename: 'demo-2.0.tar.gz', sha256: 'e'.repeat(64) }] },
    files,
  );
  assert.equal(locked[0]!.pin, 'e'.repeat(64));
});

test(
  'hash pins: requirements select by sha256, locks by file name; a differing index hash is ' + 'HASH_PIN_MISMATCH',
  () => {
    assert.deepEqual(names(selectFiles({ ...spec(), hashes: [A, C] }, files)), [
      'demo-1.0.tar.gz',
      'demo-1.0-cp39-abi3-macosx_11_0_arm64.whl',
    ]);
    assert.throws(() => selectFiles({ ...spec(), hashes: ['0'.repeat(64)] }, files), {
      code: 'HASH_PIN_MISMATCH',
      message: 'none of the 4 files of demo==1.0 on the index has a pinned sha256',
    });
    assert.throws(() => selectFiles({ ...spec(), files: [{ filename: 'demo-1.0.tar.gz', sha256: B }] }, files), {
      code: 'HASH_PIN_MISMATCH',
    });
    assert.throws(() => selectFiles({ ...spec(), files: [{ filename: 'demo-1.1.tar.gz', sha256: B }] }, files), {
      code: 'NOT_FOUND',
    });
  },
);

// Review fix: from an https page or an https redirect, plain http (even to
// loopback) is a downgrade a remote server must not be able to make.
test('links and redirects never leave https for http, not even to loopback: HTTP_INSECURE_REDIRECT', () => {
  assert.throws(
    () => resolveLink('http://127.0.0.1:8080/x.whl', new URL('https://pypi.example/files/x.whl'), 'redirect'),
    {
      code: 'HTTP_INSECURE_REDIRECT',
      file: 'https://pypi.example/files/x.whl',
      message: 'redirect leaves https for http://127.0.0.1:8080: http://127.0.0.1:8080/x.whl',
    },
  );
  assert.throws(() => resolveLink('http://localhost/x', 'https://pypi.example/', 'redirect'), {
    code: 'HTTP_INSECURE_REDIRECT',
  });
  assert.throws(() => parseHtmlPage('<a href="http://localhost:9/demo-1.0.tar.gz">demo-1.0.tar.gz</a>', base), {
    code: 'HTTP_INSECURE_REDIRECT',
    message: /^link demo-1\.0\.tar\.gz leaves https/,
  });
  assert.throws(
    () =>
      parseJsonPage(
        {
          meta: { 'api-version': '1.1' },
          files: [{ filename: 'demo-1.0.tar.gz', url: 'http://[::1]/demo-1.0.tar.gz' }],
        },
        base,
      ),
    { code: 'HTTP_INSECURE_REDIRECT' },
  );
  assert.throws(() => resolveLink('file:///etc/passwd', 'http://127.0.0.1/simple/', 'redirect'), {
    code: 'HTTP_INSECURE_REDIRECT',
  });
  // Loopback http to loopback http (test servers, local mirrors) and any https stay allowed.
  assert.equal(
    resolveLink('/mirror/x', 'http://127.0.0.1:8080/files/x', 'redirect').href,
    'http://127.0.0.1:8080/mirror/x',
  );
  assert.equal(
    resolveLink('https://files.example/x', 'http://127.0.0.1:8080/', 'redirect').href,
    'https://files.example/x',
  );
});
