import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'smol-toml';
import type { AnnotateReport } from '../../lib/cli/handlers/lock.ts';
import { validateSchema } from '../../lib/schemas.ts';
import { runCli } from '../helpers/cli.ts';
import { fixtureDists, startIndexServer, type IndexServer } from '../helpers/index-server.ts';
import { FAST_ENV, freshDirs, removeDirs, serverArgs, writePylock } from '../bundle-cmd/helpers.ts';

// `airlock lock annotate` end to end: the real CLI against a real index and
// TUF CDN on 127.0.0.1 serving the real fixtures, whose publishers are those
// ../shared/fixtures/README.md names.

const GITHUB = { kind: 'GitHub', repository: 'trailofbits/pypi-attestations', workflow: 'release.yml' };
const GITLAB = { kind: 'GitLab', repository: 'facutuesca/gitlab-oidc-project', workflow_filepath: '.gitlab-ci.yml' };

let s: IndexServer;
before(async () => {
  s = await startIndexServer();
});
after(async () => {
  await s.close();
  await removeDirs();
});

const annotate = (lock: string, extra: string[] = [], server = s) =>
  runCli(['lock', 'annotate', lock, ...serverArgs(server), ...extra], { env: FAST_ENV });

function report(stdout: string): AnnotateReport {
  return validateSchema<AnnotateReport>('lock-annotate-report', JSON.parse(stdout), 'stdout');
}

/** `out` minus each added snippet (once each, in order) must be `original`: only text was inserted. */
function assertOnlyInserted(original: string, out: string, r: AnnotateReport): void {
  let rest = out;
  let from = 0;
  for (const p of r.packages) {
    if (p.added === undefined) continue;
    const at = rest.indexOf(p.added, from);
    assert.ok(at >= 0, `snippet of ${p.name} not found`);
    rest = rest.slice(0, at) + rest.slice(at + p.added.length);
    from = at;
  }
  assert.equal(rest, original);
}

const tomlPackages = (text: string) => (parse(text) as { packages: Array<Record<string, unknown>> }).packages;

test('annotate adds the fixture publishers, reports the package without provenance (exit 1), and only inserts text', async () => {
  const { inputs } = await freshDirs();
  const lock = await writePylock(s, join(inputs, 'pylock.toml'));
  const original = await readFile(lock, 'utf8');
  const r = await annotate(lock, ['--json']);
  assert.equal(r.code, 1, r.stderr);
  const rep = report(r.stdout);
  assert.deepEqual(
    rep.packages.map((p) => [p.name, p.status, p.code ?? null]),
    [
      ['pypi-attestations', 'annotated', null],
      ['gitlab-oidc-project', 'annotated', null],
      ['rfc8785', 'not-annotated', 'LOCK_NO_PROVENANCE'],
    ],
  );
  assert.deepEqual(rep.packages[0]!.identities, [GITHUB]);
  assert.deepEqual(rep.packages[1]!.identities, [GITLAB]);
  assert.equal(rep.ok, false);
  assert.equal(rep.written, true);
  const out = await readFile(lock, 'utf8');
  assertOnlyInserted(original, out, rep);
  const pkgs = tomlPackages(out);
  assert.deepEqual(plainOf(pkgs[0]!['attestation-identities']), [GITHUB]);
  assert.deepEqual(plainOf(pkgs[1]!['attestation-identities']), [GITLAB]);
  assert.equal(pkgs[2]!['attestation-identities'], undefined);
  assert.deepEqual((await readdir(inputs)).sort(), ['pylock.toml'], 'no temporary file is left');

  // The text report shows what was added, as TOML, for the reviewer.
  const again = await writePylock(s, join(inputs, 'second.toml'));
  const t = await annotate(again);
  assert.equal(t.code, 1);
  assert.match(
    t.stdout,
    /annotated {6}pypi-attestations==0\.0\.19 \(packages\[0\]\): GitHub trailofbits\/pypi-attestations/,
  );
  assert.match(t.stdout, /NOT annotated {2}rfc8785==0\.1\.2 \(packages\[2\]\): LOCK_NO_PROVENANCE: /);
  assert.ok(
    t.stdout.includes(
      '    { kind = "GitLab", repository = "facutuesca/gitlab-oidc-project", workflow_filepath = ".gitlab-ci.yml" }',
    ),
  );
  assert.match(t.stdout, /2 annotated, 0 kept, 1 not annotated; wrote /);
});

const plainOf = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

test('running it again adds nothing and leaves the bytes as they are', async () => {
  const { inputs } = await freshDirs();
  const lock = await writePylock(s, join(inputs, 'pylock.toml'));
  await annotate(lock);
  const once = await readFile(lock);
  const r = await annotate(lock, ['--json']);
  assert.equal(r.code, 1, r.stderr); // rfc8785 still has no provenance
  const rep = report(r.stdout);
  assert.deepEqual(
    rep.packages.map((p) => p.status),
    ['kept', 'kept', 'not-annotated'],
  );
  assert.deepEqual([rep.changed, rep.written], [false, false]);
  assert.deepEqual(await readFile(lock), once);
});

test('identities already there, comments, CRLF and a byte order mark are kept byte for byte; only the others are annotated', async () => {
  const { inputs } = await freshDirs();
  const [pa, gl] = s.dists;
  const text = [
    '\uFEFFlock-version = "1.0"  # reviewed 2026-08-01',
    '',
    '# pypi-attestations: pinned by hand, to another (wrong) workflow: never changed',
    '[[packages]]',
    `name = "${pa!.project}"`,
    `version = "${pa!.version}"`,
    '[packages.sdist]',
    `name = "${pa!.filename}"`,
    `hashes = { sha256 = "${pa!.sha256}" }`,
    '[[packages.attestation-identities]]',
    'kind = "GitHub"   # by hand',
    'repository = "trailofbits/pypi-attestations"',
    'workflow = "other.yml"',
    '',
    '[[packages]]',
    `name = "${gl!.project}"  # GitLab`,
    `version = "${gl!.version}"`,
    '',
    '[packages.sdist]',
    `name = "${gl!.filename}"`,
    `hashes.sha256 = "${gl!.sha256}"`,
    '',
  ].join('\r\n');
  const lock = join(inputs, 'pylock.toml');
  await writeFile(lock, text);
  const r = await annotate(lock, ['--json']);
  assert.equal(r.code, 0, r.stderr);
  const rep = report(r.stdout);
  assert.deepEqual(
    rep.packages.map((p) => p.status),
    ['kept', 'annotated'],
  );
  const out = await readFile(lock, 'utf8');
  assertOnlyInserted(text, out, rep);
  assert.equal(
    rep.packages[1]!.added,
    'attestation-identities = [{ kind = "GitLab", repository = "facutuesca/gitlab-oidc-project", ' +
      'workflow_filepath = ".gitlab-ci.yml" }]\r\n',
  );
  assert.ok(out.includes(`version = "${gl!.version}"\r\n${rep.packages[1]!.added}\r\n[packages.sdist]`));
  assert.ok(out.startsWith('\uFEFF'));
  // Nothing of the first package moved: its hand-written identity and comments are there as they were.
  assert.ok(out.startsWith(text.slice(0, text.indexOf('[[packages]]\r\nname = "gitlab'))));
});

test('-o OUT writes the annotated lock there and leaves the input as it was', async () => {
  const { inputs, out } = await freshDirs();
  const lock = await writePylock(s, join(inputs, 'pylock.toml'));
  const before = await readFile(lock);
  const dest = join(out, 'reviewed.toml');
  const r = await annotate(lock, ['-o', dest, '--json']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(report(r.stdout).output, dest);
  assert.deepEqual(await readFile(lock), before);
  const pkgs = tomlPackages(await readFile(dest, 'utf8'));
  assert.deepEqual(plainOf(pkgs[0]!['attestation-identities']), [GITHUB]);
  assert.deepEqual(await readdir(out), ['reviewed.toml']);
});

test('a provenance that fails verification is refused with its code, and nothing is written', async () => {
  // The GitLab file is served with the provenance of another file: its subject is not this file.
  const dists = fixtureDists();
  const gl = dists.find((d) => d.project === 'gitlab-oidc-project')!;
  gl.provenance = dists.find((d) => d.project === 'pypi-attestations')!.provenance!;
  const bad = await startIndexServer({ dists });
  try {
    const { inputs, out } = await freshDirs();
    const lock = await writePylock(bad, join(inputs, 'pylock.toml'));
    const before = await readFile(lock);
    for (const dest of [lock, join(out, 'x.toml')]) {
      const r = await annotate(lock, ['-o', dest, '--json'], bad);
      assert.equal(r.code, 1);
      const err = (JSON.parse(r.stdout) as { error: { code: string; file: string } }).error;
      assert.equal(err.code, 'SUBJECT_NAME');
      assert.match(
        err.file,
        /\/integrity\/gitlab-oidc-project\/0\.0\.3\/gitlab_oidc_project-0\.0\.3\.tar\.gz\/provenance$/,
      );
      assert.match(r.stderr, /^airlock: SUBJECT_NAME: /);
    }
    assert.deepEqual(await readFile(lock), before);
    assert.deepEqual(await readdir(inputs), ['pylock.toml']);
    assert.deepEqual(await readdir(out), []);
  } finally {
    await bad.close();
  }
});

test('a TUF copy that does not verify at --now is refused with its code before any provenance is read', async () => {
  const { inputs } = await freshDirs();
  const lock = await writePylock(s, join(inputs, 'pylock.toml'));
  const before = await readFile(lock);
  const r = await runCli(
    ['lock', 'annotate', lock, '--index-url', s.indexUrl, '--tuf-url', s.tufUrl, '--now', '2027-01-01T00:00:00Z'],
    { env: FAST_ENV },
  );
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^airlock: TUF_EXPIRED: /);
  assert.deepEqual(await readFile(lock), before);
});

test('a malformed lock exits 2 naming the key, before any download', async () => {
  const { inputs } = await freshDirs();
  const cases: Array<[string, string]> = [
    ['lock-version = "2.0"\n[[packages]]\nname = "a"\n', 'lock-version'],
    ['lock-version = "1.0"\n[[packages]]\nname = "a"\nsdist = { name = "a-1.0.tar.gz" }\n', 'packages[0].sdist'],
    [
      `lock-version = "1.0"\n[[packages]]\nname = "a"\nsdist = { name = "a.tar.gz", hashes = { sha256 = "${'0'.repeat(64)}" } }\n`,
      'packages[0]',
    ],
    ['lock-version = "1.0"\n[[packages]\n', 'line 2'],
  ];
  for (const [text, field] of cases) {
    const lock = join(inputs, 'pylock.toml');
    await writeFile(lock, text);
    // Port 9 (discard) on loopback: any download would fail with HTTP_*, not LOCK_INVALID.
    const r = await runCli(['lock', 'annotate', lock, '--index-url', 'http://127.0.0.1:9/simple/', '--json']);
    assert.equal(r.code, 2, r.stderr);
    const err = (JSON.parse(r.stdout) as { error: { code: string; field: string } }).error;
    assert.deepEqual([err.code, err.field], ['LOCK_INVALID', field], text);
    assert.equal(await readFile(lock, 'utf8'), text);
  }
});

test('usage: --tuf-url with --tuf-dir, --root with --instance, an unknown subcommand, --json twice', async () => {
  const { inputs } = await freshDirs();
  const lock = await writePylock(s, join(inputs, 'pylock.toml'));
  for (const args of [
    ['lock', 'annotate', lock, '--tuf-url', s.tufUrl, '--tuf-dir', inputs],
    ['lock', 'annotate', lock, '--root', lock, '--instance', 'staging'],
    ['lock', 'frobnicate', lock],
    ['lock', 'annotate', lock, '--json', '--json'],
    ['lock', 'annotate'],
  ]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^airlock: USAGE: /);
  }
});
