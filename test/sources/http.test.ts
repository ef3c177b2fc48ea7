import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tempDir } from './tmp.ts';
import type { HttpOptions } from '../../lib/sources/http.ts';
import { downloadToFile, fetchBytes } from '../../lib/sources/transfer.ts';
import { startIndexServer, type IndexServer } from '../helpers/index-server.ts';

// The HTTP client against a real server on 127.0.0.1 with faults per path.

let s: IndexServer;
let dir: string;
const opts: HttpOptions = { timeoutMs: 1500, attempts: 3, retryDelayMs: 5 };
const WHEEL = 'rfc8785-0.1.2-py3-none-any.whl';
const path = `/files/${WHEEL}`;

before(async () => {
  s = await startIndexServer();
  dir = await tempDir('airlock-src-http-');
});
after(() => s.close());

const url = (p: string) => new URL(`${s.base}${p}`);
const wheel = () => s.dists.find((d) => d.filename === WHEEL)!;
let n = 0;
const dest = () => join(dir, `dl-${n++}`);

test('downloads stream to disk with sha256 and size', async () => {
  s.clearFaults();
  const d = dest();
  const r = await downloadToFile(url(path), d, {}, opts);
  assert.equal(r.sha256, wheel().sha256);
  assert.equal(r.size, wheel().bytes.length);
  assert.deepEqual(await readFile(d), wheel().bytes);
});

test('5xx is retried with backoff, then succeeds; 4xx is not retried', async () => {
  s.clearFaults();
  const p = '/files/pypi_attestations-0.0.19.tar.gz';
  s.setFault(p, { kind: 'status', status: 503, times: 2 });
  const before = s.hits(p);
  await downloadToFile(url(p), dest(), {}, opts);
  assert.equal(s.hits(p) - before, 3);
  s.setFault(p, { kind: 'status', status: 500 });
  const b2 = s.hits(p);
  await assert.rejects(downloadToFile(url(p), dest(), {}, opts), {
    code: 'HTTP_ERROR',
    file: url(p).href,
    message: 'HTTP 500 Internal Server Error after 3 attempts',
  });
  assert.equal(s.hits(p) - b2, 3);
  s.setFault(p, { kind: 'status', status: 403 });
  const b3 = s.hits(p);
  await assert.rejects(downloadToFile(url(p), dest(), {}, opts), { code: 'HTTP_ERROR', message: 'HTTP 403 Forbidden' });
  assert.equal(s.hits(p) - b3, 1);
});

test('404 is an error for downloads and "absent" for fetchBytes with allow404', async () => {
  s.clearFaults();
  await assert.rejects(downloadToFile(url('/files/nope.whl'), dest(), {}, opts), {
    code: 'HTTP_ERROR',
    message: 'HTTP 404 Not Found',
  });
  assert.equal(
    await fetchBytes(url('/files/nope.whl'), { accept: '*/*', maxBytes: 10, allow404: true }, opts),
    undefined,
  );
});

test('a truncated body is DOWNLOAD_TRUNCATED; a body longer than announced is DIGEST_MISMATCH', async () => {
  s.clearFaults();
  s.setFault(path, { kind: 'truncate' });
  await assert.rejects(downloadToFile(url(path), dest(), {}, opts), {
    code: 'DOWNLOAD_TRUNCATED',
    file: url(path).href,
  });
  await assert.rejects(fetchBytes(url(path), { accept: '*/*', maxBytes: 1e6 }, opts), { code: 'DOWNLOAD_TRUNCATED' });
  s.clearFaults();
  await assert.rejects(downloadToFile(url(path), dest(), { expectedSize: 100 }, opts), {
    code: 'DIGEST_MISMATCH',
    message: 'more than the 100 bytes announced',
  });
  await assert.rejects(downloadToFile(url(path), dest(), { expectedSize: 1e6 }, opts), {
    code: 'DOWNLOAD_TRUNCATED',
    message: `got ${wheel().bytes.length} of 1000000 bytes`,
  });
});

test('no answer within the timeout is HTTP_TIMEOUT, headers or body', async () => {
  s.clearFaults();
  s.setFault(path, { kind: 'slow', delayMs: 15000 });
  await assert.rejects(downloadToFile(url(path), dest(), {}, opts), {
    code: 'HTTP_TIMEOUT',
    message: 'no answer within 1.5s',
    file: url(path).href,
  });
  s.setFault(path, { kind: 'stall' });
  await assert.rejects(downloadToFile(url(path), dest(), {}, opts), {
    code: 'HTTP_TIMEOUT',
    message: 'no data for 1.5s while downloading',
  });
});

test('redirects: followed to loopback, refused to plain http elsewhere', async () => {
  s.clearFaults();
  s.setFault('/moved', { kind: 'redirect', location: `${s.base}${path}` });
  const r = await downloadToFile(url('/moved'), dest(), {}, opts);
  assert.equal(r.sha256, wheel().sha256);
  assert.equal(r.url.pathname, path);
  s.setFault('/moved', { kind: 'redirect', location: `http://files.example.org${path}` });
  await assert.rejects(downloadToFile(url('/moved'), dest(), {}, opts), {
    code: 'HTTP_INSECURE_REDIRECT',
    message:
      `redirect points to http://files.example.org, which is neither https nor loopback: ` +
      `http://files.example.org${path}`,
  });
  s.setFault('/loop', { kind: 'redirect', location: '/loop' });
  await assert.rejects(fetchBytes(url('/loop'), { accept: '*/*', maxBytes: 10 }, opts), {
    code: 'HTTP_ERROR',
    message: 'more than 10 redirects',
  });
});

test('fetchBytes refuses more than maxBytes', async () => {
  s.clearFaults();
  await assert.rejects(fetchBytes(url(path), { accept: '*/*', maxBytes: 100 }, opts), {
    code: 'HTTP_ERROR',
    message: 'response larger than 100 bytes',
  });
});

test('connection refused is retried, then HTTP_ERROR naming the URL', async () => {
  const dead = await startIndexServer();
  const u = new URL(`${dead.base}/files/x`);
  await dead.close();
  await assert.rejects(fetchBytes(u, { accept: '*/*', maxBytes: 10 }, opts), {
    code: 'HTTP_ERROR',
    file: u.href,
    message: /^cannot connect \(ECONNREFUSED\) after 3 attempts$/,
  });
});

test('an abort from the caller stops a download and leaves the partial file to the caller', async () => {
  s.clearFaults();
  s.setFault(path, { kind: 'stall' });
  const ctl = new AbortController();
  const d = dest();
  const p = downloadToFile(url(path), d, {}, { ...opts, timeoutMs: 5000, signal: ctl.signal });
  setTimeout(() => ctl.abort(new Error('stop')), 100);
  await assert.rejects(p, { message: 'stop' });
  assert.ok((await readdir(dir)).length > 0);
});

test('Content-Encoding: pages may arrive gzip-encoded; distributions are asked for as identity', async () => {
  s.clearFaults();
  const page = '/simple/rfc8785/';
  s.setFault(page, { kind: 'gzip' });
  s.setFault(path, { kind: 'gzip' });
  const got = await fetchBytes(url(page), { accept: 'application/vnd.pypi.simple.v1+json', maxBytes: 1e6 }, opts);
  assert.equal(s.lastHeaders(page)?.['accept-encoding']?.includes('gzip'), true);
  assert.equal(JSON.parse(Buffer.from(got!.bytes).toString()).name, 'rfc8785');
  const r = await downloadToFile(url(path), dest(), { expectedSize: wheel().bytes.length }, opts);
  assert.equal(s.lastHeaders(path)?.['accept-encoding'], 'identity');
  assert.equal(r.sha256, wheel().sha256);
});
