import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { PYPI, REPO_ROOT, TUF_2025, TUF_2026, TUF_STAGING } from '../helpers/fixtures.ts';
import { TestTufRepo } from '../helpers/tuf-repo.ts';
import { validateSchema } from '../../lib/schemas.ts';
import { context, snapshotDir, tempDir } from './harness.ts';
import type { Json } from '../helpers/loose-json.ts';

// `airlock trust verify` as a user runs it. Every run gets --state in a temp
// folder, and XDG_STATE_HOME/HOME point to temp folders too, so the real
// default state is never touched.

async function cli(args: string[], opts: { state?: string | false } = {}) {
  const home = await tempDir('airlock-home-');
  const state = opts.state === undefined ? join(home, 'state') : opts.state;
  const env = { XDG_STATE_HOME: join(home, 'xdg'), HOME: home };
  const r = await runCli(['trust', 'verify', ...args, ...(state === false ? [] : ['--state', state])], { env });
  return { ...r, home, state };
}

test('done when: the 2026 copy verifies at 2026-08-22 from the pinned public-good root (exit 0)', async () => {
  const r = await cli([TUF_2026(), '--instance', 'public-good', '--now', '2026-08-22T00:00:00Z']);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^trust verified: /);
  assert.match(r.stdout, /root +v15 +expires 2026-11-20T13:58:18Z/);
  assert.match(r.stdout, /timestamp +v762 +expires 2026-08-28T19:25:56Z/);
  assert.match(r.stdout, /trusted_root.json +sha256 6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66/);
  assert.match(r.stdout, /grace 0s \(not used\)/);
});

test('done when: the 2026 copy at 2026-11-25 fails with TUF_EXPIRED (exit 1, one line)', async () => {
  const r = await cli([TUF_2026(), '--instance', 'public-good', '--now', '2026-11-25T00:00:00Z']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    'airlock: TUF_EXPIRED: metadata/15.root.json: root v15 expired at 2026-11-20T13:58:18Z, 4d10h1m42s before --now ' +
      '2026-11-25T00:00:00.000Z\n',
  );
  assert.deepEqual(await snapshotDir(r.state as string), {});
});

test('--json prints one report that matches schemas/trust-report.schema.json', async () => {
  const r = await cli([
    TUF_STAGING(),
    '--instance',
    'staging',
    '--now',
    '2026-09-15T00:00:00Z',
    '--grace',
    '18d',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const report = validateSchema<Json>('trust-report', JSON.parse(r.stdout), 'stdout');
  assert.equal(report.graceUsed, true);
  assert.equal(report.graceMs, 18 * 86_400_000);
  assert.ok(report.roles.timestamp.expiredByMs > 17 * 86_400_000);
  assert.equal(report.roles.root.version, 14);
  assert.equal(report.targets[0].sha256, '44deb991d4bbf2150751ccee235d9810bce4434383c26d8898c1bcadbace6ed8');
});

test('text output says when the grace was used', async () => {
  const r = await cli([TUF_2026(), '--now', '2026-10-01T00:00:00Z', '--grace', '34d']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /grace 34d \(USED\)/);
  assert.match(
    r.stdout,
    /timestamp +v762 +expires 2026-08-28T19:25:56Z +EXPIRED 33d4h34m4s ago, accepted within --grace/,
  );
});

test('2026 then 2025 with one --state: TUF_ROLLBACK exit 1, the state file unchanged', async () => {
  const dir = join(await tempDir(), 'state');
  const a = await cli([TUF_2026(), '--now', '2026-08-22T00:00:00Z'], { state: dir });
  assert.equal(a.code, 0, a.stderr);
  const before = await snapshotDir(dir);
  const b = await cli([TUF_2025(), '--now', '2025-11-24T00:00:00Z'], { state: dir });
  assert.equal(b.code, 1);
  assert.equal(b.stderr, 'airlock: TUF_ROLLBACK: metadata/timestamp.json: version 522 < trusted 762\n');
  assert.deepEqual(await snapshotDir(dir), before);
});

test('without --state the state goes to $XDG_STATE_HOME/airlock', async () => {
  const r = await cli([TUF_2025(), '--now', '2025-11-24T00:00:00Z'], { state: false });
  assert.equal(r.code, 0, r.stderr);
  const files = Object.keys(await snapshotDir(join(r.home, 'xdg', 'airlock')));
  assert.deepEqual(files, ['tuf/public-good-39277f1fbd482f84d924b6cb77748f62ab0f031b3b5b9b29e681dae056c32250.json']);
});

test('a corrupt state is TUF_STATE_UNREADABLE (exit 2), never silently reset', async () => {
  const dir = join(await tempDir(), 'state');
  await cli([TUF_2025(), '--now', '2025-11-24T00:00:00Z'], { state: dir });
  const file = join(dir, 'tuf', 'public-good-39277f1fbd482f84d924b6cb77748f62ab0f031b3b5b9b29e681dae056c32250.json');
  const good = await readFile(file, 'utf8');
  await writeFile(file, good.slice(0, 40));
  let r = await cli([TUF_2025(), '--now', '2025-11-24T00:00:00Z'], { state: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`^airlock: TUF_STATE_UNREADABLE: ${file}: not valid JSON \\(.*\\)\\n$`));
  await writeFile(file, good.replace('"timestamp": 522', '"timestamp": "522"'));
  r = await cli([TUF_2025(), '--now', '2025-11-24T00:00:00Z'], { state: dir });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `airlock: TUF_STATE_UNREADABLE: ${file}: /timestamp: must be integer (schema trust-state)\n`);
  await writeFile(file, good.replace(/"base64": "[A-Za-z]/, '"base64": "A'));
  r = await cli([TUF_2025(), '--now', '2025-11-24T00:00:00Z'], { state: dir });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `airlock: TUF_STATE_UNREADABLE: ${file}: /root: stored root does not match its sha256\n`);
});

test(
  'a folder that is not a TUF repository: TUF_NOT_A_REPOSITORY exit 2; a missing one: ' + 'INPUT_UNREADABLE',
  async () => {
    const d = await tempDir();
    await mkdir(join(d, 'metadata'));
    await writeFile(join(d, 'metadata', 'README'), 'hello');
    let r = await cli([d]);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `airlock: TUF_NOT_A_REPOSITORY: ${d}: no TUF metadata (N.root.json or timestamp.json) in metadata/ or at the ` +
        `top of the folder\n`,
    );
    r = await cli([join(d, 'nope')]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `airlock: INPUT_UNREADABLE: ${join(d, 'nope')}: no such folder\n`);
  },
);

test('bad options are usage errors (exit 2)', async () => {
  for (const [args, line] of [
    [['--grace', '2 weeks'], "airlock: USAGE: --grace must be a duration like 14d, 36h, 90m or 1w2d, got '2 weeks'\n"],
    [
      ['--now', 'yesterday'],
      'airlock: USAGE: --now must be an ISO-8601 date-time with a zone (e.g. 2026-08-22T00:00:00Z) or a date, got ' +
        "'yesterday'\n",
    ],
    [['--instance', 'prod'], /^airlock: USAGE: Invalid values:/],
    [
      ['--root', 'x.json', '--instance', 'staging'],
      /^airlock: USAGE: Arguments root and instance are mutually exclusive\n$/,
    ],
  ] as const) {
    const r = await cli([TUF_2026(), ...args]);
    assert.equal(r.code, 2, r.stderr);
    if (typeof line === 'string') assert.equal(r.stderr, line);
    else assert.match(r.stderr, line);
  }
});

// Malformed metadata: exit 2, one line naming file and field.
const MALFORMED: Array<[string, (b: string) => string, string]> = [
  ['truncated JSON', (b) => b.slice(0, b.length / 2), 'metadata/timestamp.json: not valid JSON ('],
  [
    'no signed',
    (b) => JSON.stringify({ signatures: JSON.parse(b).signatures }),
    'metadata/timestamp.json: signed: missing',
  ],
  [
    'version of the wrong type',
    (b) =>
      b
        .replace(/"version": (\d+),\n {2}"expires"/, '"version": "$1",\n  "expires"')
        .replace('"version": 1', '"version": "1"'),
    'metadata/timestamp.json: signed.version: must be an integer >= 1',
  ],
  [
    'signatures not an array',
    (b) => JSON.stringify({ ...JSON.parse(b), signatures: {} }),
    'metadata/timestamp.json: signatures: must be an array',
  ],
  [
    'meta of the wrong type',
    (b) => JSON.stringify({ ...JSON.parse(b), signed: { ...JSON.parse(b).signed, meta: [] } }),
    'metadata/timestamp.json: signed: ',
  ],
];
for (const [what, edit, expected] of MALFORMED) {
  test(`malformed timestamp (${what}): TUF_METADATA_MALFORMED exit 2 naming the file`, async () => {
    const repo = await TestTufRepo.create();
    const ctx = await context(repo);
    await repo.write();
    const p = repo.path('metadata', 'timestamp.json');
    await writeFile(p, edit(await readFile(p, 'utf8')));
    const r = await cli([repo.dir, '--root', ctx.rootFile, '--now', '2030-01-01T00:00:00Z'], { state: ctx.stateDir });
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.startsWith(`airlock: TUF_METADATA_MALFORMED: ${expected}`), r.stderr);
    assert.equal(r.stderr.split('\n').length, 2, 'one line');
    assert.deepEqual(await snapshotDir(ctx.stateDir), {});
  });
}

test('a malformed --root names the file (exit 2)', async () => {
  const d = await tempDir();
  const f = join(d, 'root.json');
  await writeFile(f, '{"signed": {"_type": "root"}, "signatures": []}');
  const r = await cli([TUF_2026(), '--root', relative(REPO_ROOT, f)]);
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    `airlock: TUF_METADATA_MALFORMED: ${relative(REPO_ROOT, f)}: signed.version: must be an integer >= 1\n`,
  );
  const missing = await cli([TUF_2026(), '--root', join(d, 'nope.json')]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, `airlock: INPUT_UNREADABLE: ${join(d, 'nope.json')}: cannot read (ENOENT)\n`);
});

test('an attack through the CLI: a swapped target is TUF_HASH_MISMATCH exit 1', async () => {
  const repo = await TestTufRepo.create();
  const ctx = await context(repo);
  await repo.write();
  const tr = repo.path('targets', repo.targetName('trusted_root.json'));
  const b = await readFile(tr, 'utf8');
  await writeFile(tr, b.replace('sigstore', 'sigstorf'));
  const r = await cli([repo.dir, '--root', ctx.rootFile, '--now', '2030-01-01T00:00:00Z'], { state: ctx.stateDir });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    new RegExp(
      `^airlock: TUF_HASH_MISMATCH: targets/${repo.targetName('trusted_root.json')}: sha256 [0-9a-f]{16}… ` +
        `differs from [0-9a-f]{16}… that the targets metadata records\\n$`,
    ),
  );
});

// Review fix: `attest verify --trust-dir` and `sigstore verify-bundle
// --trust-dir` used to write the trust state as soon as the TUF copy passed,
// even when the command then refused the attestation or bundle (exit 1 or 2).
test('--trust-dir commands move the trust state only when the whole command succeeds', async () => {
  const home = await tempDir('airlock-home-');
  const state = join(home, 'state');
  const env = { XDG_STATE_HOME: join(home, 'xdg'), HOME: home };
  const sdist = PYPI('pypi_attestations-0.0.19.tar.gz');
  const common = [
    sdist,
    '--provenance',
    `${sdist}.provenance`,
    '--trust-dir',
    TUF_2026(),
    '--now',
    '2026-08-22T00:00:00Z',
    '--state',
    state,
    '--workflow',
    'release.yml',
  ];
  const wrong = await runCli(['attest', 'verify', ...common, '--repository', 'https://github.com/evil/x'], { env });
  assert.equal(wrong.code, 1, wrong.stderr);
  assert.match(wrong.stderr, /^airlock: PUBLISHER_MISMATCH: /);
  assert.deepEqual(await snapshotDir(state), {}, 'a refused attestation must not move the trust state');

  const bad = await runCli(
    [
      'sigstore',
      'verify-bundle',
      '--bundle',
      join(home, 'missing.sigstore.json'),
      '--certificate-identity',
      'x',
      '--certificate-oidc-issuer',
      'https://x',
      '--trust-dir',
      TUF_2026(),
      '--now',
      '2026-08-22T00:00:00Z',
      '--state',
      state,
      sdist,
    ],
    { env },
  );
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /^airlock: INPUT_UNREADABLE: /);
  assert.deepEqual(await snapshotDir(state), {}, 'a refused bundle must not move the trust state');

  const good = await runCli(
    ['attest', 'verify', ...common, '--repository', 'https://github.com/trailofbits/pypi-attestations'],
    { env },
  );
  assert.equal(good.code, 0, good.stderr);
  const files = Object.values(await snapshotDir(state));
  assert.equal(files.length, 1);
  assert.equal(JSON.parse(files[0]!).timestamp, 762);
});
