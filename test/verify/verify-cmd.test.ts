import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { validateSchema } from '../../lib/schemas.ts';
import type { VerifyReport } from '../../lib/verify/index.ts';
import { runCli } from '../helpers/cli.ts';
import { startIndexServer, type IndexServer } from '../helpers/index-server.ts';
import { exists, makeBundle, NOW, policyToml, removeTempDirs, snapshot, tempDir } from './helpers.ts';

// `airlock verify` end to end: a bundle made by the real `airlock bundle`
// from the test index server over the real fixtures, checked by the real CLI.

let s: IndexServer;
let archive: string;
let policy: string;
let rfcSha: string;

before(async () => {
  s = await startIndexServer();
  archive = await makeBundle(s);
  rfcSha = s.dists.find((d) => d.project === 'rfc8785')!.sha256;
  policy = join(await tempDir(), 'policy.toml');
  await writeFile(policy, policyToml({ rfc8785Sha256: rfcSha }));
});
after(async () => {
  await s.close();
  await removeTempDirs();
});

export async function verifyCli(
  args: string[],
): Promise<{ code: number | null; report: VerifyReport; stderr: string }> {
  const r = await runCli(['verify', ...args, '--json']);
  const report = validateSchema<VerifyReport>('verify-report', JSON.parse(r.stdout), 'stdout');
  return { code: r.code, report, stderr: r.stderr };
}

const verdicts = (r: VerifyReport) => r.files.map((f) => `${f.filename}: ${f.verdict}${f.code ? ` ${f.code}` : ''}`);

test('a bundle from airlock bundle verifies with a policy naming the right publishers', async () => {
  const state = await tempDir();
  const out = await tempDir();
  const { code, report, stderr } = await verifyCli([
    archive,
    '--policy',
    policy,
    '--now',
    NOW,
    '--state',
    state,
    '--report',
    join(out, 'report.json'),
    '--extract',
    join(out, 'incoming'),
  ]);
  assert.equal(stderr, '');
  assert.deepEqual(verdicts(report), [
    'gitlab_oidc_project-0.0.3.tar.gz: accepted',
    'pypi_attestations-0.0.19.tar.gz: accepted',
    'rfc8785-0.1.2-py3-none-any.whl: accepted',
  ]);
  assert.equal(code, 0);
  assert.equal(report.ok, true);
  assert.equal(report.nowSource, '--now');
  assert.equal(report.trust?.timestamp.version, 762);
  const [gitlab, pypiAtt, rfc] = report.files;
  assert.deepEqual(gitlab!.publisher, {
    kind: 'GitLab',
    repository: 'facutuesca/gitlab-oidc-project',
    workflow_filepath: '.gitlab-ci.yml',
  });
  assert.equal(pypiAtt!.publisher?.repository, 'trailofbits/pypi-attestations');
  assert.ok(pypiAtt!.attestations.length >= 1);
  assert.match(pypiAtt!.attestations[0]!.logIndex, /^\d+$/);
  assert.equal(pypiAtt!.provenanceMember, 'packages/pypi-attestations/pypi_attestations-0.0.19.tar.gz.provenance');
  assert.equal(rfc!.admittedBy, 'hash');
  // The index serves the wheel's own METADATA as its core metadata: byte-equal, so kept for export.
  assert.equal(rfc!.coreMetadataMember, 'packages/rfc8785/rfc8785-0.1.2-py3-none-any.whl.metadata');
  assert.deepEqual(rfc!.requiresPython, { value: '>=3.8', verified: true });
  // Outputs: the report file equals stdout; the extraction holds the accepted files only.
  assert.deepEqual(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')), report);
  assert.deepEqual((await readdir(join(out, 'incoming', 'packages'))).sort(), [
    'gitlab-oidc-project',
    'pypi-attestations',
    'rfc8785',
  ]);
  // The checked core metadata comes along with its wheel.
  assert.deepEqual((await readdir(join(out, 'incoming', 'packages', 'rfc8785'))).sort(), [
    'rfc8785-0.1.2-py3-none-any.whl',
    'rfc8785-0.1.2-py3-none-any.whl.metadata',
  ]);
  // The state moved forward: TUF versions, pins, time.
  assert.ok(Object.keys(await snapshot(state)).length > 0);
});

test('the text report: one line per file, exit 1 when a file is refused', async () => {
  const other = join(await tempDir(), 'other.toml');
  await writeFile(other, policyToml({ rfc8785Sha256: rfcSha, githubRepo: 'someone/else' }));
  const state = await tempDir();
  const r = await runCli(['verify', archive, '--policy', other, '--now', NOW, '--state', state]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /REFUSED +pypi-attestations 0\.0\.19 pypi_attestations-0\.0\.19\.tar\.gz\n +PUBLISHER_/);
  assert.match(r.stdout, /ACCEPTED +rfc8785 0\.1\.2 rfc8785-0\.1\.2-py3-none-any\.whl/);
  assert.match(r.stdout, /2 accepted, 1 refused, 0 not verified/);
  assert.deepEqual(await snapshot(state), {}, 'a refused run leaves the state untouched');
});

test('deny lists: each kind refuses its file with DENIED naming the entry, over a policy allowing it', async () => {
  const gl = s.dists.find((d) => d.project === 'gitlab-oidc-project')!;
  const deny = [
    '"PyPI_Attestations==0.0.19.0"',
    `"sha256:${rfcSha}"`,
    '{ kind = "GitLab", repository = "facutuesca/gitlab-oidc-project", workflow_filepath = ".gitlab-ci.yml" }',
  ];
  const p = join(await tempDir(), 'deny.toml');
  await writeFile(p, `deny = [${deny.join(', ')}]\n${policyToml({ rfc8785Sha256: rfcSha })}`);
  const { code, report } = await verifyCli([archive, '--policy', p, '--now', NOW, '--state', await tempDir()]);
  assert.equal(code, 1);
  assert.deepEqual(verdicts(report), [
    `${gl.filename}: refused DENIED`,
    'pypi_attestations-0.0.19.tar.gz: refused DENIED',
    'rfc8785-0.1.2-py3-none-any.whl: refused DENIED',
  ]);
  const msg = (name: string) => report.files.find((f) => f.filename.startsWith(name))!.message;
  assert.match(
    msg('gitlab')!,
    /denied by policy:deny\[2\] \(GitLab facutuesca\/gitlab-oidc-project \.gitlab-ci\.yml\)/,
  );
  assert.match(msg('pypi_attestations')!, /denied by policy:deny\[0\] \(PyPI_Attestations==0\.0\.19\.0\)/);
  assert.match(msg('rfc8785')!, new RegExp(`denied by policy:deny\\[1\\] \\(sha256:${rfcSha}\\)`));
});

test('today (the copy froze): every file not verified, TUF_EXPIRED, nothing written', async () => {
  const state = await tempDir();
  const out = await tempDir();
  const { code, report } = await verifyCli([
    archive,
    '--policy',
    policy,
    '--state',
    state,
    '--extract',
    join(out, 'x'),
  ]);
  assert.equal(code, 1);
  assert.equal(report.nowSource, 'clock');
  assert.equal(report.failure?.code, 'TUF_EXPIRED');
  assert.deepEqual(
    report.files.map((f) => f.verdict),
    ['not-verified', 'not-verified', 'not-verified'],
  );
  assert.equal(await exists(join(out, 'x')), false);
  assert.deepEqual(await snapshot(state), {});
});

test('past the timestamp expiry only with enough --grace', async () => {
  const later = '2026-09-01T00:00:00Z'; // timestamp v762 expired 2026-08-28T19:25:56Z
  const a = await verifyCli([archive, '--policy', policy, '--now', later, '--state', await tempDir()]);
  assert.equal(a.code, 1);
  assert.equal(a.report.failure?.code, 'TUF_EXPIRED');
  const b = await verifyCli([archive, '--policy', policy, '--now', later, '--grace', '1d', '--state', await tempDir()]);
  assert.equal(b.report.failure?.code, 'TUF_EXPIRED');
  const c = await verifyCli([archive, '--policy', policy, '--now', later, '--grace', '7d', '--state', await tempDir()]);
  assert.equal(c.code, 0, JSON.stringify(c.report.failure));
  assert.equal(c.report.graceUsed, true);
});

test('an earlier --now than the state has accepted: TIME_ROLLBACK, every file not verified', async () => {
  const state = await tempDir();
  assert.equal((await verifyCli([archive, '--policy', policy, '--now', NOW, '--state', state])).code, 0);
  const before = await snapshot(state);
  const r = await verifyCli([archive, '--policy', policy, '--now', '2026-08-21T23:00:00Z', '--state', state]);
  assert.equal(r.code, 1);
  assert.equal(r.report.failure?.code, 'TIME_ROLLBACK');
  assert.deepEqual(await snapshot(state), before);
});

test(
  'no policy: the built-in default refuses an unattested file with NO_PROVENANCE, unnamed projects ' +
    'PUBLISHER_UNPINNED',
  async () => {
    const state = await tempDir();
    const { code, report } = await verifyCli([archive, '--now', NOW, '--state', state]);
    assert.equal(code, 1);
    assert.deepEqual(verdicts(report), [
      'gitlab_oidc_project-0.0.3.tar.gz: refused PUBLISHER_UNPINNED',
      'pypi_attestations-0.0.19.tar.gz: refused PUBLISHER_UNPINNED',
      'rfc8785-0.1.2-py3-none-any.whl: refused NO_PROVENANCE',
    ]);
    assert.match(report.files[0]!.message!, /facutuesca\/gitlab-oidc-project/);
    assert.equal(report.policy.builtin, true);
  },
);

test('bad usage: exit 2 with one line', async () => {
  const r = await runCli(['verify', archive, '--jobs', '0']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^airlock: USAGE: --jobs/);
  const p = join(await tempDir(), 'bad.toml');
  await writeFile(p, '[projects.x]\nrequire = "maybe"\n');
  const b = await runCli(['verify', archive, '--policy', p, '--now', NOW]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /POLICY_INVALID/);
});

test('--help groups the options and shows examples', async () => {
  const r = await runCli(['verify', '--help']);
  assert.equal(r.code, 0);
  for (const h of ['Input:', 'Trust:', 'Policy:', 'Output:', 'Examples:']) assert.ok(r.stdout.includes(h), h);
});
