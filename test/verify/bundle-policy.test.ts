import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { validateSchema } from '../../lib/schemas.ts';
import type { VerifyReport } from '../../lib/verify/index.ts';
import { FAST_ENV, writePylock } from '../bundle-cmd/helpers.ts';
import { runCli } from '../helpers/cli.ts';
import { startIndexServer, type IndexServer } from '../helpers/index-server.ts';
import { NOW, policyToml, removeTempDirs, tempDir } from './helpers.ts';

// `airlock bundle --policy`: the connected side refuses, before writing, what
// `airlock verify` with the same policy would refuse.

let s: IndexServer;
let rfcSha: string;
before(async () => {
  s = await startIndexServer();
  rfcSha = s.dists.find((d) => d.project === 'rfc8785')!.sha256;
});
after(async () => {
  await s.close();
  await removeTempDirs();
});

async function bundleWith(policy: string) {
  const dir = await tempDir();
  const out = join(dir, 'out');
  const lock = await writePylock(s, join(dir, 'pylock.toml'));
  const p = join(dir, 'policy.toml');
  await writeFile(p, policy);
  await (await import('node:fs/promises')).mkdir(out);
  const r = await runCli(
    [
      'bundle',
      '--lock',
      lock,
      '-o',
      join(out, 'b.tar.gz'),
      '--index-url',
      s.indexUrl,
      '--tuf-url',
      s.tufUrl,
      '--now',
      NOW,
      '--policy',
      p,
      '--json',
    ],
    { env: FAST_ENV },
  );
  return { r, out };
}

test('bundle --policy: a publisher outside the policy refuses the bundle before anything is written', async () => {
  const { r, out } = await bundleWith(policyToml({ rfc8785Sha256: rfcSha, githubRepo: 'someone/else' }));
  assert.equal(r.code, 1, r.stderr);
  const report = validateSchema<VerifyReport>('verify-report', JSON.parse(r.stdout), 'stdout');
  assert.equal(report.files.find((f) => f.project === 'pypi-attestations')?.verdict, 'refused');
  assert.deepEqual(await readdir(out), []);
});

test('bundle --policy: missing provenance where the policy requires it refuses the bundle', async () => {
  const { r, out } = await bundleWith('');
  assert.equal(r.code, 1);
  const report = JSON.parse(r.stdout) as VerifyReport;
  assert.equal(report.files.find((f) => f.project === 'rfc8785')?.code, 'NO_PROVENANCE');
  assert.deepEqual(await readdir(out), []);
});

test('bundle --policy: a bundle the policy accepts is written', async () => {
  const { r, out } = await bundleWith(policyToml({ rfc8785Sha256: rfcSha }));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await readdir(out), ['b.tar.gz']);
});
