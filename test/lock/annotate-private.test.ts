import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AnnotateReport } from '../../lib/cli/handlers/lock.ts';
import { validateSchema } from '../../lib/schemas.ts';
import { runCli } from '../helpers/cli.ts';
import { startIndexServer, type DistFixture, type IndexServer } from '../helpers/index-server.ts';
import { PrivateSigstore, type PrivatePublisher } from '../helpers/private-sigstore.ts';
import type { TestTufRepo } from '../helpers/tuf-repo.ts';
import { FAST_ENV, freshDirs, removeDirs } from '../bundle-cmd/helpers.ts';

// `lock annotate` with a private Sigstore deployment (own CA, logs and TUF
// root, --tuf-dir and --root): files whose publishers the test chooses, to
// show a package whose files differ, one with an environment, and one whose
// files do not all have provenance.

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let sig: PrivateSigstore;
let repo: TestTufRepo;
let server: IndexServer;
let dists: DistFixture[];

const ACME: PrivatePublisher = { kind: 'GitHub', repository: 'acme/demo', workflow: 'release.yml' };
const FORK: PrivatePublisher = { kind: 'GitHub', repository: 'someone/demo', workflow: 'release.yml' };
const LAB: PrivatePublisher = {
  kind: 'GitLab',
  repository: 'acme/group/lab',
  workflow_filepath: 'ci/release.yml',
  environment: 'production',
};

function dist(project: string, version: string, filename: string): DistFixture {
  const bytes = Buffer.from(`${filename} contents\n`);
  const metadata = Buffer.from(`Metadata-Version: 2.1\nName: ${project}\nVersion: ${version}\n`);
  return { project, version, filename, bytes, sha256: sha(bytes), metadata, metadataSha256: sha(metadata) };
}

async function sign(files: DistFixture[], publisher: PrivatePublisher): Promise<void> {
  const prov = await sig.provenance(
    files.map((f) => ({ filename: f.filename, sha256: f.sha256 })),
    publisher,
  );
  for (const f of files) f.provenance = prov.get(f.filename)!;
}

before(async () => {
  sig = await PrivateSigstore.create();
  repo = await sig.tufRepo();
  const mixed = [dist('mixed', '1.0', 'mixed-1.0.tar.gz'), dist('mixed', '1.0', 'mixed-1.0-py3-none-any.whl')];
  const lab = [dist('lab', '2.0', 'lab-2.0.tar.gz'), dist('lab', '2.0', 'lab-2.0-py3-none-any.whl')];
  const half = [dist('half', '3.0', 'half-3.0.tar.gz'), dist('half', '3.0', 'half-3.0-py3-none-any.whl')];
  await sign([mixed[0]!, half[0]!], ACME);
  await sign([mixed[1]!], FORK);
  await sign(lab, LAB);
  dists = [...mixed, ...lab, ...half];
  server = await startIndexServer({ dists, tufDir: repo.dir });
});
after(async () => {
  await server.close();
  await repo.cleanup();
  await removeDirs();
});

function pylock(): string {
  const projects = [...new Set(dists.map((d) => d.project))];
  const blocks = projects.map((p) => {
    const files = dists.filter((d) => d.project === p);
    const entry = (d: DistFixture) => `{ name = "${d.filename}", hashes = { sha256 = "${d.sha256}" } }`;
    const sdist = files.find((d) => d.filename.endsWith('.tar.gz'))!;
    const wheels = files.filter((d) => d.filename.endsWith('.whl'));
    return `[[packages]]\nname = "${p}"\nversion = "${files[0]!.version}"\nsdist = ${entry(sdist)}\nwheels = [${wheels.map(entry).join(', ')}]\n`;
  });
  return `lock-version = "1.0"\n\n${blocks.join('\n')}`;
}

test('files of one package from different publishers, or without provenance, are reported and not annotated; an environment is kept', async () => {
  const { inputs } = await freshDirs();
  const lock = join(inputs, 'pylock.toml');
  const text = pylock();
  await writeFile(lock, text);
  const now = new Date(sig.instance.time.getTime() + 120_000).toISOString();
  const r = await runCli(
    [
      'lock',
      'annotate',
      lock,
      '--index-url',
      server.indexUrl,
      '--tuf-dir',
      repo.dir,
      '--root',
      repo.path('metadata', '1.root.json'),
      '--now',
      now,
      '--json',
    ],
    { env: FAST_ENV },
  );
  assert.equal(r.code, 1, r.stderr);
  const rep = validateSchema<AnnotateReport>('lock-annotate-report', JSON.parse(r.stdout), 'stdout');
  const byName = new Map(rep.packages.map((p) => [p.name, p]));

  const mixed = byName.get('mixed')!;
  assert.deepEqual([mixed.status, mixed.code], ['not-annotated', 'LOCK_PUBLISHERS_DIFFER']);
  assert.match(mixed.message!, /mixed-1\.0\.tar\.gz: GitHub acme\/demo workflow release\.yml/);
  assert.match(mixed.message!, /mixed-1\.0-py3-none-any\.whl: GitHub someone\/demo workflow release\.yml/);
  assert.equal(mixed.publishers!.length, 2);

  const half = byName.get('half')!;
  assert.deepEqual([half.status, half.code], ['not-annotated', 'LOCK_NO_PROVENANCE']);
  assert.match(half.message!, /half-3\.0-py3-none-any\.whl has no provenance/);

  const lab = byName.get('lab')!;
  assert.equal(lab.status, 'annotated');
  assert.deepEqual(lab.identities, [
    {
      kind: 'GitLab',
      repository: 'acme/group/lab',
      workflow_filepath: 'ci/release.yml',
      environment: 'production',
    },
  ]);
  const out = await readFile(lock, 'utf8');
  assert.equal(out.replace(lab.added!, ''), text);
  assert.ok(
    lab.added!.startsWith(
      'attestation-identities = [{ kind = "GitLab", repository = "acme/group/lab", ' +
        'workflow_filepath = "ci/release.yml", environment = "production" }]',
    ),
  );
});
