import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exportToDir } from '../../lib/export/index.ts';
import { PIP_ACCEPT, UV_ACCEPT, fetchRaw, startServe } from '../serve/helpers.ts';
import { PYPI, demoInput, tmp } from './helpers.ts';
import { canBuildSdists, findPython, hasNginx, makeVenv, pip, run, startNginx } from './pip-helpers.ts';
import { validateProjectHtml, validateProjectJson } from './validator.ts';

// The "done when": real pip installs from an airlock export, served by
// `airlock serve` and by nginx with examples/nginx.conf.

const python = findPython();
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
let work: string;
let dir: string;
let venv: string;
const WHEEL_SHA = 'c4e92e9ecc828bef2aa7dba1de8ac983511f7532a0df11c770d39099a25cf201';

before(async () => {
  work = tmp('pip');
  dir = join(work, 'out');
  await exportToDir(await demoInput(work), dir);
  if (python) venv = await makeVenv(python, join(work, 'venv'));
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

async function checkWithPip(url: string, label: string, t: { diagnostic(s: string): void }): Promise<void> {
  const install = await pip(venv, ['install', '--no-deps', '--force-reinstall', '--index-url', url, 'rfc8785']);
  assert.equal(install.code, 0, `${label}: pip install: ${install.out}`);
  assert.match(install.out, /Successfully installed rfc8785-0\.1\.2/);
  const imported = await run(venv, ['-c', 'import rfc8785; print(rfc8785.dumps({"b": 1, "a": [True]}).decode())']);
  assert.equal(imported.out.trim(), '{"a":[true],"b":1}', `${label}: the installed module works`);

  const sdists = await canBuildSdists(venv);
  const dl = join(work, `dl-${label}`);
  mkdirSync(dl);
  const reqs = [`rfc8785==0.1.2 --hash=sha256:${WHEEL_SHA}`];
  if (sdists) {
    reqs.push(`pypi-attestations==0.0.19 --hash=sha256:${sha(readFileSync(PYPI('pypi_attestations-0.0.19.tar.gz')))}`);
    reqs.push(
      `gitlab-oidc-project==0.0.3 --hash=sha256:${sha(readFileSync(PYPI('gitlab_oidc_project-0.0.3.tar.gz')))}`,
    );
  } else t.diagnostic('flit_core/setuptools/wheel missing: sdists are not downloaded by pip (only the wheel)');
  writeFileSync(join(dl, 'req.txt'), `${reqs.join('\n')}\n`);
  const download = await pip(venv, [
    'download',
    '--no-deps',
    '--no-build-isolation',
    '--require-hashes',
    '--index-url',
    url,
    '-d',
    dl,
    '-r',
    join(dl, 'req.txt'),
  ]);
  assert.equal(download.code, 0, `${label}: pip download --require-hashes: ${download.out}`);
  assert.equal(sha(readFileSync(join(dl, 'rfc8785-0.1.2-py3-none-any.whl'))), WHEEL_SHA);
  if (sdists) {
    for (const f of ['pypi_attestations-0.0.19.tar.gz', 'gitlab_oidc_project-0.0.3.tar.gz'])
      assert.deepEqual(readFileSync(join(dl, f)), readFileSync(PYPI(f)), `${label}: ${f} downloaded intact`);
  }
  writeFileSync(join(dl, 'bad.txt'), `rfc8785==0.1.2 --hash=sha256:${'0'.repeat(64)}\n`);
  const bad = await pip(venv, [
    'download',
    '--no-deps',
    '--require-hashes',
    '--index-url',
    url,
    '-d',
    join(dl, 'x'),
    '-r',
    join(dl, 'bad.txt'),
  ]);
  assert.notEqual(bad.code, 0, `${label}: a wrong pinned hash fails`);

  for (const [project, version] of [
    ['rfc8785', '0.1.2'],
    ['pypi-attestations', '0.0.19'],
    ['gitlab-oidc-project', '0.0.3'],
  ]) {
    const v = await pip(venv, ['index', 'versions', '--index-url', url, project as string]);
    assert.equal(v.code, 0, `${label}: pip index versions ${project}: ${v.out}`);
    assert.match(v.out, new RegExp(`Available versions: ${(version as string).replace(/\./g, '\\.')}`));
  }
}

async function checkUrls(url: string, label: string): Promise<void> {
  const provenance: Record<string, string> = {
    'gitlab_oidc_project-0.0.3.tar.gz': sha(readFileSync(PYPI('gitlab_oidc_project-0.0.3.tar.gz.provenance'))),
    'pypi_attestations-0.0.19.tar.gz': sha(readFileSync(PYPI('pypi_attestations-0.0.19.tar.gz.provenance'))),
  };
  let metadataSeen = 0;
  let provenanceSeen = 0;
  for (const project of ['rfc8785', 'pypi-attestations', 'gitlab-oidc-project']) {
    const pageUrl = new URL(`${project}/`, url);
    const json = await fetchRaw(url, pageUrl.pathname, { headers: { Accept: PIP_ACCEPT } });
    const html = await fetchRaw(url, pageUrl.pathname, { headers: { Accept: 'text/html' } });
    const pages = [
      validateProjectJson(json.body.toString(), project),
      validateProjectHtml(html.body.toString(), project),
    ];
    for (const page of pages) {
      for (const f of page.files) {
        const fileUrl = new URL(f.url, pageUrl);
        const body = await fetchRaw(url, fileUrl.pathname);
        assert.equal(body.status, 200, `${label}: ${fileUrl}`);
        assert.equal(sha(body.body), f.sha256, `${label}: ${f.filename} matches the page's hash`);
        if (f.coreMetadata) {
          const md = await fetchRaw(url, `${fileUrl.pathname}.metadata`);
          assert.equal(sha(md.body), f.coreMetadata, `${label}: ${f.filename}.metadata matches the page`);
          assert.match(md.body.toString(), /^Metadata-Version: /);
          metadataSeen++;
        }
        if (f.provenance) {
          const pv = await fetchRaw(url, new URL(f.provenance, pageUrl).pathname);
          assert.equal(pv.status, 200);
          assert.equal(sha(pv.body), provenance[f.filename], `${label}: ${f.filename} provenance is the verified one`);
          provenanceSeen++;
        }
      }
    }
  }
  assert.equal(metadataSeen, 2, 'the wheel has PEP 658 metadata in both pages');
  assert.equal(provenanceSeen, 4, 'both sdists have PEP 740 provenance in both pages');
}

test('pip installs, downloads with --require-hashes and lists versions from `airlock serve`', {
  skip: python ? false : 'no python3 with venv',
  timeout: 900_000,
}, async (t) => {
  const served = await startServe(dir);
  try {
    await checkUrls(served.url, 'serve');
    await checkWithPip(served.url, 'serve', t);
    assert.match(served.log(), /"GET \/simple\/rfc8785\/" 200/);
  } finally {
    assert.equal((await served.stop()).code, 0);
  }
});

test('the same through nginx with examples/nginx.conf', {
  skip: !python ? 'no python3 with venv' : !hasNginx() ? 'nginx is not installed' : false,
  timeout: 900_000,
}, async (t) => {
  const nginx = await startNginx(dir, work);
  try {
    await checkUrls(nginx.url, 'nginx');
    await checkWithPip(nginx.url, 'nginx', t);
  } finally {
    await nginx.stop();
  }
});

test('nginx with examples/nginx.conf answers as `airlock serve` does for the Accept headers pip and uv send', {
  skip: hasNginx() ? false : 'nginx is not installed',
  timeout: 300_000,
}, async () => {
  const served = await startServe(dir);
  const nginx = await startNginx(dir, work);
  try {
    const accepts = [
      PIP_ACCEPT,
      UV_ACCEPT,
      undefined,
      '*/*',
      'text/html',
      'application/vnd.pypi.simple.v1+html',
      'application/vnd.pypi.simple.v1+json',
      'image/png',
    ];
    for (const path of [
      '/simple/',
      '/simple/rfc8785/',
      '/simple/nope/',
      '/simple/rfc8785',
      '/.airlock/exported.json',
      '/files/rfc8785/rfc8785-0.1.2-py3-none-any.whl',
    ]) {
      for (const accept of accepts) {
        const headers: Record<string, string> = accept === undefined ? {} : { Accept: accept };
        const a = await fetchRaw(served.url, path, { headers });
        const b = await fetchRaw(nginx.url, path, { headers });
        const what = `${path} with Accept ${accept}`;
        assert.equal(b.status, a.status, what);
        if (a.status === 200) {
          assert.equal(b.headers['content-type'], a.headers['content-type'], what);
          assert.deepEqual(b.body, a.body, what);
        }
        if (path.startsWith('/simple/') && path.endsWith('/')) assert.equal(b.headers.vary, 'Accept', what);
        if (a.status === 301) assert.equal(b.headers.location, a.headers.location, what);
      }
    }
    const range = { Range: 'bytes=5-9' };
    const a = await fetchRaw(served.url, '/files/rfc8785/rfc8785-0.1.2-py3-none-any.whl', { headers: range });
    const b = await fetchRaw(nginx.url, '/files/rfc8785/rfc8785-0.1.2-py3-none-any.whl', { headers: range });
    assert.equal(b.status, 206);
    assert.deepEqual(b.body, a.body);
  } finally {
    await nginx.stop();
    await served.stop();
  }
});
