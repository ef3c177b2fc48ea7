import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parsePolicy } from '../../lib/policy/index.ts';
import { validateSchema } from '../../lib/schemas.ts';
import { verifyBundleFile, type VerifyReport } from '../../lib/verify/index.ts';
import { PYPI, TUF_2025, TUF_STAGING } from '../helpers/fixtures.ts';
import { startIndexServer, type IndexServer } from '../helpers/index-server.ts';
import {
  makeBundle,
  NOW,
  policyToml,
  removeTempDirs,
  repack,
  repackRaw,
  sha256,
  snapshot,
  tempDir,
  unpack,
  type Unpacked,
} from './helpers.ts';

// Each member of a good bundle changed in turn. With the manifest rewritten
// to match (the manifest is not signed: whoever changes a member can change
// it too) the change must still be caught by what decides, each with its
// code and naming the file; without, the reader refuses the archive and no
// file is accepted. The state is never touched by a refused run.

let s: IndexServer;
let good: Unpacked;
let archive: string;
let policyBytes: Buffer;

const SDIST = 'pypi_attestations-0.0.19.tar.gz';
const GITLAB = 'gitlab_oidc_project-0.0.3.tar.gz';
const WHEEL = 'rfc8785-0.1.2-py3-none-any.whl';

before(async () => {
  s = await startIndexServer();
  archive = await makeBundle(s);
  good = await unpack(archive);
  policyBytes = Buffer.from(policyToml({ rfc8785Sha256: s.dists.find((d) => d.project === 'rfc8785')!.sha256 }));
});
after(async () => {
  await s.close();
  await removeTempDirs();
});

async function verify(path: string, state?: string, jobs = 2): Promise<{ report: VerifyReport; state: string }> {
  const stateDir = state ?? (await tempDir());
  const outcome = await verifyBundleFile(path, {
    now: new Date(NOW),
    nowSource: '--now',
    graceMs: 0,
    stateDir,
    policy: parsePolicy(policyBytes, 'policy.toml'),
    jobs,
  });
  validateSchema('verify-report', JSON.parse(JSON.stringify(outcome.report)), 'report');
  return { report: outcome.report, state: stateDir };
}

function verdictOf(r: VerifyReport, filename: string) {
  const f = r.files.find((x) => x.filename === filename);
  assert.ok(f, `the report names ${filename}`);
  return f;
}

async function refusedWith(path: string, filename: string, code: string | RegExp): Promise<VerifyReport> {
  const { report, state } = await verify(path);
  const f = verdictOf(report, filename);
  assert.equal(f.verdict, 'refused', JSON.stringify(f));
  if (typeof code === 'string') assert.equal(f.code, code, f.message);
  else assert.match(f.code!, code, f.message);
  assert.equal(report.ok, false);
  assert.deepEqual(await snapshot(state), {}, 'nothing committed, nothing written');
  return report;
}

test(
  'the untouched bundle is accepted, and its wheel core metadata dropped (the stub is not the wheel ' + 'METADATA)',
  async () => {
    const { report } = await verify(archive);
    assert.deepEqual(
      report.files.map((f) => f.verdict),
      ['accepted', 'accepted', 'accepted'],
    );
  },
);

test('verdicts do not depend on how many files are checked at once', async () => {
  const path = await repack(good, async (w) => {
    await w.remove(w.file(GITLAB).f.provenance!);
  });
  const one = (await verify(path, undefined, 1)).report;
  const many = (await verify(path, undefined, 8)).report;
  assert.deepEqual(many, one);
});

test('core metadata byte-equal to the METADATA inside the verified wheel is kept', async () => {
  const path = await repack(good, async (w) => {
    const { f } = w.file(WHEEL);
    const { readWheel } = await import('../../lib/verify/index.ts');
    const wheel = await readWheel(w.path(f.path), f.path);
    await w.write(f.coreMetadata!, Buffer.from(wheel.metadata!));
  });
  const { report } = await verify(path);
  const f = verdictOf(report, WHEEL);
  assert.equal(f.verdict, 'accepted');
  assert.equal(f.coreMetadataMember, 'packages/rfc8785/rfc8785-0.1.2-py3-none-any.whl.metadata');
  assert.equal(f.dropped, undefined);
});

test('manifest rewritten: a distribution byte changed', async () => {
  const path = await repack(good, async (w) => {
    const { f } = w.file(SDIST);
    const b = await w.read(f.path);
    b[b.length - 1]! ^= 1;
    await w.write(f.path, b);
  });
  // The (unauthenticated) index page still gives the old digest: caught there first.
  await refusedWith(path, SDIST, 'INDEX_MISMATCH');
});

test('manifest and index page rewritten: a distribution byte changed is caught by its provenance', async () => {
  const path = await repack(good, async (w) => {
    const { pkg, f } = w.file(SDIST);
    const b = await w.read(f.path);
    b[b.length - 1]! ^= 1;
    await w.write(f.path, b);
    const page = JSON.parse((await w.read(pkg.indexPage!)).toString());
    for (const x of page.files) if (x.filename === SDIST) x.hashes.sha256 = sha256(b);
    await w.write(pkg.indexPage!, JSON.stringify(page));
  });
  await refusedWith(path, SDIST, 'DIGEST_MISMATCH');
});

test("manifest rewritten: a provenance replaced by another project's", async () => {
  const path = await repack(good, async (w) => {
    const a = w.file(SDIST).f;
    const b = w.file(GITLAB).f;
    await w.write(a.provenance!, await w.read(b.provenance!));
  });
  await refusedWith(path, SDIST, /^(SUBJECT_NAME|DIGEST_MISMATCH)$/);
});

test('manifest rewritten: a provenance removed', async () => {
  const path = await repack(good, async (w) => {
    await w.remove(w.file(GITLAB).f.provenance!);
  });
  await refusedWith(path, GITLAB, 'NO_PROVENANCE');
});

test('manifest rewritten: an index page giving another size', async () => {
  const path = await repack(good, async (w) => {
    const { pkg } = w.file(GITLAB);
    const page = JSON.parse((await w.read(pkg.indexPage!)).toString());
    page.files[0].size += 1;
    await w.write(pkg.indexPage!, JSON.stringify(page));
  });
  const r = await refusedWith(path, GITLAB, 'INDEX_MISMATCH');
  assert.match(verdictOf(r, GITLAB).message!, /index\/gitlab-oidc-project\.json/);
});

test('manifest rewritten: a core-metadata file changed is dropped, never served', async () => {
  const path = await repack(good, async (w) => {
    await w.write(w.file(WHEEL).f.coreMetadata!, 'Metadata-Version: 2.1\nName: rfc8785\nVersion: 9.9.9\n');
  });
  const { report } = await verify(path);
  const f = verdictOf(report, WHEEL);
  assert.equal(f.coreMetadataMember, undefined);
  assert.match(f.dropped![0]!.reason, /differs from/);
});

test('manifest rewritten: an unattested distribution added', async () => {
  const path = await repack(good, async (w) => {
    const bytes = await readFile(PYPI(GITLAB));
    const p = 'packages/evil/evil-1.0.tar.gz';
    await w.write(p, bytes);
    w.manifest.packages.push({
      name: 'evil',
      version: '1.0',
      files: [{ filename: 'evil-1.0.tar.gz', path: p, sha256: sha256(bytes), size: bytes.length }],
    });
    w.manifest.packages.sort((a, b) => a.name.localeCompare(b.name));
  });
  await refusedWith(path, 'evil-1.0.tar.gz', 'NO_PROVENANCE');
});

async function tufFailure(edit: (w: import('./helpers.ts').Workspace) => Promise<void>, code: RegExp): Promise<void> {
  const path = await repack(good, edit);
  const { report, state } = await verify(path);
  assert.match(report.failure?.code ?? '', code, JSON.stringify(report.failure));
  assert.deepEqual(
    report.files.map((f) => f.verdict),
    ['not-verified', 'not-verified', 'not-verified'],
  );
  assert.ok(report.files.every((f) => f.code === report.failure!.code));
  assert.deepEqual(await snapshot(state), {});
}

test('manifest rewritten: the TUF timestamp replaced by an older one', async () => {
  await tufFailure(
    async (w) => w.write('tuf/metadata/timestamp.json', await readFile(join(TUF_2025(), 'metadata', 'timestamp.json'))),
    /^TUF_(ROLLBACK|VERSION_MISMATCH|HASH_MISMATCH|LENGTH_MISMATCH|EXPIRED)$/,
  );
});

test("manifest rewritten: the trusted root target replaced by another instance's", async () => {
  await tufFailure(async (w) => {
    const name = (await import('node:fs/promises')).readdir;
    const targets = await name(join(w.dir, 'tuf', 'targets'));
    const mine = targets.find((t) => t.endsWith('.trusted_root.json'))!;
    const staging = (await name(join(TUF_STAGING(), 'targets'))).find((t) => t.endsWith('.trusted_root.json'))!;
    await w.write(`tuf/targets/${mine}`, await readFile(join(TUF_STAGING(), 'targets', staging)));
  }, /^TUF_(HASH|LENGTH)_MISMATCH$/);
});

test('manifest rewritten: a TUF root removed', async () => {
  await tufFailure(async (w) => w.remove('tuf/metadata/15.root.json'), /^TUF_/);
});

test('manifest not rewritten: the reader refuses the archive and no file is accepted', async () => {
  const member = good.manifest.packages.find((p) => p.name === 'pypi-attestations')!.files[0]!.path;
  const body = await readFile(join(good.dir, ...member.split('/')));
  body[10]! ^= 1;
  const path = await repackRaw(archive, { [member]: body });
  const { report, state } = await verify(path);
  assert.equal(report.failure?.code, 'MEMBER_DIGEST_MISMATCH');
  assert.equal(report.failure?.file, member);
  assert.deepEqual(
    report.files.map((f) => f.verdict),
    ['not-verified', 'not-verified', 'not-verified'],
  );
  assert.deepEqual(await snapshot(state), {});
});
