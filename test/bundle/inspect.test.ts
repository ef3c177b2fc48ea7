import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeBundle } from '../../lib/bundle/index.ts';
import { validateSchema } from '../../lib/schemas.ts';
import { runCli } from '../helpers/cli.ts';
import { asEntries, manifestFor, member, packTar, sha256, withManifest } from '../helpers/tar.ts';
import { fixtureMembers } from './fixture-members.ts';
import type { Json } from '../helpers/loose-json.ts';

let root: string;
let good: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'airlock-inspect-'));
  const { members, input } = await fixtureMembers();
  good = join(root, 'good.tar.gz');
  await writeBundle(good, input, members);
});
after(() => rm(root, { recursive: true, force: true }));

describe('airlock inspect', () => {
  test('lists packages, provenance publishers, TUF and members, and says it verified nothing', async () => {
    const r = await runCli(['inspect', good]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const out = r.stdout;
    assert.match(out, /^Bundle .*good\.tar\.gz \(tar, gzip, \d+ bytes\)\nNOT VERIFIED: /);
    assert.match(out, /no signature, provenance or TUF metadata was verified/);
    assert.match(out, /Packages \(2, 2 files, 1 with provenance\):/);
    assert.match(
      out,
      new RegExp(
        String.raw` {2}pypi-attestations 0\.0\.19\n {4}pypi_attestations-0\.0\.19\.tar\.gz {2}29882 bytes ` +
          String.raw`{2}sha256 9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3\n {6}provenance: ` +
          String.raw`publisher GitHub trailofbits\/pypi-attestations workflow release\.yml \(claimed, not ` +
          String.raw`verified\)\n`,
      ),
    );
    assert.match(
      out,
      new RegExp(
        String.raw` {2}rfc8785 0\.1\.2 {2}\(index page index\/rfc8785\.json\)\n ` +
          String.raw`{4}rfc8785-0\.1\.2-py3-none-any\.whl {2}\d+ bytes {2}sha256 [0-9a-f]{64}\n {6}provenance: ` +
          String.raw`none\n`,
      ),
    );
    assert.match(
      out,
      new RegExp(
        String.raw`TUF \(public-good\): root v15, from pinned root public-good v15\n {2}timestamp v762, expires ` +
          String.raw`2026-08-28T19:25:56Z\n {2}snapshot v165`,
      ),
    );
    assert.match(
      out,
      new RegExp(
        String.raw`6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66 +\d+ {2}tuf-target ` +
          String.raw`{6}tuf\/targets\/6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66\.trusted_root` +
          String.raw`\.json`,
      ),
    );
  });

  test('--json matches schemas/inspect-report.schema.json', async () => {
    const r = await runCli(['inspect', good, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = validateSchema<Json>('inspect-report', JSON.parse(r.stdout), 'stdout');
    assert.equal(report.verified, false);
    assert.equal(report.bundle.compression, 'gzip');
    const sdist = report.packages[0].files[0];
    assert.deepEqual(sdist.provenance, {
      path: 'packages/pypi-attestations/pypi_attestations-0.0.19.tar.gz.provenance',
      publishers: [
        { kind: 'GitHub', repository: 'trailofbits/pypi-attestations', workflow: 'release.yml', environment: null },
      ],
    });
    assert.equal(report.packages[1].files[0].provenance, null);
    assert.equal(report.tuf.timestamp.version, 762);
    assert.equal(report.totals.withProvenance, 1);
    assert.equal(report.members.length, report.totals.members);
  });

  test('a provenance member that is not JSON is listed with the reason', async () => {
    const dist = member('packages/demo/demo-1.0.tar.gz', 'sdist bytes');
    const prov = member('packages/demo/demo-1.0.tar.gz.provenance', 'not json');
    const m = manifestFor([dist, prov], {
      packages: [
        {
          name: 'demo',
          version: '1.0',
          files: [
            {
              filename: 'demo-1.0.tar.gz',
              path: dist.path,
              size: dist.body.length,
              sha256: sha256(dist.body),
              provenance: prov.path,
            },
          ],
        },
      ],
    });
    const path = join(root, 'badprov.tar');
    await writeFile(path, await packTar(withManifest([dist, prov], asEntries([dist, prov]), m)));
    const r = await runCli(['inspect', path, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = validateSchema<Json>('inspect-report', JSON.parse(r.stdout), 'stdout');
    assert.deepEqual(report.packages[0].files[0].provenance, {
      path: prov.path,
      publishers: [],
      error: 'not valid JSON',
    });
  });

  test('a tampered member: exit 1, one line naming the member, nothing on stdout', async () => {
    const ts = member('tuf/metadata/timestamp.json', '{"signed":{}}');
    const tampered = { name: ts.path, body: '{"signed":[]}' };
    const path = join(root, 'tampered.tar');
    await writeFile(path, await packTar(withManifest([ts], [tampered])));
    const r = await runCli(['inspect', path]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      new RegExp(
        String.raw`^airlock: MEMBER_DIGEST_MISMATCH: tuf\/metadata\/timestamp\.json: ` +
          String.raw`tuf\/metadata\/timestamp\.json has sha256 [0-9a-f]{64}, the manifest lists [0-9a-f]{64}\n$`,
      ),
    );
  });

  test('a path escaping the folder: exit 1', async () => {
    const ts = member('tuf/metadata/timestamp.json', '{}');
    const path = join(root, 'escape.tar');
    await writeFile(path, await packTar(withManifest([ts], [{ name: '../../etc/passwd', body: 'x' }])));
    const r = await runCli(['inspect', path]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "airlock: ARCHIVE_UNSAFE_PATH: ../../etc/passwd: unsafe member path: '..' path segment\n");
  });

  test('appended data with --json: exit 1 and the error as JSON', async () => {
    const path = join(root, 'appended.tar.gz');
    await writeFile(path, Buffer.concat([await readFile(good), Buffer.from('more')]));
    const r = await runCli(['inspect', path, '--json']);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).error.code, 'ARCHIVE_TRAILING_DATA');
    assert.match(
      r.stderr,
      /^airlock: ARCHIVE_TRAILING_DATA: .*appended\.tar\.gz: data after the end of the gzip stream at offset \d+$/m,
    );
  });

  test('not a tar archive: exit 2', async () => {
    const path = join(root, 'text.tar');
    await writeFile(path, 'hello\n'.repeat(200));
    const r = await runCli(['inspect', path]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^airlock: ARCHIVE_UNREADABLE: .*text\.tar: not a tar archive \(header checksum mismatch\)/);
    assert.doesNotMatch(r.stderr, /\n.+/);
  });

  test('a missing file: exit 2', async () => {
    const r = await runCli(['inspect', join(root, 'nope.tar')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^airlock: INPUT_UNREADABLE: .*nope\.tar: cannot read \(ENOENT\)\n$/);
  });
});
