import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { validateSchema } from '../../lib/schemas.ts';
import type { VerifyReport } from '../../lib/verify/index.ts';
import { runCli } from '../helpers/cli.ts';
import { createSigstoreInstance, OID, type SigstoreTestInstance } from '../helpers/sigstore-fixtures.ts';
import { TestTufRepo } from '../helpers/tuf-repo.ts';
import { removeTempDirs, snapshot, tempDir } from './helpers.ts';
import { makeZip } from './zip.ts';

// A project's publisher changing between two bundles, end to end: a Sigstore
// instance generated here (CA, CT log, Rekor log) signs PEP 740 provenance for
// two GitHub publishers; its trusted_root.json is served through a TUF
// repository signed with generated keys, whose root the commands pin with
// --root. Bundles are made by `airlock bundle --from-dir`.

const FILE = 'demo-1.0.tar.gz';
const BUILD_CONFIG = '1.3.6.1.4.1.57264.1.18';
const DIST = Buffer.from('not really an sdist, but the bytes the attestations are about\n');
const DIST_SHA = createHash('sha256').update(DIST).digest('hex');

let sig: SigstoreTestInstance;
let repo: TestTufRepo;
let rootFile: string;

before(async () => {
  sig = await createSigstoreInstance();
  repo = await TestTufRepo.create();
  repo.files.set('trusted_root.json', Buffer.from(JSON.stringify(sig.trustedRoot())));
  await repo.write();
  rootFile = repo.path('metadata', '1.root.json');
});
after(async () => {
  await repo.cleanup();
  await removeTempDirs();
});

/**
 * A provenance object (PyPI Integrity API format) for DIST, signed as GitHub repository `repo`, workflow release.yml.
 */
async function provenance(repository: string, file = FILE, sha256 = DIST_SHA): Promise<Buffer> {
  const ref = 'refs/tags/v1.0';
  const workflowUri = `https://github.com/${repository}/.github/workflows/release.yml@${ref}`;
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: file, digest: { sha256 } }],
    predicateType: 'https://docs.pypi.org/attestations/publish/v1',
    predicate: null,
  };
  const bundle = await sig.signDsse(JSON.stringify(statement), {
    identity: workflowUri,
    extensions: [
      { oid: OID.sourceRepositoryURI, value: `https://github.com/${repository}` },
      { oid: OID.sourceRepositoryRef, value: ref },
      { oid: BUILD_CONFIG, value: workflowUri },
    ],
  });
  const att = {
    version: 1,
    verification_material: {
      certificate: bundle.verificationMaterial.certificate.rawBytes,
      transparency_entries: bundle.verificationMaterial.tlogEntries,
    },
    envelope: { statement: bundle.dsseEnvelope.payload, signature: bundle.dsseEnvelope.signatures[0].sig },
  };
  const prov = {
    version: 1,
    attestation_bundles: [
      { publisher: { kind: 'GitHub', repository, workflow: 'release.yml', environment: null }, attestations: [att] },
    ],
  };
  return Buffer.from(JSON.stringify(prov));
}

async function bundleFor(repository: string): Promise<string> {
  const dir = await tempDir();
  const from = join(dir, 'in');
  await mkdir(from);
  await writeFile(join(from, FILE), DIST);
  await writeFile(join(from, `${FILE}.provenance`), await provenance(repository));
  const out = join(dir, 'bundle.tar');
  const r = await runCli(['bundle', '--from-dir', from, '--tuf-dir', repo.dir, '--root', rootFile, '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  return out;
}

const WHEEL = 'demo-1.0-py3-none-any.whl';
const WHEEL_BYTES = makeZip([
  { name: 'demo/__init__.py', data: Buffer.from('') },
  { name: 'demo-1.0.dist-info/METADATA', data: Buffer.from('Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n') },
]);

/** One release, its sdist and its wheel signed by two different publishers. */
async function splitRelease(): Promise<string> {
  const dir = await tempDir();
  const from = join(dir, 'in');
  await mkdir(from);
  await writeFile(join(from, FILE), DIST);
  await writeFile(join(from, `${FILE}.provenance`), await provenance('acme/app'));
  await writeFile(join(from, WHEEL), WHEEL_BYTES);
  const wheelSha = createHash('sha256').update(WHEEL_BYTES).digest('hex');
  await writeFile(join(from, `${WHEEL}.provenance`), await provenance('mallory/app', WHEEL, wheelSha));
  const out = join(dir, 'bundle.tar');
  const r = await runCli(['bundle', '--from-dir', from, '--tuf-dir', repo.dir, '--root', rootFile, '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  return out;
}

async function verify(archive: string, state: string, extra: string[] = []) {
  const r = await runCli(['verify', archive, '--root', rootFile, '--state', state, '--json', ...extra]);
  const report = validateSchema<VerifyReport>('verify-report', JSON.parse(r.stdout), 'stdout');
  return { code: r.code, report, file: report.files[0]! };
}

test('a pinned publisher that changes: PUBLISHER_CHANGED, accepted after --accept-change and recorded', async () => {
  const state = await tempDir();
  const first = await bundleFor('acme/app');
  const second = await bundleFor('mallory/app');

  const unpinned = await verify(first, state);
  assert.equal(unpinned.file.code, 'PUBLISHER_UNPINNED', unpinned.file.message);
  assert.match(unpinned.file.message!, /acme\/app/);

  const tofu = await verify(first, state, ['--accept-new']);
  assert.equal(tofu.code, 0, JSON.stringify(tofu.file));
  assert.deepEqual(tofu.file.publisher, { kind: 'GitHub', repository: 'acme/app', workflow: 'release.yml' });

  const pinned = await snapshot(state);
  const changed = await verify(second, state);
  assert.equal(changed.code, 1);
  assert.equal(changed.file.code, 'PUBLISHER_CHANGED', changed.file.message);
  assert.match(changed.file.message!, /mallory\/app/);
  assert.deepEqual(await snapshot(state), pinned, 'a refused run leaves the pins as they were');

  // --accept-new does not accept a change: only the operator's explicit --accept-change does.
  assert.equal((await verify(second, state, ['--accept-new'])).file.code, 'PUBLISHER_CHANGED');
  const accepted = await verify(second, state, ['--accept-change', 'demo']);
  assert.equal(accepted.code, 0, JSON.stringify(accepted.file));
  assert.equal(accepted.report.pinEvents[0]?.kind, 'accept-change');

  // From now on the new publisher is the pin, and the old one is the change.
  assert.equal((await verify(second, state)).code, 0);
  assert.equal((await verify(first, state)).file.code, 'PUBLISHER_CHANGED');
});

test('one release from two publishers: PUBLISHER_INCONSISTENT, unless the policy lists each of them', async () => {
  const archive = await splitRelease();
  const tofu = await verify(archive, await tempDir(), ['--accept-new']);
  assert.equal(tofu.code, 1);
  assert.deepEqual(
    tofu.report.files.map((f) => f.code),
    ['PUBLISHER_INCONSISTENT', 'PUBLISHER_INCONSISTENT'],
  );
  const dir = await tempDir();
  const policy = join(dir, 'policy.toml');
  await writeFile(
    policy,
    `[projects.demo]\npublishers = [\n  { kind = "GitHub", repository = "acme/app", workflow = "release.yml" },\n` +
      `  { kind = "GitHub", repository = "mallory/app", workflow = "release.yml" },\n]\n`,
  );
  const listed = await verify(archive, await tempDir(), ['--policy', policy]);
  assert.equal(listed.code, 0, JSON.stringify(listed.report.files));
});
