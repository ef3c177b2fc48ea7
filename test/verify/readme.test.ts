import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateSchema } from '../../lib/schemas.ts';
import type { VerifyReport } from '../../lib/verify/index.ts';
import { runCli } from '../helpers/cli.ts';
import { REPO_ROOT } from '../helpers/fixtures.ts';
import { removeTempDirs, tempDir } from './helpers.ts';

// The README's main job, as a user runs it on a fresh clone: the demo bundle
// with the example policy is accepted file by file, and nothing is left in
// the clone.

/** The README's verify of the demo bundle, as the README shows it (plus --json): it must exit 0. */
async function verifyDemo(state: string, extra: string[] = []): Promise<VerifyReport> {
  const policy = ['--policy', 'examples/policy.toml', '--now', '2026-08-22T00:00:00Z'];
  const r = await runCli(['verify', 'examples/demo-bundle.tar', ...extra, ...policy, '--state', state, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return validateSchema<VerifyReport>('verify-report', JSON.parse(r.stdout), 'stdout');
}

test(
  "the README's main job: the demo bundle passes with examples/policy.toml, leaving nothing in the " + 'clone',
  async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes('npx airlock verify examples/demo-bundle.tar --policy examples/policy.toml'));
    assert.ok(!/\btar -x/.test(readme), 'the README never unpacks a bundle with another tool');
    const before = readdirSync(REPO_ROOT).sort();
    try {
      const report = await verifyDemo(await tempDir());
      assert.deepEqual(
        report.files.map((f) => `${f.project} ${f.verdict} ${f.admittedBy}`),
        ['gitlab-oidc-project accepted attestation', 'pypi-attestations accepted attestation', 'rfc8785 accepted hash'],
      );
      assert.deepEqual(readdirSync(REPO_ROOT).sort(), before);
    } finally {
      await removeTempDirs();
    }
  },
);

test("the README's reviewed set: the demo bundle with examples/pylock.toml, the lock deciding", async () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  assert.ok(
    readme.includes(
      'npx airlock verify examples/demo-bundle.tar --lock examples/pylock.toml --policy examples/policy.toml',
    ),
  );
  try {
    const state = await tempDir();
    const report = await verifyDemo(state, ['--lock', 'examples/pylock.toml']);
    assert.equal(report.lock?.vouchedBy, '--lock');
    assert.deepEqual(
      report.files.map((f) => f.decidedBy.filter((d) => d.startsWith('lock:'))),
      [
        ['lock:packages[0].sdist', 'lock:packages[0].attestation-identities'],
        ['lock:packages[1].sdist', 'lock:packages[1].attestation-identities'],
        ['lock:packages[2].wheels[0]'],
      ],
    );
    const log = await runCli(['log', '--state', state, '--check']);
    assert.equal(log.code, 0, log.stderr);
  } finally {
    await removeTempDirs();
  }
});
