import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportToDir } from '../../lib/export/index.ts';
import { exportInputFromVerify } from '../../lib/export/from-verify.ts';
import type { ExportInput } from '../../lib/export/types.ts';
import { isAirlockError } from '../../lib/errors.ts';
import { withLock } from '../../lib/util/lock.ts';
import { demoInput, tmp } from './helpers.ts';
import {
  checkSimpleExport,
  snapshot,
  validateProjectHtml,
  validateProjectJson,
  validateRootHtml,
  validateRootJson,
} from './validator.ts';

async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<unknown> {
  let caught: unknown;
  await p.catch((e: unknown) => (caught = e));
  assert.ok(isAirlockError(caught), `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (message) assert.match(caught.toLine(), message);
  return caught;
}

function only(input: ExportInput, project: string): ExportInput {
  return {
    ...input,
    files: input.files.filter((f) => f.project === project),
    projects: input.projects.filter((p) => p.name === project),
  };
}

test('a simple export of the real fixtures passes the PEP 503/691/700/714/740 validator', async () => {
  const work = tmp('simple');
  const input = await demoInput(work);
  const dir = join(work, 'out');
  const s = await exportToDir(input, dir);
  assert.equal(s.added.length, 6);
  assert.deepEqual(validateRootJson(readFileSync(join(dir, 'simple/index.json'), 'utf8')), [
    'gitlab-oidc-project',
    'pypi-attestations',
    'rfc8785',
  ]);
  assert.deepEqual(validateRootHtml(readFileSync(join(dir, 'simple/index.html'), 'utf8')).length, 3);
  const listed = checkSimpleExport(dir);
  assert.deepEqual(listed.get('rfc8785'), ['rfc8785-0.1.2-py3-none-any.whl']);
  const json = validateProjectJson(readFileSync(join(dir, 'simple/rfc8785/index.json'), 'utf8'), 'rfc8785');
  const html = validateProjectHtml(readFileSync(join(dir, 'simple/rfc8785/index.html'), 'utf8'), 'rfc8785');
  for (const view of [json.files[0], html.files[0]]) {
    assert.equal(view?.requiresPython, '>=3.8', 'requires-python from the verified METADATA');
    assert.match(view?.coreMetadata ?? '', /^[0-9a-f]{64}$/, 'PEP 658 metadata for the checked wheel');
    assert.equal(view?.provenance, undefined, 'no provenance in the bundle for this wheel');
  }
  const gl = validateProjectJson(
    readFileSync(join(dir, 'simple/gitlab-oidc-project/index.json'), 'utf8'),
    'gitlab-oidc-project',
  );
  assert.equal(gl.files[0]?.provenance, '../../files/gitlab-oidc-project/gitlab_oidc_project-0.0.3.tar.gz.provenance');
  assert.equal(gl.files[0]?.coreMetadata, undefined, 'no core metadata for an sdist');
  rmSync(work, { recursive: true, force: true });
});

test('carried index fields are exported escaped and reported unverified; status and --base-url', async () => {
  const work = tmp('carried');
  const input = await demoInput(work);
  const gl = input.files.find((f) => f.project === 'gitlab-oidc-project');
  assert.ok(gl);
  gl.yanked = { value: 'broken <script>"&\'', verified: false };
  gl.uploadTime = { value: '2025-01-02T03:04:05.123456Z', verified: false };
  gl.requiresPython = { value: '>=3.9,<4', verified: false };
  input.projects = [
    { name: 'gitlab-oidc-project', status: { status: 'archived', reason: 'read <only> "now"' } },
    { name: 'pypi-attestations' },
    { name: 'rfc8785' },
  ];
  const dir = join(work, 'out');
  const s = await exportToDir(input, dir, { baseUrl: 'https://mirror.example/pypi/' });
  assert.deepEqual(s.carriedUnverified, [
    {
      project: 'gitlab-oidc-project',
      filename: 'gitlab_oidc_project-0.0.3.tar.gz',
      fields: ['requires-python', 'yanked', 'upload-time'],
    },
  ]);
  const htmlText = readFileSync(join(dir, 'simple/gitlab-oidc-project/index.html'), 'utf8');
  const html = validateProjectHtml(htmlText, 'gitlab-oidc-project');
  assert.equal(html.status, 'archived');
  assert.equal(html.files[0]?.yanked, 'broken <script>"&\'');
  assert.equal(html.files[0]?.requiresPython, '>=3.9,<4');
  assert.equal(
    html.files[0]?.provenance,
    'https://mirror.example/pypi/files/gitlab-oidc-project/gitlab_oidc_project-0.0.3.tar.gz.provenance',
  );
  assert.match(htmlText, /<meta name="pypi:project-status-reason" content="read &#60;only&#62; &#34;now&#34;">/);
  const page = JSON.parse(readFileSync(join(dir, 'simple/gitlab-oidc-project/index.json'), 'utf8'));
  assert.equal(page.meta['api-version'], '1.4');
  assert.deepEqual(page['project-status'], { status: 'archived', reason: 'read <only> "now"' });
  assert.equal(page.files[0]['upload-time'], '2025-01-02T03:04:05.123456Z');
  assert.deepEqual(page.versions, ['0.0.3']);
  rmSync(work, { recursive: true, force: true });
});

test('a quarantined project: its files are not exported and it is reported', async () => {
  const work = tmp('quarantine');
  const input = await demoInput(work);
  input.projects = input.projects.map((p) =>
    p.name === 'rfc8785' ? { name: p.name, status: { status: 'quarantined' } } : p,
  );
  const dir = join(work, 'out');
  const s = await exportToDir(input, dir);
  assert.deepEqual(
    s.refused.map((r) => [r.filename, r.code]),
    [['rfc8785-0.1.2-py3-none-any.whl', 'PROJECT_QUARANTINED']],
  );
  assert.ok(!existsSync(join(dir, 'files/rfc8785')));
  const v = validateProjectJson(readFileSync(join(dir, 'simple/rfc8785/index.json'), 'utf8'), 'rfc8785');
  assert.equal(v.status, 'quarantined');
  assert.equal(v.files.length, 0);
  rmSync(work, { recursive: true, force: true });
});

test('merging: a second input adds, the same again changes nothing, a conflict changes nothing', async () => {
  const work = tmp('merge');
  const input = await demoInput(work);
  const dir = join(work, 'out');
  const first = await exportToDir(only(input, 'rfc8785'), dir);
  assert.equal(first.serial, 1);
  const afterFirst = snapshot(dir);

  const second = await exportToDir(input, dir);
  assert.equal(second.serial, 2);
  assert.deepEqual(second.kept, [
    'files/rfc8785/rfc8785-0.1.2-py3-none-any.whl',
    'files/rfc8785/rfc8785-0.1.2-py3-none-any.whl.metadata',
  ]);
  assert.ok(!second.pagesWritten.includes('simple/rfc8785/index.json'), 'an untouched project page is not rewritten');
  const afterSecond = snapshot(dir);
  for (const [rel, v] of afterFirst)
    if (rel.startsWith('files/') || rel.startsWith('simple/rfc8785/'))
      assert.equal(afterSecond.get(rel), v, `${rel} kept as it was`);
  checkSimpleExport(dir);

  const again = await exportToDir(input, dir);
  assert.deepEqual(again.added, []);
  assert.deepEqual(again.pagesWritten, []);
  assert.equal(again.serial, 2);
  assert.deepEqual(snapshot(dir), afterSecond, 'same bytes, same mtimes');

  // Same name, other bytes: refused, naming the file, and DIR unchanged.
  const other = join(work, 'other.whl');
  writeFileSync(other, 'not the wheel');
  const bad = structuredClone(input);
  const wheel = bad.files.find((f) => f.project === 'rfc8785');
  assert.ok(wheel);
  wheel.source = other;
  wheel.sha256 = 'a'.repeat(64);
  wheel.size = 13;
  await rejectsWith(
    exportToDir(bad, dir),
    'EXPORT_CONFLICT',
    /files\/rfc8785\/rfc8785-0\.1\.2-py3-none-any\.whl: already exported/,
  );
  assert.deepEqual(snapshot(dir), afterSecond, 'byte-for-byte unchanged');

  // A file someone else put there under a name this export needs: refused too.
  const fresh = join(work, 'fresh');
  mkdirSync(join(fresh, 'files', 'rfc8785'), { recursive: true });
  writeFileSync(join(fresh, 'files/rfc8785/rfc8785-0.1.2-py3-none-any.whl'), 'squatter');
  const before = snapshot(fresh);
  await rejectsWith(exportToDir(input, fresh), 'EXPORT_CONFLICT', /already there with sha256/);
  assert.deepEqual(snapshot(fresh), before);

  // Another layout in the same folder.
  await rejectsWith(exportToDir(input, dir, { format: 'tree' }), 'EXPORT_CONFLICT', /holds a simple export/);
  rmSync(work, { recursive: true, force: true });
});

test('symbolic links inside the destination are never followed', async () => {
  const work = tmp('links');
  const input = await demoInput(work);
  const outside = join(work, 'outside');
  mkdirSync(outside);
  for (const [i, setup] of [
    (d: string) => symlinkSync(outside, join(d, 'files')),
    (d: string) => {
      mkdirSync(join(d, 'simple', 'rfc8785'), { recursive: true });
      symlinkSync(join(outside, 'page.html'), join(d, 'simple/rfc8785/index.html'));
    },
    (d: string) => {
      mkdirSync(join(d, 'files', 'rfc8785'), { recursive: true });
      symlinkSync(join(outside, 'w'), join(d, 'files/rfc8785/rfc8785-0.1.2-py3-none-any.whl'));
    },
  ].entries()) {
    const dir = join(work, `d${i}`);
    mkdirSync(dir);
    setup(dir);
    await rejectsWith(exportToDir(input, dir), 'EXPORT_UNSAFE_DIR', /symbolic link/);
  }
  assert.deepEqual(snapshot(outside).size, 0, 'nothing written through a link');
  rmSync(work, { recursive: true, force: true });
});

test('hostile project and file names are refused before anything is written', async () => {
  const work = tmp('hostile');
  const input = await demoInput(work);
  const base = input.files.find((f) => f.project === 'rfc8785');
  assert.ok(base);
  const cases: Array<[string, string]> = [
    ['..', 'x-1.0.tar.gz'],
    ['../etc', 'x-1.0.tar.gz'],
    ['Foo_Bar', 'x-1.0.tar.gz'],
    ['rfc8785', '../../evil-1.0.tar.gz'],
    ['rfc8785', 'a/b-1.0.tar.gz'],
    ['rfc8785', '.hidden-1.0.tar.gz'],
    ['rfc8785', 'index.html'],
    ['rfc8785', 'x\u0000-1.0.tar.gz'],
    ['rfc8785', 'x:1.0.tar.gz'],
    ['rfc8785', 'x\\1.0.tar.gz'],
    ['rfc8785', `${'x'.repeat(1100)}.tar.gz`],
    ['rfc8785', 'x-1.0.tar.gz"><script>'],
  ];
  for (const [project, filename] of cases) {
    const dir = join(work, 'out');
    await rejectsWith(exportToDir({ ...input, files: [{ ...base, project, filename }] }, dir), 'EXPORT_UNSAFE_NAME');
    assert.deepEqual([...snapshot(dir).keys()], [], `${project}/${filename}: nothing written`);
  }
  await rejectsWith(
    exportToDir({ ...input, projects: [{ name: '../x' }] }, join(work, 'p')),
    'EXPORT_UNSAFE_NAME',
    /not a normalised PEP 503 project name/,
  );
  rmSync(work, { recursive: true, force: true });
});

test('a checked copy that changed since verification is never placed', async () => {
  const work = tmp('changed');
  const input = await demoInput(work);
  const wheel = input.files.find((f) => f.project === 'rfc8785');
  assert.ok(wheel);
  writeFileSync(wheel.source, 'tampered after the check');
  const dir = join(work, 'out');
  await rejectsWith(
    exportToDir(only(input, 'rfc8785'), dir),
    'EXPORT_SOURCE_CHANGED',
    /verification accepted 9172 bytes/,
  );
  assert.ok(!existsSync(join(dir, 'files/rfc8785/rfc8785-0.1.2-py3-none-any.whl')));
  assert.ok(!existsSync(join(dir, 'simple/rfc8785')));
  rmSync(work, { recursive: true, force: true });
});

test(
  'tree format: flat pool with provenance and VSA beside, reports/, SHA256SUMS that sha256sum -c ' + 'accepts',
  async () => {
    const work = tmp('tree');
    const input = await demoInput(work, { verify: 'report one' });
    const vsa = join(work, 'x.vsa.json');
    writeFileSync(vsa, '{"predicateType":"https://slsa.dev/verification_summary/v1"}\n');
    const wheel = input.files.find((f) => f.project === 'rfc8785');
    assert.ok(wheel);
    wheel.vsa = vsa;
    const dir = join(work, 'out');
    const s = await exportToDir(input, dir, { format: 'tree' });
    assert.ok(s.added.includes('pool/rfc8785-0.1.2-py3-none-any.whl.vsa.json'));
    assert.ok(s.added.some((a) => /^reports\/[0-9a-f]{64}-[0-9a-f]{16}\.json$/.test(a)));
    const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8');
    const paths = sums
      .trim()
      .split('\n')
      .map((l) => l.split('  ')[1] as string);
    assert.deepEqual(paths, [...paths].sort(), 'sorted');
    assert.equal(paths.length, 6);
    assert.ok(paths.every((p) => p.startsWith('pool/')));
    execFileSync('sha256sum', ['-c', '--strict', '--quiet', 'SHA256SUMS'], { cwd: dir });
    const before = snapshot(dir);
    await exportToDir(input, dir, { format: 'tree' });
    assert.deepEqual(snapshot(dir), before, 'the same export again changes nothing');
    // Another report of the same bundle is kept beside the first.
    await exportToDir({ ...input, report: { verify: 'report two' } }, dir, { format: 'tree' });
    assert.equal([...snapshot(dir).keys()].filter((k) => k.startsWith('reports/')).length, 2);
    rmSync(work, { recursive: true, force: true });
  },
);

test('two exports into one folder take turns: the lock refuses the second', async () => {
  const work = tmp('lock');
  const input = await demoInput(work);
  const dir = join(work, 'out');
  mkdirSync(dir);
  await withLock(dir, async () => {
    await rejectsWith(exportToDir(input, dir, { lockWaitMs: 50 }), 'LOCKED');
  });
  rmSync(work, { recursive: true, force: true });
});

test('exportInputFromVerify takes only accepted files, from the checked folder', () => {
  const report = {
    files: [
      {
        project: 'a',
        version: '1',
        filename: 'a-1.tar.gz',
        sha256: 'a'.repeat(64),
        size: 1,
        member: 'packages/a/a-1.tar.gz',
        verdict: 'accepted' as const,
        provenanceMember: 'packages/a/a-1.tar.gz.provenance',
        yanked: { value: 'r', verified: false as const },
      },
      {
        project: 'b',
        version: '1',
        filename: 'b-1.tar.gz',
        sha256: 'b'.repeat(64),
        size: 1,
        member: 'packages/b/b-1.tar.gz',
        verdict: 'refused' as const,
      },
    ],
    projects: [{ name: 'a', status: { status: 'archived', verified: false as const } }],
  };
  const input = exportInputFromVerify(report, '/checked', 'c'.repeat(64));
  assert.deepEqual(
    input.files.map((f) => [f.filename, f.source, f.provenance, f.yanked?.value]),
    [['a-1.tar.gz', '/checked/packages/a/a-1.tar.gz', '/checked/packages/a/a-1.tar.gz.provenance', 'r']],
  );
  assert.deepEqual(input.projects, [{ name: 'a', status: { status: 'archived' } }]);
  assert.throws(
    () =>
      exportInputFromVerify(
        { files: [{ ...report.files[0], member: '../x' } as (typeof report.files)[0]] },
        '/c',
        'c'.repeat(64),
      ),
    /unsafe member path/,
  );
});

test('a project named without files, status or earlier export gets no page', async () => {
  const work = tmp('empty-project');
  const input = await demoInput(work);
  const dir = join(work, 'out');
  await exportToDir({ ...input, projects: [...input.projects, { name: 'all-refused' }] }, dir);
  assert.ok(!existsSync(join(dir, 'simple/all-refused')));
  assert.equal(validateRootJson(readFileSync(join(dir, 'simple/index.json'), 'utf8')).length, 3);
  rmSync(work, { recursive: true, force: true });
});

test('an unreadable record or a destination that is not a folder is refused, and nothing changes', async () => {
  const work = tmp('bad-record');
  const input = await demoInput(work);
  const dir = join(work, 'out');
  mkdirSync(join(dir, '.airlock'), { recursive: true });
  writeFileSync(join(dir, '.airlock/exported.json'), '{"format": "airlock-export"');
  await rejectsWith(exportToDir(input, dir), 'MALFORMED_JSON', /exported\.json: not valid JSON/);
  writeFileSync(join(dir, '.airlock/exported.json'), '{"format": "something-else"}');
  const before = snapshot(dir);
  await rejectsWith(exportToDir(input, dir), 'SCHEMA_INVALID', /exported\.json: \/: must have required property/);
  assert.deepEqual(snapshot(dir), before);
  writeFileSync(join(work, 'file'), 'x');
  await rejectsWith(exportToDir(input, join(work, 'file')), 'EXPORT_UNSAFE_DIR', /not a folder/);
  rmSync(work, { recursive: true, force: true });
});

test('an export after a finished one neither renders nor reads back the pages of projects it does not bring', async () => {
  const work = tmp('finished');
  const input = await demoInput(work);
  const dir = join(work, 'out');
  await exportToDir(only(input, 'rfc8785'), dir);
  const others = input.projects.map((p) => p.name).filter((n) => n !== 'rfc8785');
  const steps: string[] = [];
  const next = await exportToDir(only(input, others[0]!), dir, { onStep: (s) => steps.push(s) });
  assert.equal(next.serial, 2);
  assert.ok(!steps.some((s) => s.startsWith('page simple/rfc8785/')), steps.join('\n'));
  assert.ok(steps.includes(`page simple/${others[0]}/index.json`), steps.join('\n'));
  checkSimpleExport(dir);

  // The previous export stopped before its root JSON page (a kill): its pages are finished first.
  writeFileSync(join(dir, 'simple', 'index.json'), '{}\n');
  steps.length = 0;
  await exportToDir(only(input, 'rfc8785'), dir, { onStep: (s) => steps.push(s) });
  assert.ok(steps.includes(`page simple/${others[0]}/index.json`), steps.join('\n'));
  checkSimpleExport(dir);
  rmSync(work, { recursive: true, force: true });
});
