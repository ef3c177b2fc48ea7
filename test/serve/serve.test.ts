import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exportToDir } from '../../lib/export/index.ts';
import { runCli } from '../helpers/cli.ts';
import { demoInput, tmp } from '../export/helpers.ts';
import { PIP_ACCEPT, UV_ACCEPT, fetchRaw, startServe, type Served } from './helpers.ts';

// `airlock serve` over real sockets: negotiation, caching, ranges, HEAD,
// errors and traversal, as pip, uv, curl or an attacker would send them.

let work: string;
let dir: string;
let served: Served;
const WHEEL = '/files/rfc8785/rfc8785-0.1.2-py3-none-any.whl';

before(async () => {
  work = tmp('serve');
  dir = join(work, 'out');
  await exportToDir(await demoInput(work), dir);
  writeFileSync(join(work, 'secret.txt'), 'outside the export');
  symlinkSync(join(work, 'secret.txt'), join(dir, 'files', 'out-link'));
  symlinkSync(work, join(dir, 'files', 'out-dir'));
  symlinkSync(join(dir, 'files/rfc8785/rfc8785-0.1.2-py3-none-any.whl'), join(dir, 'files', 'in-link.whl'));
  served = await startServe(dir);
});

after(async () => {
  const { code } = await served.stop();
  assert.equal(code, 0, 'SIGTERM stops the server cleanly');
  assert.match(served.log(), /stopped on SIGTERM/);
  rmSync(work, { recursive: true, force: true });
});

const JSON_T = 'application/vnd.pypi.simple.v1+json';
const HTML_T = 'application/vnd.pypi.simple.v1+html';
const TEXT_T = 'text/html; charset=utf-8';

test('PEP 691 negotiation: Accept and its quality values pick the representation', async () => {
  const cases: Array<[string | undefined, string | 406]> = [
    [PIP_ACCEPT, JSON_T],
    [UV_ACCEPT, JSON_T],
    [undefined, TEXT_T],
    ['*/*', TEXT_T],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', TEXT_T],
    [HTML_T, HTML_T],
    ['application/vnd.pypi.simple.latest+json', JSON_T],
    ['application/vnd.pypi.simple.latest+html', HTML_T],
    [`${JSON_T};q=0.5, text/html`, TEXT_T],
    [`${JSON_T};q=0.5, ${HTML_T};q=0.6`, HTML_T],
    [`${JSON_T};q=0, */*`, TEXT_T],
    ['application/*', JSON_T],
    ['application/json', 406],
    [`${JSON_T};q=0, ${HTML_T};q=0, text/html;q=0`, 406],
    ['image/png', 406],
  ];
  for (const [accept, want] of cases) {
    const r = await fetchRaw(served.url, '/simple/rfc8785/', {
      headers: accept === undefined ? {} : { Accept: accept },
    });
    assert.equal(r.headers.vary, 'Accept', `${accept}: Vary`);
    if (want === 406) {
      assert.equal(r.status, 406, `${accept}`);
      continue;
    }
    assert.equal(r.status, 200, `${accept}`);
    assert.equal(r.headers['content-type'], want, `${accept}`);
    const body = r.body.toString();
    if (want === JSON_T) assert.equal(JSON.parse(body).name, 'rfc8785');
    else assert.match(body, /^<!DOCTYPE html>/);
  }
  const root = await fetchRaw(served.url, '/simple/', { headers: { Accept: PIP_ACCEPT } });
  assert.equal(root.headers['content-type'], JSON_T);
  assert.deepEqual(JSON.parse(root.body.toString()).projects.length, 3);
});

test('ETag and If-None-Match: 304 for the same representation, a new body for another', async () => {
  const a = await fetchRaw(served.url, '/simple/rfc8785/', { headers: { Accept: JSON_T } });
  const etag = a.headers.etag as string;
  assert.match(etag, /^"[^"]+"$/);
  const b = await fetchRaw(served.url, '/simple/rfc8785/', { headers: { Accept: JSON_T, 'If-None-Match': etag } });
  assert.equal(b.status, 304);
  assert.equal(b.body.length, 0);
  assert.equal(b.headers.vary, 'Accept');
  const c = await fetchRaw(served.url, '/simple/rfc8785/', { headers: { Accept: 'text/html', 'If-None-Match': etag } });
  assert.equal(c.status, 200, 'the HTML representation has another ETag');
  const f = await fetchRaw(served.url, WHEEL);
  const g = await fetchRaw(served.url, WHEEL, { headers: { 'If-None-Match': `W/"x", ${f.headers.etag}` } });
  assert.equal(g.status, 304);
});

test('files: HEAD, ranges, 416, If-Range', async () => {
  const whole = readFileSync(join(dir, WHEEL.slice(1)));
  const head = await fetchRaw(served.url, WHEEL, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(Number(head.headers['content-length']), whole.length);
  assert.equal(head.headers['accept-ranges'], 'bytes');
  const full = await fetchRaw(served.url, WHEEL);
  assert.deepEqual(full.body, whole);
  const part = await fetchRaw(served.url, WHEEL, { headers: { Range: 'bytes=10-19' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers['content-range'], `bytes 10-19/${whole.length}`);
  assert.deepEqual(part.body, whole.subarray(10, 20));
  const tail = await fetchRaw(served.url, WHEEL, { headers: { Range: 'bytes=-5' } });
  assert.deepEqual(tail.body, whole.subarray(whole.length - 5));
  const open = await fetchRaw(served.url, WHEEL, { headers: { Range: `bytes=${whole.length - 3}-` } });
  assert.deepEqual(open.body, whole.subarray(whole.length - 3));
  const headPart = await fetchRaw(served.url, WHEEL, { method: 'HEAD', headers: { Range: 'bytes=0-0' } });
  assert.equal(headPart.status, 206);
  assert.equal(headPart.body.length, 0);
  const bad = await fetchRaw(served.url, WHEEL, { headers: { Range: `bytes=${whole.length}-` } });
  assert.equal(bad.status, 416);
  assert.equal(bad.headers['content-range'], `bytes */${whole.length}`);
  const stale = await fetchRaw(served.url, WHEEL, { headers: { Range: 'bytes=0-9', 'If-Range': '"old"' } });
  assert.equal(stale.status, 200, 'a changed validator gets the whole file');
  assert.equal(stale.body.length, whole.length);
});

test('404, 405 and redirects', async () => {
  for (const p of ['/simple/nope/', '/files/rfc8785/nope.whl', '/files/', `${WHEEL}/`, '/simple/rfc8785/index.json/x'])
    assert.equal((await fetchRaw(served.url, p)).status, 404, p);
  const post = await fetchRaw(served.url, '/simple/', { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.allow, 'GET, HEAD');
  const slash = await fetchRaw(served.url, '/simple/rfc8785');
  assert.equal(slash.status, 301);
  assert.equal(slash.headers.location, '/simple/rfc8785/');
  const norm = await fetchRaw(served.url, '/simple/RFC_8785/'.replace('_', ''));
  assert.equal(norm.status, 301);
  assert.equal(norm.headers.location, '/simple/rfc8785/');
  assert.equal((await fetchRaw(served.url, '/')).headers.location, '/simple/');
});

test('nothing outside the folder, nor its hidden files, is reachable', async () => {
  const refused = [
    '/simple/../.airlock/exported.json',
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/simple/%2E%2E/%2e%2e/secret.txt',
    '/files/..%2f..%2fsecret.txt',
    '/files%2frfc8785%2frfc8785-0.1.2-py3-none-any.whl',
    '/files/%5c..%5csecret.txt',
    '/files/rfc8785\\..\\..\\secret.txt',
    '/files/%00',
    '/files/%zz',
    '/.airlock/exported.json',
    '/.airlock.lock',
    '/files/out-link',
    '/files/out-dir/secret.txt',
    '//etc/passwd',
  ];
  for (const p of refused) {
    const r = await fetchRaw(served.url, p);
    assert.ok(r.status === 400 || r.status === 404, `${p}: ${r.status}`);
    assert.ok(!r.body.toString().includes('outside the export'), p);
  }
  assert.equal((await fetchRaw(served.url, '/files/in-link.whl')).status, 200, 'a link that stays inside is served');
  const lines = served
    .log()
    .split('\n')
    .filter((l) => l.includes('"GET /files/out-link"'));
  assert.equal(lines.length, 1, 'one log line per request');
  assert.match(served.log(), /"GET \/files\/%00" 400/);
});

test('serve refuses plain HTTP beyond loopback unless --insecure-http, and bad TLS options', async () => {
  const r = await runCli(['serve', dir, '--host', '0.0.0.0', '--port', '0'], { timeoutMs: 60_000 });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^airlock: SERVE_INSECURE: refusing plain HTTP on 0\.0\.0\.0/m);
  const t = await runCli(['serve', dir, '--tls-cert', join(work, 'secret.txt')]);
  assert.equal(t.code, 2);
  assert.match(t.stderr, /USAGE: --tls-cert and --tls-key go together/);
});

test('HTTPS with --tls-cert/--tls-key', async () => {
  const certDir = join(work, 'tls');
  mkdirSync(certDir);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const s = await startServe(dir, ['--tls-cert', join(certDir, 'cert.pem'), '--tls-key', join(certDir, 'key.pem')]);
  try {
    assert.match(s.url, /^https:\/\/127\.0\.0\.1:\d+\/simple\/$/);
    const r = await fetchRaw(s.url, '/simple/rfc8785/', {
      headers: { Accept: PIP_ACCEPT },
      ca: readFileSync(join(certDir, 'cert.pem')),
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], JSON_T);
  } finally {
    assert.equal((await s.stop()).code, 0);
  }
});

test('SIGINT stops the server cleanly too', async () => {
  const s = await startServe(dir);
  s.child.kill('SIGINT');
  const { code } = await s.exited;
  assert.equal(code, 0);
  assert.match(s.log(), /stopped on SIGINT/);
  assert.doesNotMatch(s.log(), /INTERRUPTED/);
});
