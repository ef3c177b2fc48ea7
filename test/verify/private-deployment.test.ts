import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { validateSchema } from '../../lib/schemas.ts';
import type { VerifyReport } from '../../lib/verify/index.ts';
import { runCli } from '../helpers/cli.ts';
import { PrivateSigstore } from '../helpers/private-sigstore.ts';
import type { TestTufRepo } from '../helpers/tuf-repo.ts';
import { removeTempDirs, tempDir } from './helpers.ts';

// airlock with a private Sigstore deployment (own CA, CT log, Rekor log, and a
// TUF repository with its own root serving the matching trusted_root.json):
// files signed by it are bundled with --tuf-dir and --root, then verified with
// --root and a policy naming their publishers. Nothing of the public-good
// instance is involved.

let sig: PrivateSigstore;
let repo: TestTufRepo;
let rootFile: string;

before(async () => {
  sig = await PrivateSigstore.create();
  repo = await sig.tufRepo();
  rootFile = repo.path('metadata', '1.root.json');
});
after(async () => {
  await repo.cleanup();
  await removeTempDirs();
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test(
  'a private deployment: bundle --from-dir --tuf-dir --root, then verify --root --policy accepts its GitHub and ' +
    'GitLab files',
  async () => {
    const dir = await tempDir();
    const from = join(dir, 'in');
    await mkdir(from);
    const files = Array.from({ length: 6 }, (_, i) => ({
      filename: `demo${i % 2 === 0 ? '' : '_lab'}-1.${i}.tar.gz`,
      bytes: Buffer.from(`release ${i}\n`),
    }));
    const github = files.filter((_, i) => i % 2 === 0);
    const gitlab = files.filter((_, i) => i % 2 === 1);
    const prov = new Map([
      ...(await sig.provenance(
        github.map((f) => ({ filename: f.filename, sha256: sha(f.bytes) })),
        { kind: 'GitHub', repository: 'acme/demo', workflow: 'release.yml' },
      )),
      ...(await sig.provenance(
        gitlab.map((f) => ({ filename: f.filename, sha256: sha(f.bytes) })),
        { kind: 'GitLab', repository: 'acme/demo-lab', workflow_filepath: '.gitlab-ci.yml' },
      )),
    ]);
    for (const f of files) {
      await writeFile(join(from, f.filename), f.bytes);
      await writeFile(join(from, `${f.filename}.provenance`), prov.get(f.filename)!);
    }
    const archive = join(dir, 'bundle.tar');
    const b = await runCli(['bundle', '--from-dir', from, '--tuf-dir', repo.dir, '--root', rootFile, '-o', archive]);
    assert.equal(b.code, 0, b.stderr);

    const policy = join(dir, 'policy.toml');
    await writeFile(
      policy,
      [
        '[defaults]',
        'require = "attested"',
        '[projects.demo]',
        'publishers = [{ kind = "GitHub", repository = "acme/demo", workflow = "release.yml" }]',
        '[projects.demo-lab]',
        'publishers = [{ kind = "GitLab", repository = "acme/demo-lab", workflow_filepath = ".gitlab-ci.yml" }]',
        '',
      ].join('\n'),
    );
    const state = await tempDir();
    const r = await runCli(['verify', archive, '--root', rootFile, '--policy', policy, '--state', state, '--json']);
    const report = validateSchema<VerifyReport>('verify-report', JSON.parse(r.stdout), 'stdout');
    assert.equal(r.code, 0, r.stderr + JSON.stringify(report.files.filter((f) => f.verdict !== 'accepted')));
    assert.equal(report.files.length, 6);
    for (const f of report.files) assert.equal(f.verdict, 'accepted', `${f.filename}: ${f.code} ${f.message}`);
    assert.deepEqual(report.files.map((f) => f.publisher?.kind).sort(), [
      'GitHub',
      'GitHub',
      'GitHub',
      'GitLab',
      'GitLab',
      'GitLab',
    ]);

    // The public-good root does not know this deployment: the same bundle is refused.
    const other = await runCli(['verify', archive, '--policy', policy, '--state', await tempDir(), '--json']);
    assert.notEqual(other.code, 0);
  },
);
