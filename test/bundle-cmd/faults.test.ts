import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../helpers/cli.ts';
import { REPO_ROOT } from '../helpers/fixtures.ts';
import { startIndexServer, type Fault, type IndexServer } from '../helpers/index-server.ts';
import { FAST_ENV, removeDirs, freshDirs, leftovers, serverArgs, writePylock, writeRequirements } from './helpers.ts';

// Every way a download can go wrong, through the real CLI: the exact error
// line, the exit code, and nothing left in the output folder (no archive, no
// temporary or staging files).

let s: IndexServer;
before(async () => {
  s = await startIndexServer();
});
after(async () => {
  await s.close();
  await removeDirs();
});

const SDIST = 'pypi_attestations-0.0.19.tar.gz';
const DIST_PATH = `/files/${SDIST}`;

async function bundleWithFault(path: string, fault: Fault, extra: string[] = []) {
  s.clearFaults();
  s.setFault(path, fault);
  const { out } = await freshDirs();
  const r = await runCli(
    ['bundle', 'pypi-attestations==0.0.19', '-o', join(out, 'b.tar'), ...serverArgs(s), ...extra],
    { env: FAST_ENV },
  );
  s.clearFaults();
  assert.deepEqual(await leftovers(out), [], 'nothing left in the output folder');
  assert.equal(r.stdout, '');
  return r;
}

test('404 on a distribution: HTTP_ERROR naming the URL', async () => {
  const r = await bundleWithFault(DIST_PATH, { kind: 'status', status: 404 });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `airlock: HTTP_ERROR: ${s.base}${DIST_PATH}: HTTP 404 Not Found\n`);
});

test('500 on a distribution, after the retries: HTTP_ERROR', async () => {
  const before = s.hits(DIST_PATH);
  const r = await bundleWithFault(DIST_PATH, { kind: 'status', status: 500 });
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    `airlock: HTTP_ERROR: ${s.base}${DIST_PATH}: HTTP 500 Internal Server Error after 2 attempts\n`,
  );
  assert.equal(s.hits(DIST_PATH) - before, 2);
});

test('a 500 that recovers within the retries still bundles', async () => {
  s.clearFaults();
  s.setFault(DIST_PATH, { kind: 'status', status: 502, times: 1 });
  const { out } = await freshDirs();
  const r = await runCli(['bundle', 'pypi-attestations==0.0.19', '-o', join(out, 'b.tar'), ...serverArgs(s)], {
    env: FAST_ENV,
  });
  s.clearFaults();
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await leftovers(out), ['b.tar']);
});

test('a truncated body: DOWNLOAD_TRUNCATED', async () => {
  const r = await bundleWithFault(DIST_PATH, { kind: 'truncate' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^airlock: DOWNLOAD_TRUNCATED: ${s.base}${DIST_PATH}: `));
});

test('a body with the wrong bytes: DIGEST_MISMATCH against the index', async () => {
  const r = await bundleWithFault(DIST_PATH, { kind: 'wrong-bytes' });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    new RegExp(
      `^airlock: DIGEST_MISMATCH: ${s.base}${DIST_PATH}: downloaded sha256 [0-9a-f]{64} ` +
        `differs from the index's ${s.dists[0]!.sha256}\\n$`,
    ),
  );
});

test('core metadata with the wrong bytes: DIGEST_MISMATCH', async () => {
  const r = await bundleWithFault(`${DIST_PATH}.metadata`, { kind: 'wrong-bytes' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^airlock: DIGEST_MISMATCH: .*\.metadata: core metadata sha256/);
});

test('provenance: a 500 is an error (only a 404 means "none")', async () => {
  const r = await bundleWithFault(`/integrity/pypi-attestations/0.0.19/${SDIST}/provenance`, {
    kind: 'status',
    status: 500,
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^airlock: HTTP_ERROR: .*\/provenance: HTTP 500/);
});

test('provenance that is not JSON: MALFORMED_JSON naming the URL', async () => {
  const path = `/integrity/pypi-attestations/0.0.19/${SDIST}/provenance`;
  const r = await bundleWithFault(path, { kind: 'wrong-bytes' });
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`^airlock: MALFORMED_JSON: ${s.base}${path}: provenance is not a JSON object`));
});

// --timeout applies to every request, the TUF walk's too: on a loaded machine
// 1.5 s timed out on 14.root.json before the slow file was reached; 5 s is
// still far below the fault's 15 s delay.
test('a server slower than --timeout: HTTP_TIMEOUT', async () => {
  const r = await bundleWithFault(DIST_PATH, { kind: 'slow', delayMs: 15000 }, ['--timeout', '5']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `airlock: HTTP_TIMEOUT: ${s.base}${DIST_PATH}: no answer within 5s\n`);
});

test('a redirect to plain http off loopback: HTTP_INSECURE_REDIRECT; to loopback: followed', async () => {
  const r = await bundleWithFault(DIST_PATH, { kind: 'redirect', location: `http://files.example.org${DIST_PATH}` });
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `airlock: HTTP_INSECURE_REDIRECT: ${s.base}${DIST_PATH}: redirect points to http://files.example.org, which is ` +
      `neither https nor loopback: http://files.example.org${DIST_PATH}\n`,
  );
  s.setFault(DIST_PATH, { kind: 'redirect', location: `http://localhost:${new URL(s.base).port}/mirror${DIST_PATH}` });
  const { out } = await freshDirs();
  const ok = await runCli(
    ['bundle', 'pypi-attestations==0.0.19', '-o', join(out, 'b.tar'), ...serverArgs(s), '--json'],
    { env: FAST_ENV },
  );
  s.clearFaults();
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(s.hits(`/mirror${DIST_PATH}`), 1);
  assert.deepEqual(await leftovers(out), ['b.tar']);
});

test('a project the index does not have: NOT_FOUND', async () => {
  const { out } = await freshDirs();
  const r = await runCli(['bundle', 'no-such-project==1.0', '-o', join(out, 'b.tar'), ...serverArgs(s)], {
    env: FAST_ENV,
  });
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    `airlock: NOT_FOUND: ${s.indexUrl}no-such-project/: project no-such-project is not on the index\n`,
  );
  assert.deepEqual(await leftovers(out), []);
});

test('hash pins that do not match: HASH_PIN_MISMATCH naming the lock entry', async () => {
  const { inputs, out } = await freshDirs();
  const wrong = { [SDIST]: '0'.repeat(64) };
  const req = await writeRequirements(s, join(inputs, 'requirements.txt'), wrong);
  const r = await runCli(['bundle', '-r', req, '-o', join(out, 'b.tar'), ...serverArgs(s)], { env: FAST_ENV });
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `airlock: HASH_PIN_MISMATCH: ${req}: line 2: none of the 1 files of pypi-attestations==0.0.19 on the index has ` +
      `a pinned sha256\n`,
  );
  const lock = await writePylock(s, join(inputs, 'pylock.toml'), wrong);
  const l = await runCli(['bundle', '--lock', lock, '-o', join(out, 'b.tar'), ...serverArgs(s)], { env: FAST_ENV });
  assert.equal(l.code, 1);
  assert.equal(
    l.stderr,
    `airlock: HASH_PIN_MISMATCH: ${lock}: packages[0]: ${SDIST}: the index says sha256 ${s.dists[0]!.sha256}, the ` +
      `lock pins ${'0'.repeat(64)}\n`,
  );
  assert.deepEqual(await leftovers(out), []);
});

test('a malformed lock: LOCK_INVALID naming file and line', async () => {
  const { inputs, out } = await freshDirs();
  const req = join(inputs, 'requirements.txt');
  await writeFile(req, 'rfc8785>=0.1\n');
  const r = await runCli(['bundle', '-r', req, '-o', join(out, 'b.tar'), ...serverArgs(s)]);
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    `airlock: LOCK_INVALID: ${req}: line 1: 'rfc8785>=0.1' is not an exact pin 'name==version --hash=sha256:...' ` +
      `(ranges, URLs and unpinned names are refused)\n`,
  );
});

test('TUF metadata that fails verification on the connected side keeps its code: TUF_EXPIRED', async () => {
  const { out } = await freshDirs();
  const args = serverArgs(s).map((a) => (a === '2026-08-22T00:00:00Z' ? '2026-11-25T00:00:00Z' : a));
  const r = await runCli(['bundle', 'pypi-attestations==0.0.19', '-o', join(out, 'b.tar'), ...args], { env: FAST_ENV });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^airlock: TUF_EXPIRED: /);
  assert.deepEqual(await leftovers(out), []);
});

test('an output path whose folder is a regular file: OUTPUT_FAILED', async () => {
  const { inputs } = await freshDirs();
  const file = join(inputs, 'not-a-folder');
  await writeFile(file, 'x');
  const r = await runCli(['bundle', 'pypi-attestations==0.0.19', '-o', join(file, 'b.tar'), ...serverArgs(s)], {
    env: FAST_ENV,
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`^airlock: OUTPUT_FAILED: ${join(file, 'b.tar')}: cannot write \\(ENOTDIR\\)\\n$`));
  assert.deepEqual(await leftovers(inputs), ['not-a-folder']);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`killed with ${signal} in the middle of a download: no archive, no temporary files`, async () => {
    s.clearFaults();
    s.setFault(DIST_PATH, { kind: 'stall' });
    const { out } = await freshDirs();
    const before = s.hits(DIST_PATH);
    const child = spawn(
      process.execPath,
      [
        join(REPO_ROOT, 'bin', 'airlock.js'),
        'bundle',
        'pypi-attestations==0.0.19',
        '-o',
        join(out, 'b.tar'),
        ...serverArgs(s),
      ],
      {
        env: { ...process.env, ...FAST_ENV },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    for (let i = 0; i < 800 && s.hits(DIST_PATH) === before; i++) await sleep(25);
    assert.ok(s.hits(DIST_PATH) > before, 'the download started');
    await sleep(100);
    // Something was staged beside the output while the download ran.
    assert.ok((await leftovers(out)).length > 0);
    child.kill(signal);
    const code = await closed;
    s.clearFaults();
    assert.equal(code, signal === 'SIGINT' ? 130 : 143);
    assert.equal(stderr, `airlock: INTERRUPTED: received ${signal}; partial output removed\n`);
    assert.deepEqual(await leftovers(out), []);
  });
}
