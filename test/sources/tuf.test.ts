import assert from 'node:assert/strict';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tempDir } from './tmp.ts';
import { collectTuf } from '../../lib/sources/tuf-verify.ts';
import { loadPinnedRoot, type PinnedRoot } from '../../lib/tuf/index.ts';
import { sha256File } from '../../lib/util/digest.ts';
import { TUF_2026, TUF_2026_BUNDLED, TUF_STAGING } from '../helpers/fixtures.ts';
import { startIndexServer, type IndexServer } from '../helpers/index-server.ts';

// Sigstore's TUF repository on the connected side: walked over real HTTP in
// the CDN layout from the real 2026 copies by the one updater (lib/tuf), as
// an HTTP RepositorySource (lib/sources/tuf-http.ts); only verified files are
// staged.

const NOW = new Date('2026-08-22T00:00:00Z');
const http = { timeoutMs: 2000, attempts: 2, retryDelayMs: 5 };
let s: IndexServer;

before(async () => {
  s = await startIndexServer();
});
after(() => s.close());

const staging = () => tempDir('airlock-src-tuf-');
const fromUrl = async (url: string, pinned: PinnedRoot, stage: string, now = NOW) =>
  collectTuf({ kind: 'url', url: new URL(url) }, pinned, now, stage, http);
const fromDir = (dir: string, pinned: PinnedRoot) =>
  collectTuf({ kind: 'dir', dir }, pinned, NOW, '/nonexistent', http);

test('fetches from the pinned root to the targets, verifies, and lists exactly the verified files', async () => {
  const pinned = await loadPinnedRoot({ instance: 'public-good' });
  const stage = await staging();
  const { result, members } = await fromUrl(s.tufUrl, pinned, stage);
  assert.deepEqual((await readdir(join(stage, 'tuf', 'metadata'))).sort(), [
    '14.root.json',
    '14.targets.json',
    '15.root.json',
    '165.snapshot.json',
    'timestamp.json',
  ]);
  assert.equal(result.root.version, 15);
  assert.deepEqual([result.timestamp.version, result.snapshot.version, result.targets.version], [762, 165, 14]);
  assert.deepEqual(members.map((m) => m.path).sort(), TUF_2026_BUNDLED);
  for (const m of members) {
    assert.deepEqual(await sha256File(m.localPath), { sha256: m.sha256, size: m.size });
    assert.equal(m.role, m.path.startsWith('tuf/metadata/') ? 'tuf-metadata' : 'tuf-target');
  }
  // Delegated roles the client does not need are never fetched.
  assert.equal(s.hits('/tuf/6.registry.npmjs.org.json'), 0);
});

test('the staging instance from its own pinned root', async () => {
  const st = await startIndexServer({ tufDir: TUF_STAGING() });
  try {
    const pinned = await loadPinnedRoot({ instance: 'staging' });
    const { result } = await fromUrl(st.tufUrl, pinned, await staging());
    assert.deepEqual([result.root.version, result.timestamp.version], [14, 703]);
  } finally {
    await st.close();
  }
});

test('metadata that fails verification keeps its TUF code (expired at --now)', async () => {
  const pinned = await loadPinnedRoot({ instance: 'public-good' });
  const stage = await staging();
  await assert.rejects(fromUrl(s.tufUrl, pinned, stage, new Date('2026-11-25T00:00:00Z')), { code: 'TUF_EXPIRED' });
  // Nothing is staged before the whole copy verified.
  assert.deepEqual(await readdir(stage), []);
});

test('a local --tuf-dir copy, canonical or CDN layout, is bundled from where it lies', async () => {
  const pinned = await loadPinnedRoot({ instance: 'public-good' });
  const canon = await fromDir(TUF_2026(), pinned);
  assert.ok(canon.members.every((m) => m.localPath.startsWith(TUF_2026())));
  const cdn = await tempDir('airlock-src-cdn-');
  await cp(join(TUF_2026(), 'metadata'), cdn, { recursive: true });
  await cp(join(TUF_2026(), 'targets'), join(cdn, 'targets'), { recursive: true });
  const flat = await fromDir(cdn, pinned);
  assert.deepEqual(
    flat.members.map((m) => m.path),
    canon.members.map((m) => m.path),
  );
  for (const m of flat.members) assert.ok(existsSync(m.localPath), m.localPath);
});

// The one updater reads every file (local or HTTP) with the same limits and
// checks: a longer target is TUF_LENGTH_MISMATCH from its length check (the
// message is the updater's), and a timestamp the server does not have (404)
// is TUF_MISSING_FILE as for a local copy (it was HTTP_ERROR from the
// separate HTTP walk).
test(
  'oversized metadata is TUF_TOO_LARGE, a longer target TUF_LENGTH_MISMATCH; a missing timestamp is ' +
    'TUF_MISSING_FILE naming the URL',
  async () => {
    const copy = await tempDir('airlock-src-big-');
    await cp(TUF_2026(), copy, { recursive: true });
    const ts = join(copy, 'metadata', 'timestamp.json');
    await writeFile(ts, (await readFile(ts, 'utf8')) + ' '.repeat(20_000));
    const big = await startIndexServer({ tufDir: copy });
    try {
      const pinned = await loadPinnedRoot({ instance: 'public-good' });
      await assert.rejects(fromUrl(big.tufUrl, pinned, await staging()), {
        code: 'TUF_TOO_LARGE',
        file: `${big.tufUrl}timestamp.json`,
      });
      await cp(join(TUF_2026(), 'metadata', 'timestamp.json'), ts);
      const target = '6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66.trusted_root.json';
      await writeFile(join(copy, 'targets', target), `${await readFile(join(copy, 'targets', target), 'utf8')} `);
      await assert.rejects(fromUrl(big.tufUrl, pinned, await staging()), {
        code: 'TUF_LENGTH_MISMATCH',
        file: `${big.tufUrl}targets/${target}`,
      });
      big.setFault('/tuf/timestamp.json', { kind: 'status', status: 404 });
      await assert.rejects(fromUrl(big.tufUrl, pinned, await staging()), {
        code: 'TUF_MISSING_FILE',
        file: `${big.tufUrl}timestamp.json`,
      });
    } finally {
      await big.close();
    }
  },
);

// Review fix: the targets metadata was not verified while it was fetched; a
// hostile CDN naming a target `../../../tuf/targets/trusted_root.json` made the
// connected side write the file outside the staging folder (beside the output).
// Now nothing is staged before the whole copy verified, and only the targets
// the updater needs (by their verified names) are read at all: the altered
// targets metadata fails its signatures, and nothing is written.
test(
  'a target path from the unverified targets metadata cannot steer the staging write out of the ' + 'folder',
  async () => {
    const copy = await tempDir('airlock-src-escape-');
    await cp(TUF_2026(), copy, { recursive: true });
    const tp = join(copy, 'metadata', '14.targets.json');
    const doc = JSON.parse(await readFile(tp, 'utf8'));
    const evil = '../../../tuf/targets/trusted_root.json';
    doc.signed.targets[evil] = doc.signed.targets['trusted_root.json'];
    await writeFile(tp, JSON.stringify(doc));
    const srv = await startIndexServer({ tufDir: copy });
    try {
      const pinned = await loadPinnedRoot({ instance: 'public-good' });
      const outer = await tempDir('airlock-src-outer-');
      const stage = join(outer, 'a', 'b');
      await mkdir(stage, { recursive: true });
      await assert.rejects(fromUrl(srv.tufUrl, pinned, stage), {
        code: 'TUF_SIGNATURE',
        file: `${srv.tufUrl}14.targets.json`,
      });
      // Nothing beside or above the staging folder.
      const inside = (p: string) => p === 'a' || p === join('a', 'b') || p.startsWith(join('a', 'b', ''));
      assert.deepEqual(
        (await readdir(outer, { recursive: true })).filter((p) => !inside(p)),
        [],
      );
      // A consistent-snapshot target without a sha256 has no safe name either.
      delete doc.signed.targets[evil];
      doc.signed.targets['trusted_root.json'].hashes = { sha512: 'ab'.repeat(64) };
      await writeFile(tp, JSON.stringify(doc));
      await assert.rejects(fromUrl(srv.tufUrl, pinned, await staging()), { code: 'TUF_SIGNATURE' });
    } finally {
      await srv.close();
    }
  },
);
