import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readManifest } from '../../lib/bundle/index.ts';
import { signerKeyId } from '../../lib/bundle/signature.ts';
import { validateSchema } from '../../lib/schemas.ts';
import type { VerifyReport } from '../../lib/verify/index.ts';
import { FAST_ENV, writePylock } from '../bundle-cmd/helpers.ts';
import { runCli } from '../helpers/cli.ts';
import { startIndexServer, type IndexServer } from '../helpers/index-server.ts';
import { NOW, exists, removeTempDirs, repack, sha256, tempDir, unpack } from './helpers.ts';

// Issue 12 items 1-3 end to end: `bundle --lock` carries the lock (format
// version 3); `verify`/`export` decide with the reviewed lock (--lock), or with
// the carried copy only when the policy names its sha256 or a trusted signer
// signed the bundle; `attestation-identities` are enforced from certificates.

const GH = 'kind = "GitHub"\nrepository = "trailofbits/pypi-attestations"\nworkflow = "release.yml"';
const GL = 'kind = "GitLab"\nrepository = "facutuesca/gitlab-oidc-project"\nworkflow_filepath = ".gitlab-ci.yml"';
const ids = (t: string) => `[[packages.attestation-identities]]\n${t}\n`;

let s: IndexServer;
let dir: string;
let good: string; // the reviewed lock, with identities
let goodBundle: string;
let policy: string; // no publishers: the lock names them; rfc8785 (no Trusted Publisher) admitted by hash
const key = generateKeyPairSync('ed25519');

async function lock(name: string, identities: Record<string, string>, override: Record<string, string> = {}) {
  return writePylock(s, join(dir, name), override, identities);
}

async function bundleWith(lockFile: string, extra: string[] = []): Promise<string> {
  const out = join(await tempDir(), 'bundle.tar');
  const r = await runCli(
    ['bundle', '--lock', lockFile, '-o', out, '--index-url', s.indexUrl, '--tuf-url', s.tufUrl, '--now', NOW, ...extra],
    { env: FAST_ENV },
  );
  assert.equal(r.code, 0, r.stderr);
  return out;
}

async function verify(archive: string, ...more: string[]) {
  const state = await tempDir();
  const withPolicy = more.includes('--policy') ? more : ['--policy', policy, ...more];
  const r = await runCli(['verify', archive, '--now', NOW, '--state', state, '--json', ...withPolicy]);
  assert.equal(r.stderr, '');
  const report = validateSchema<VerifyReport>('verify-report', JSON.parse(r.stdout), 'stdout');
  return { code: r.code, report, state };
}

const fileOf = (r: VerifyReport, project: string) => r.files.find((f) => f.project === project)!;

before(async () => {
  s = await startIndexServer();
  dir = await tempDir();
  good = await lock('pylock.toml', { 'pypi-attestations': ids(GH), 'gitlab-oidc-project': ids(GL) });
  goodBundle = await bundleWith(good);
  const rfc = s.dists.find((d) => d.project === 'rfc8785')!.sha256;
  policy = join(dir, 'policy.toml');
  await writeFile(policy, `[projects.rfc8785]\nrequire = "hash"\nhashes = ["sha256:${rfc}"]\n`);
  await writeFile(join(dir, 'key.pem'), key.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(join(dir, 'key.pub'), key.publicKey.export({ type: 'spki', format: 'pem' }));
});
after(async () => {
  await s.close();
  await removeTempDirs();
});

test('bundle --lock carries the lock byte for byte (format version 3, signed: false)', async () => {
  const m = await readManifest(goodBundle);
  assert.equal(m.formatVersion, 3);
  assert.equal(m.signed, false);
  const member = m.members.find((x) => x.role === 'lock')!;
  assert.equal(member.path, 'lock/pylock.toml');
  const bytes = await readFile(good);
  assert.equal(member.sha256, sha256(bytes));
  const { dir: unpacked } = await unpack(goodBundle);
  assert.deepEqual(await readFile(join(unpacked, 'lock', 'pylock.toml')), bytes);
  // inspect reads version 3 and lists the lock member.
  const r = await runCli(['inspect', goodBundle, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = validateSchema<{ formatVersion: number; members: Array<{ role: string }> }>(
    'inspect-report',
    JSON.parse(r.stdout),
    'stdout',
  );
  assert.equal(report.formatVersion, 3);
  assert.ok(report.members.some((x) => x.role === 'lock'));
});

test('the reviewed lock (--lock) with identities: verify and export pass, no pin or --accept-new needed', async () => {
  const { code, report } = await verify(goodBundle, '--lock', good);
  assert.equal(code, 0, JSON.stringify(report.files.map((f) => f.message)));
  assert.deepEqual(
    { ...report.lock, carried: undefined },
    {
      decides: true,
      source: 'reviewed',
      file: good,
      sha256: sha256(await readFile(good)),
      vouchedBy: '--lock',
      carried: undefined,
    },
  );
  assert.equal(report.lock!.carried!.used, false);
  assert.deepEqual(fileOf(report, 'pypi-attestations').decidedBy, [
    'lock:packages[0].sdist',
    'lock:packages[0].attestation-identities',
    'policy:defaults',
  ]);
  assert.deepEqual(fileOf(report, 'rfc8785').decidedBy, ['lock:packages[2].wheels[0]', 'policy:projects.rfc8785']);
  const state = await tempDir();
  const to = join(await tempDir(), 'mirror');
  const r = await runCli([
    'export',
    goodBundle,
    '--to',
    to,
    '--lock',
    good,
    '--policy',
    policy,
    '--now',
    NOW,
    '--state',
    state,
  ]);
  assert.equal(r.code, 0, r.stderr);
  // The audit log records the lock that decided.
  const log = (await readFile(join(state, 'audit.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(log[0].lock, { sha256: sha256(await readFile(good)) });
});

test('LOCK_IDENTITY_MISMATCH: the lock names another repository or workflow; a policy cannot overrule it', async () => {
  for (const [name, identity] of [
    ['repo.toml', GH.replace('trailofbits/', 'evil/')],
    ['workflow.toml', GH.replace('release.yml', 'publish.yml')],
  ] as const) {
    const other = await lock(name, { 'pypi-attestations': ids(identity), 'gitlab-oidc-project': ids(GL) });
    const { code, report } = await verify(goodBundle, '--lock', other);
    assert.equal(code, 1);
    const f = fileOf(report, 'pypi-attestations');
    assert.equal(f.code, 'LOCK_IDENTITY_MISMATCH', name);
    assert.match(f.message!, /packages\[0\]\.attestation-identities names GitHub/);
    assert.match(f.message!, /the certificates show GitHub trailofbits\/pypi-attestations workflow release\.yml/);
    assert.equal(fileOf(report, 'gitlab-oidc-project').verdict, 'accepted');
  }
  // A policy that allows the publisher the certificates show, which the lock does not name: still refused.
  const evil = await lock('evil.toml', { 'pypi-attestations': ids(GH.replace('trailofbits/', 'evil/')) });
  const allowing = join(dir, 'allowing.toml');
  await writeFile(
    allowing,
    `${await readFile(policy, 'utf8')}[projects.pypi-attestations]\npublishers = [{ ${GH.replace(/\n/g, ', ')} }]\n`,
  );
  const { code, report } = await verify(goodBundle, '--lock', evil, '--policy', allowing, '--accept-new');
  assert.equal(code, 1);
  assert.equal(fileOf(report, 'pypi-attestations').code, 'LOCK_IDENTITY_MISMATCH');
});

test('LOCK_FILE_NOT_IN_LOCK, and HASH_PIN_MISMATCH for a carried file altered afterwards', async () => {
  const text = await readFile(good, 'utf8');
  const without = join(dir, 'without-gitlab.toml');
  await writeFile(
    without,
    text.replace(/\[\[packages\]\]\nname = "gitlab-oidc-project"[\s\S]*?(?=\[\[packages\]\])/, ''),
  );
  const r1 = await verify(goodBundle, '--lock', without);
  assert.equal(r1.code, 1);
  assert.equal(fileOf(r1.report, 'gitlab-oidc-project').code, 'LOCK_FILE_NOT_IN_LOCK');
  assert.match(
    fileOf(r1.report, 'gitlab-oidc-project').message!,
    /gitlab_oidc_project-0\.0\.3\.tar\.gz .* is not a file .* lists/,
  );
  // The sdist replaced (and its provenance dropped, so that only the lock can tell), manifest rewritten.
  const altered = await repack(await unpack(goodBundle), async (w) => {
    const { pkg, f } = w.file('gitlab_oidc_project-0.0.3.tar.gz');
    await w.remove(f.provenance!);
    await w.remove(pkg.indexPage!);
    await w.write(f.path, 'not the locked bytes');
  });
  const r2 = await verify(altered, '--lock', good);
  assert.equal(r2.code, 1);
  const f = fileOf(r2.report, 'gitlab-oidc-project');
  assert.equal(f.code, 'HASH_PIN_MISMATCH');
  assert.match(f.message!, /packages\[1\]\.sdist locks [0-9a-f]{64}/);
});

test('a carried lock with its identities deleted: refused when this side vouches for the original, inert otherwise', async () => {
  // The reviewed lock names a publisher the files do not have; the carrier deleted the identities from the copy.
  const reviewed = await lock('reviewed.toml', { 'pypi-attestations': ids(GH.replace('release.yml', 'publish.yml')) });
  const original = await bundleWith(reviewed);
  const stripped = await repack(await unpack(original), async (w) => {
    const text = (await w.read('lock/pylock.toml')).toString();
    await w.write('lock/pylock.toml', text.replace(/\[\[packages\.attestation-identities\]\]\n[^[]*/g, ''));
  });
  const r1 = await verify(stripped, '--lock', reviewed, '--accept-new');
  assert.equal(r1.code, 1);
  assert.equal(fileOf(r1.report, 'pypi-attestations').code, 'LOCK_IDENTITY_MISMATCH');

  const pinned = join(dir, 'pinned.toml');
  const digest = sha256(await readFile(reviewed));
  await writeFile(pinned, `[defaults]\nlock = "sha256:${digest}"\n\n${await readFile(policy, 'utf8')}`);
  const r2 = await verify(stripped, '--policy', pinned, '--accept-new');
  assert.equal(r2.code, 1);
  assert.equal(r2.report.failure?.code, 'LOCK_DIGEST_MISMATCH');
  assert.match(
    r2.report.failure!.message,
    new RegExp(`lock/pylock\\.toml has sha256 [0-9a-f]{64}; .* names sha256:${digest}`),
  );
  assert.ok(r2.report.files.every((f) => f.verdict === 'not-verified'));
  // The untouched bundle with the digest in the policy: the carried lock decides, and refuses the file.
  const r3 = await verify(original, '--policy', pinned, '--accept-new');
  assert.equal(r3.code, 1);
  assert.equal(r3.report.lock?.vouchedBy, 'policy:defaults.lock');
  assert.equal(fileOf(r3.report, 'pypi-attestations').code, 'LOCK_IDENTITY_MISMATCH');

  // Nobody vouches for the carried lock: it decides nothing (the policy and pins do), and the report says so.
  const r4 = await verify(original, '--accept-new');
  assert.equal(r4.code, 0);
  assert.equal(r4.report.lock?.decides, false);
  assert.match(r4.report.lock!.carried!.note, /decides nothing/);
  const text = await runCli([
    'verify',
    original,
    '--policy',
    policy,
    '--now',
    NOW,
    '--state',
    await tempDir(),
    '--accept-new',
  ]);
  assert.match(text.stdout, /lock {5}the bundle's lock \(sha256 [0-9a-f]{64}\) decides nothing/);
});

test('LOCK_MISSING: the policy names a lock and none is given', async () => {
  const pinned = join(dir, 'needs-lock.toml');
  await writeFile(pinned, `[defaults]\nlock = "sha256:${'a'.repeat(64)}"\n`);
  const req = join(dir, 'req.txt');
  await writeFile(req, s.dists.map((d) => `${d.project}==${d.version} --hash=sha256:${d.sha256}`).join('\n'));
  const out = join(await tempDir(), 'b.tar');
  const b = await runCli(
    ['bundle', '-r', req, '-o', out, '--index-url', s.indexUrl, '--tuf-url', s.tufUrl, '--now', NOW],
    {
      env: FAST_ENV,
    },
  );
  assert.equal(b.code, 0, b.stderr);
  assert.equal((await readManifest(out)).formatVersion, 1);
  const { code, report } = await verify(out, '--policy', pinned);
  assert.equal(code, 1);
  assert.equal(report.failure?.code, 'LOCK_MISSING');
  assert.equal(report.failure?.field, 'defaults.lock');
});

test('a bundle signed by a trusted signer vouches for its lock; verify and export --trusted-signer', async () => {
  const signed = await bundleWith(good, ['--sign-key', join(dir, 'key.pem')]);
  const m = await readManifest(signed);
  assert.deepEqual([m.formatVersion, m.signed], [3, true]);
  const { code, report } = await verify(signed, '--trusted-signer', join(dir, 'key.pub'));
  assert.equal(code, 0, JSON.stringify(report.files.map((f) => f.message)));
  assert.equal(report.lock?.source, 'bundled');
  assert.equal(report.lock?.vouchedBy, `signer:${signerKeyId(key.publicKey)}`);
  // Signed but no trusted signer configured: the signature is checked and reported, the lock decides nothing.
  const loose = await verify(signed, '--accept-new');
  assert.equal(loose.code, 0);
  assert.equal(loose.report.lock?.decides, false);
  // export --trusted-signer: the same rules; an unsigned bundle is refused and nothing is written.
  const exportTrusted = async (archive: string) => {
    const to = join(await tempDir(), 'mirror');
    const state = await tempDir();
    const trusted = ['--trusted-signer', join(dir, 'key.pub')];
    return {
      to,
      r: await runCli([
        'export',
        archive,
        '--to',
        to,
        '--policy',
        policy,
        '--now',
        NOW,
        '--state',
        state,
        ...trusted,
        '--json',
      ]),
    };
  };
  const ok = await exportTrusted(signed);
  assert.equal(ok.r.code, 0, ok.r.stderr);
  const bad = await exportTrusted(goodBundle);
  assert.equal(bad.r.code, 1);
  assert.equal(await exists(bad.to), false);
  assert.match(bad.r.stdout, /BUNDLE_UNSIGNED/);
});

test('malformed reviewed locks: exit 2, LOCK_INVALID naming the key, before the bundle is read', async () => {
  const text = await readFile(good, 'utf8');
  const cases: Array<[string, string, RegExp]> = [
    ['bad TOML', `${text}\n[[packages]\nname = "x"\n`, /LOCK_INVALID: .*bad\.toml: line \d+: not valid TOML/],
    [
      'lock-version',
      text.replace('lock-version = "1.0"', 'lock-version = "2.0"'),
      /lock-version: lock-version must be "1\.x"/,
    ],
    [
      'no version',
      text.replace('version = "0.0.19"\n', ''),
      /packages\[0\]\.version: pypi-attestations has no version/,
    ],
    [
      'no kind',
      text.replace('kind = "GitHub"\n', ''),
      /packages\[0\]\.attestation-identities\[0\]: must have required property 'kind'/,
    ],
    [
      'unknown kind',
      text.replace('kind = "GitHub"', 'kind = "Jenkins"'),
      /packages\[0\]\.attestation-identities\[0\]\.kind: must be equal to one of the allowed values/,
    ],
  ];
  for (const [what, body, message] of cases) {
    const f = join(dir, 'bad.toml');
    await writeFile(f, body);
    const r = await runCli([
      'verify',
      goodBundle,
      '--lock',
      f,
      '--policy',
      policy,
      '--now',
      NOW,
      '--state',
      await tempDir(),
    ]);
    assert.equal(r.code, 2, what);
    assert.match(r.stderr, message, what);
    assert.equal(r.stderr.trim().split('\n').length, 1, what);
  }
});

test('bundle --lock --policy: the lock decides there too; nothing is written when it would refuse', async () => {
  const wrong = await lock('wrong-bundle.toml', { 'pypi-attestations': ids(GH.replace('release.yml', 'publish.yml')) });
  const out = join(await tempDir(), 'b.tar');
  const r = await runCli(
    [
      ...['bundle', '--lock', wrong, '-o', out, '--index-url', s.indexUrl, '--tuf-url', s.tufUrl, '--now', NOW],
      ...['--policy', policy, '--json'],
    ],
    { env: FAST_ENV },
  );
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as VerifyReport;
  assert.equal(fileOf(report, 'pypi-attestations').code, 'LOCK_IDENTITY_MISMATCH');
  assert.equal(await exists(out), false);
});

test('lock annotate, then the annotated lock decides: the identities it wrote are the ones verify enforces', async () => {
  const plain = await lock('plain.toml', {});
  const annotated = join(dir, 'annotated.toml');
  const a = await runCli(
    ['lock', 'annotate', plain, '-o', annotated, '--index-url', s.indexUrl, '--tuf-url', s.tufUrl, '--now', NOW],
    { env: FAST_ENV },
  );
  // rfc8785 has no Trusted Publisher provenance: reported, not annotated (exit 1); the others are written.
  assert.equal(a.code, 1, a.stderr);
  const { code, report } = await verify(goodBundle, '--lock', annotated);
  assert.equal(code, 0, JSON.stringify(report.files.map((f) => f.message)));
  for (const project of ['pypi-attestations', 'gitlab-oidc-project'])
    assert.ok(
      fileOf(report, project).decidedBy.some((d) => d.endsWith('.attestation-identities')),
      project,
    );
});
