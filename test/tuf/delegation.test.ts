import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { cp, mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { TestTufRepo, generateKey } from '../helpers/tuf-repo.ts';
import { NOW, check, context, expectFailure } from './harness.ts';
import { checkRepository } from '../../lib/tuf/index.ts';

// Delegations, repositories without consistent snapshots, the CDN layout, and
// snapshot entries for roles nobody needs (as the real Sigstore snapshots have).

const TR = Buffer.from('{"delegated":true}\n');

async function delegatedRepo() {
  const repo = await TestTufRepo.create();
  repo.files.clear();
  repo.files.set('signing_config.json', Buffer.from('{}'));
  repo.delegated.push({
    name: 'sigstore',
    keys: [generateKey()],
    threshold: 1,
    paths: ['trusted_root.json'],
    version: 3,
    expires: '2099-01-01T00:00:00Z',
    files: new Map([['trusted_root.json', TR]]),
  });
  return { repo, ctx: await context(repo) };
}

test('a needed target that is delegated is found through the delegated role (5.7 preorder search)', async () => {
  const { repo, ctx } = await delegatedRepo();
  await repo.write();
  const { trustedRoot, result } = await check(repo, ctx);
  assert.deepEqual(Buffer.from(trustedRoot), TR);
  assert.ok(result.files.some((f) => f.path === 'metadata/3.sigstore.json'));
  assert.deepEqual(result.newState.delegated, { sigstore: 3 });
});

test('a delegated role signed by the wrong key: TUF_SIGNATURE', async () => {
  const { repo, ctx } = await delegatedRepo();
  repo.delegated[0]!.signers = [generateKey()];
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_SIGNATURE', 'metadata/3.sigstore.json');
});

test('a delegated role rolled back against the state: TUF_ROLLBACK', async () => {
  const { repo, ctx } = await delegatedRepo();
  await repo.write();
  await check(repo, ctx);
  repo.delegated[0]!.version = 2;
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_ROLLBACK', 'metadata/1.snapshot.json', {
    message: /names sigstore.json version 2 < trusted 3/,
  });
});

test('a snapshot that stops listing a delegated role trusted before: TUF_ROLLBACK', async () => {
  const { repo, ctx } = await delegatedRepo();
  await repo.write();
  await check(repo, ctx);
  repo.hooks.snapshot = (s) => delete s.meta['sigstore.json'];
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_ROLLBACK', 'metadata/1.snapshot.json', {
    message: /no longer lists sigstore.json, trusted at version 3/,
  });
});

test('an expired delegated role: TUF_EXPIRED', async () => {
  const { repo, ctx } = await delegatedRepo();
  repo.delegated[0]!.expires = '2020-01-01T00:00:00Z';
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_EXPIRED', 'metadata/3.sigstore.json');
});

test('roles the snapshot lists but no needed target uses are never read', async () => {
  const repo = await TestTufRepo.create();
  repo.hooks.snapshot = (s) => {
    s.meta['rekor.json'] = { version: 9 };
    s.meta['revocation.json'] = { version: 2 };
  };
  // A delegation for other paths whose metadata is not even in the copy.
  repo.delegated.push({
    name: 'npm',
    keys: [generateKey()],
    threshold: 1,
    paths: ['registry.npmjs.org/*'],
    version: 4,
    expires: '2020-01-01T00:00:00Z',
    files: new Map([['registry.npmjs.org/keys.json', Buffer.from('[]')]]),
  });
  const ctx = await context(repo);
  const written = await repo.write();
  assert.ok(written.has('metadata/4.npm.json'));
  const { result } = await check(repo, ctx);
  assert.equal(
    result.files.some((f) => f.path.includes('npm')),
    false,
  );
});

test('a repository without consistent snapshots uses plain names', async () => {
  const repo = await TestTufRepo.create();
  repo.consistentSnapshot = false;
  repo.roots = [];
  repo.addRoot();
  const ctx = await context(repo);
  await repo.write();
  const { result } = await check(repo, ctx);
  assert.deepEqual(
    result.files.map((f) => f.path),
    ['metadata/timestamp.json', 'metadata/snapshot.json', 'metadata/targets.json', 'targets/trusted_root.json'],
  );
});

test(
  'the CDN layout (metadata at the top, targets/ under it) verifies; messages name files as the user sees ' + 'them',
  async () => {
    const repo = await TestTufRepo.create();
    repo.addRoot();
    const ctx = await context(repo);
    await repo.write();
    const cdn = join(repo.dir, 'cdn');
    await mkdir(cdn);
    for (const n of await readdir(repo.path('metadata'))) await rename(repo.path('metadata', n), join(cdn, n));
    await cp(repo.path('targets'), join(cdn, 'targets'), { recursive: true });
    const { result } = await checkRepository({ pin: { rootFile: ctx.rootFile }, source: cdn, now: NOW });
    // The canonical layout in `files`, whatever the copy's layout.
    assert.deepEqual(result.files.map((f) => f.path).slice(0, 2), ['metadata/2.root.json', 'metadata/timestamp.json']);
    repo.timestamp.expires = '2020-01-01T00:00:00Z';
    await repo.write();
    await rename(repo.path('metadata', 'timestamp.json'), join(cdn, 'timestamp.json'));
    await assert.rejects(checkRepository({ pin: { rootFile: ctx.rootFile }, source: cdn, now: NOW }), {
      code: 'TUF_EXPIRED',
      file: 'timestamp.json',
    });
  },
);
