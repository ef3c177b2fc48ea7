import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { validateSchema } from '../../lib/schemas.ts';
import type { VerifyReport } from '../../lib/verify/index.ts';
import { verifyVsaEnvelope, type DsseEnvelope } from '../../lib/verify/vsa.ts';
import { runCli } from '../helpers/cli.ts';
import { TUF_2025 } from '../helpers/fixtures.ts';
import { startIndexServer, type IndexServer } from '../helpers/index-server.ts';
import { exists, makeBundle, NOW, policyToml, removeTempDirs, snapshot, tempDir } from './helpers.ts';

// What `airlock verify` writes: VSAs (plain and signed), and the trust state
// across two bundles, where an older TUF copy after a newer one is a rollback.

let s: IndexServer;
let archive: string;
let policy: string;

before(async () => {
  s = await startIndexServer();
  archive = await makeBundle(s);
  policy = join(await tempDir(), 'policy.toml');
  await writeFile(policy, policyToml({ rfc8785Sha256: s.dists.find((d) => d.project === 'rfc8785')!.sha256 }));
});
after(async () => {
  await s.close();
  await removeTempDirs();
});

test(
  '--vsa-out writes one VSA per accepted file; with --vsa-key a DSSE envelope that verifies with the public ' + 'key',
  async () => {
    const out = await tempDir();
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyFile = join(out, 'vsa.pem');
    await writeFile(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const plain = await runCli(['verify', archive, '--policy', policy, '--now', NOW, '--vsa-out', join(out, 'plain')]);
    assert.equal(plain.code, 0, plain.stderr);
    const names = (await readdir(join(out, 'plain'))).sort();
    assert.deepEqual(names, [
      'gitlab_oidc_project-0.0.3.tar.gz.vsa.json',
      'pypi_attestations-0.0.19.tar.gz.vsa.json',
      'rfc8785-0.1.2-py3-none-any.whl.vsa.json',
    ]);
    for (const n of names) validateSchema('vsa', JSON.parse(await readFile(join(out, 'plain', n), 'utf8')), n);
    const vsa = JSON.parse(await readFile(join(out, 'plain', names[1]!), 'utf8'));
    assert.equal(vsa.predicate.verificationResult, 'PASSED');
    assert.equal(
      vsa.predicate.inputAttestations[0].uri,
      'packages/pypi-attestations/pypi_attestations-0.0.19.tar.gz.provenance',
    );

    const signed = await runCli([
      'verify',
      archive,
      '--policy',
      policy,
      '--now',
      NOW,
      '--vsa-out',
      join(out, 'signed'),
      '--vsa-key',
      keyFile,
    ]);
    assert.equal(signed.code, 0, signed.stderr);
    const env = JSON.parse(await readFile(join(out, 'signed', names[2]!), 'utf8')) as DsseEnvelope;
    const statement = verifyVsaEnvelope(env, publicKey) as { subject: Array<{ name: string }> };
    assert.equal(statement.subject[0]!.name, 'rfc8785-0.1.2-py3-none-any.whl');
  },
);

test('--vsa-key that cannot sign: VSA_KEY_INVALID (exit 2) before anything is read', async () => {
  const out = await tempDir();
  await writeFile(join(out, 'k.pem'), 'not a key');
  const r = await runCli([
    'verify',
    archive,
    '--now',
    NOW,
    '--vsa-out',
    join(out, 'v'),
    '--vsa-key',
    join(out, 'k.pem'),
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /VSA_KEY_INVALID/);
  assert.equal(await exists(join(out, 'v')), false);
});

test('--extract into an existing folder: exit 2, nothing verified or written', async () => {
  const out = await tempDir();
  const r = await runCli(['verify', archive, '--policy', policy, '--now', NOW, '--extract', out]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--extract/);
  assert.deepEqual(await readdir(out), []);
});

test('rollback across bundles: the newer TUF copy, then an older one, with one state folder', async () => {
  const old = await startIndexServer({ tufDir: TUF_2025() });
  try {
    const dir = await tempDir();
    const lock = join(dir, 'pylock.toml');
    const { writePylock, FAST_ENV } = await import('../bundle-cmd/helpers.ts');
    await writePylock(old, lock);
    const oldArchive = join(dir, 'old.tar');
    const made = await runCli(
      [
        'bundle',
        '--lock',
        lock,
        '-o',
        oldArchive,
        '--index-url',
        old.indexUrl,
        '--tuf-url',
        old.tufUrl,
        '--now',
        '2025-11-24T00:00:00Z',
      ],
      { env: FAST_ENV },
    );
    assert.equal(made.code, 0, made.stderr);
    const state = await tempDir();
    const newer = await runCli(['verify', archive, '--policy', policy, '--now', NOW, '--state', state, '--json']);
    assert.equal(newer.code, 0, newer.stderr);
    const stored = await snapshot(state);
    // A grace wide enough that expiry is not what stops it: the stored versions are.
    const older = await runCli([
      'verify',
      oldArchive,
      '--policy',
      policy,
      '--now',
      NOW,
      '--grace',
      '400d',
      '--state',
      state,
      '--json',
    ]);
    assert.equal(older.code, 1);
    const report = validateSchema<VerifyReport>('verify-report', JSON.parse(older.stdout), 'stdout');
    assert.equal(report.failure?.code, 'TUF_ROLLBACK', JSON.stringify(report.failure));
    assert.ok(report.files.every((f) => f.verdict === 'not-verified'));
    assert.deepEqual(await snapshot(state), stored);
  } finally {
    await old.close();
  }
});
