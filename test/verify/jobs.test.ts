import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { TASKS_PER_WORKER } from '../../lib/verify/workers.ts';
import { runCli } from '../helpers/cli.ts';
import { PrivateSigstore } from '../helpers/private-sigstore.ts';
import { removeTempDirs, tempDir } from './helpers.ts';

// `verify --jobs`: with enough files for a worker (lib/verify/workers.ts), the
// provenance checks run on a worker thread and this thread at once, and the
// report is the same as with --jobs 1, refusals included. (How many files the
// worker takes depends on timing; test/verify/workers.test.ts drives workers
// directly, every answer compared.)

after(removeTempDirs);

const sha = (b: string) => createHash('sha256').update(b).digest('hex');

test('the same report with --jobs 1 and --jobs 2 on a bundle large enough to start a worker', {
  timeout: 600_000,
}, async () => {
  const sig = await PrivateSigstore.create();
  const repo = await sig.tufRepo();
  try {
    const dir = await tempDir();
    const from = join(dir, 'in');
    await mkdir(from);
    const files = Array.from({ length: TASKS_PER_WORKER + 20 }, (_, i) => ({
      filename: `p${i}-1.0.tar.gz`,
      body: `release ${i}\n`,
    }));
    const prov = await sig.provenance(
      files.map((f) => ({ filename: f.filename, sha256: sha(f.body) })),
      { kind: 'GitHub', repository: 'acme/demo', workflow: 'release.yml' },
    );
    for (const [i, f] of files.entries()) {
      // Every 17th file carries the provenance of its neighbour: refused (another file's digest).
      const p = i % 17 === 5 ? prov.get(files[i + 1]!.filename)! : prov.get(f.filename)!;
      await writeFile(join(from, f.filename), f.body);
      await writeFile(join(from, `${f.filename}.provenance`), p);
    }
    const root = repo.path('metadata', '1.root.json');
    const archive = join(dir, 'bundle.tar');
    const b = await runCli(['bundle', '--from-dir', from, '--tuf-dir', repo.dir, '--root', root, '-o', archive]);
    assert.equal(b.code, 0, b.stderr);
    const policy = join(dir, 'policy.toml');
    await writeFile(
      policy,
      '[defaults]\nrequire = "attested"\n' +
        'publishers = [{ kind = "GitHub", repository = "acme/demo", workflow = "release.yml" }]\n',
    );
    const reports = [];
    for (const jobs of ['1', '2']) {
      const args = ['verify', archive, '--root', root, '--policy', policy, '--json', '--jobs', jobs];
      const r = await runCli([...args, '--state', await tempDir(), '--now', '2026-12-01T00:00:00Z']);
      assert.equal(r.code, 1, r.stderr);
      reports.push(JSON.parse(r.stdout));
    }
    const [one, two] = reports;
    assert.equal(one.files.length, files.length);
    assert.ok(one.summary.refused > 0 && one.summary.accepted > 0, JSON.stringify(one.summary));
    assert.deepEqual(two, one);
  } finally {
    await repo.cleanup();
  }
});
