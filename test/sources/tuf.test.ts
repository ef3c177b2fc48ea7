import assert from 'node:assert/strict';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tempDir } from './tmp.ts';
import { fetchTufRepository } from '../../lib/sources/tuf-fetch.ts';
import { verifyTufCopy } from '../../lib/sources/tuf-verify.ts';
import { loadPinnedRoot } from '../../lib/tuf/index.ts';
import { sha256File } from '../../lib/util/digest.ts';
import { TUF_2026, TUF_2026_BUNDLED, TUF_STAGING } from '../helpers/fixtures.ts';
import { startIndexServer, type IndexServer } from '../helpers/index-server.ts';

// Sigstore's TUF repository on the connected side: fetched over real HTTP in
// the CDN layout from the real 2026 copies, then verified with lib/tuf.

const NOW = new Date('2026-08-22T00:00:00Z');
const http = { timeoutMs: 2000, attempts: 2, retryDelayMs: 5 };
let s: IndexServer;

before(async () => {
  s = await startIndexServer();
});
after(() => s.close());

const staging = () => tempDir('airlock-src-tuf-');

test('fetches from the pinned root to the targets, verifies, and lists exactly the verified files', async () => {
  const pinned = await loadPinnedRoot({ instance: 'public-good' });
  const dir = await fetchTufRepository(new URL(s.tufUrl), pinned, await staging(), http);
  assert.deepEqual((await readdir(join(dir, 'metadata'))).sort(), [
    '14.root.json',
    '14.targets.json',
    '15.root.json',
    '165.snapshot.json',
    'timestamp.json',
  ]);
  const { result, members } = await verifyTufCopy(dir, pinned, NOW);
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
    const dir = await fetchTufRepository(new URL(st.tufUrl), pinned, await staging(), http);
    const { result } = await verifyTufCopy(dir, pinned, NOW);
    assert.deepEqual([result.root.version, result.timestamp.version], [14, 703]);
  } finally {
    await st.close();
  }
});

test('metadata that fails verification keeps its TUF code (expired at --now)', async () => {
  const pinned = await loadPinnedRoot({ instance: 'public-good' });
  const dir = await fetchTufRepository(new URL(s.tufUrl), pinned, await staging(), http);
  await assert.rejects(verifyTufCopy(dir, pinned, new Date('2026-11-25T00:00:00Z')), { code: 'TUF_EXPIRED' });
});

test('a local --tuf-dir copy, canonical or CDN layout, is bundled from where it lies', async () => {
  const pinned = await loadPinnedRoot({ instance: 'public-good' });
  const canon = await verifyTufCopy(TUF_2026(), pinned, NOW);
  assert.ok(canon.members.every((m) => m.localPath.startsWith(TUF_2026())));
  const cdn = await tempDir('airlock-src-cdn-');
  await cp(join(TUF_2026(), 'metadata'), cdn, { recursive: true });
  await cp(join(TUF_2026(), 'targets'), join(cdn, 'targets'), { recursive: true });
  const flat = await verifyTufCopy(cdn, pinned, NOW);
  assert.deepEqual(
    flat.members.map((m) => m.path),
    canon.members.map((m) => m.path),
  );
  for (const m of flat.members) assert.ok(existsSync(m.localPath), m.localPath);
});

test('oversized metadata is TUF_TOO_LARGE, a longer target TUF_LENGTH_MISMATCH; a missing timestamp is HTTP_ERROR naming the URL', async () => {
  const copy = await tempDir('airlock-src-big-');
  await cp(TUF_2026(), copy, { recursive: true });
  const ts = join(copy, 'metadata', 'timestamp.json');
  await writeFile(ts, (await readFile(ts, 'utf8')) + ' '.repeat(20_000));
  const big = await startIndexServer({ tufDir: copy });
  try {
    const pinned = await loadPinnedRoot({ instance: 'public-good' });
    await assert.rejects(fetchTufRepository(new URL(big.tufUrl), pinned, await staging(), http), {
      code: 'TUF_TOO_LARGE',
      file: `${big.tufUrl}timestamp.json`,
    });
    await cp(join(TUF_2026(), 'metadata', 'timestamp.json'), ts);
    const target = '6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66.trusted_root.json';
    await writeFile(join(copy, 'targets', target), (await readFile(join(copy, 'targets', target), 'utf8')) + ' ');
    await assert.rejects(fetchTufRepository(new URL(big.tufUrl), pinned, await staging(), http), {
      code: 'TUF_LENGTH_MISMATCH',
      file: `${big.tufUrl}targets/${target}`,
      message: 'longer than the 6787 bytes the referring metadata records',
    });
    big.setFault('/tuf/timestamp.json', { kind: 'status', status: 404 });
    await assert.rejects(fetchTufRepository(new URL(big.tufUrl), pinned, await staging(), http), {
      code: 'HTTP_ERROR',
      file: `${big.tufUrl}timestamp.json`,
      message: 'HTTP 404 Not Found',
    });
  } finally {
    await big.close();
  }
});

// Review fix: the targets metadata is not verified while it is fetched; a
// hostile CDN naming a target `../../../tuf/targets/trusted_root.json` made the
// connected side write the file outside the staging folder (beside the output).
test('a target path from the unverified targets metadata cannot steer the staging write out of the folder', async () => {
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
    await assert.rejects(fetchTufRepository(new URL(srv.tufUrl), pinned, stage, http), {
      code: 'TUF_METADATA_MALFORMED',
      file: `${srv.tufUrl}14.targets.json`,
      field: 'signed.targets',
      message: `unsafe target path '${evil}'`,
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
    await assert.rejects(fetchTufRepository(new URL(srv.tufUrl), pinned, await staging(), http), {
      code: 'TUF_METADATA_MALFORMED',
      message: 'target trusted_root.json has no sha256 hash',
    });
  } finally {
    await srv.close();
  }
});
