import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { TestTufRepo, generateKey } from '../helpers/tuf-repo.ts';
import { check, context, expectFailure, snapshotDir } from './harness.ts';

// Review additions: TUF 5.5.5 over every role the trusted snapshot listed (not
// only the roles a check happened to load), and a timestamp or snapshot of
// the trusted version that is not the trusted file (equal version, different
// content). Each asserts the code, the file, the message and an unchanged state.

async function setup() {
  const repo = await TestTufRepo.create();
  return { repo, ctx: await context(repo) };
}

test(
  '5.5.5: a role the trusted snapshot listed but nothing loaded cannot roll back or vanish: ' + 'TUF_ROLLBACK',
  async () => {
    const { repo, ctx } = await setup();
    let rekor: number | undefined = 3;
    repo.hooks.snapshot = (s) => {
      if (rekor !== undefined) s.meta['rekor.json'] = { version: rekor };
    };
    await repo.write();
    await check(repo, ctx);
    // The state records the whole snapshot listing.
    const [stateText] = Object.values(await snapshotDir(ctx.stateDir));
    assert.deepEqual(JSON.parse(stateText!).snapshotMeta, { 'targets.json': 1, 'rekor.json': 3 });

    repo.timestamp.version = 2;
    repo.snapshot.version = 2;
    rekor = 2;
    await repo.write();
    await expectFailure(repo, ctx, 'TUF_ROLLBACK', 'metadata/2.snapshot.json', {
      message: /^names rekor\.json version 2 < trusted 3$/,
    });

    rekor = undefined;
    await repo.write();
    await expectFailure(repo, ctx, 'TUF_ROLLBACK', 'metadata/2.snapshot.json', {
      message: /^no longer lists rekor\.json, trusted at version 3$/,
    });

    rekor = 4;
    await repo.write();
    await check(repo, ctx);
  },
);

test('a timestamp of the trusted version with other content: TUF_ROLLBACK; the same file again is fine', async () => {
  const { repo, ctx } = await setup();
  repo.timestamp.version = 7;
  await repo.write();
  await check(repo, ctx);
  await check(repo, ctx); // the same copy again

  repo.timestamp.expires = '2099-06-01T00:00:00Z';
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_ROLLBACK', 'metadata/timestamp.json', {
    message:
      /^version 7 equals the trusted version but the file differs \(sha256 [0-9a-f]{16}…, trusted [0-9a-f]{16}…\)$/,
  });

  repo.timestamp.version = 8;
  await repo.write();
  await check(repo, ctx);
});

test('a snapshot of the trusted version with other content: TUF_ROLLBACK', async () => {
  const { repo, ctx } = await setup();
  repo.snapshot.version = 4;
  await repo.write();
  await check(repo, ctx);

  // A new timestamp naming the same snapshot version, but another snapshot file.
  repo.timestamp.version = 2;
  repo.snapshot.expires = '2099-06-01T00:00:00Z';
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_ROLLBACK', 'metadata/4.snapshot.json', {
    message: /^version 4 equals the trusted version but the file differs/,
  });
});

test('fast-forward recovery (5.3.11) also forgets the stored timestamp and snapshot files', async () => {
  const { repo, ctx } = await setup();
  await repo.write();
  await check(repo, ctx);
  const before = JSON.parse(Object.values(await snapshotDir(ctx.stateDir))[0]!);
  // The timestamp keys rotate: timestamp v1 is signed again, by the new key.
  repo.rotate('timestamp');
  repo.addRoot();
  await repo.write();
  const { result } = await check(repo, ctx);
  assert.equal(result.newState.timestamp, 1);
  const after = JSON.parse(Object.values(await snapshotDir(ctx.stateDir))[0]!);
  assert.notEqual(after.timestampSha256, before.timestampSha256);
  assert.equal(after.timestampSha256.length, 64);
  assert.ok((await readFile(repo.path('metadata', 'timestamp.json'))).length > 0);
});

test(
  '5.3.11: a timestamp key replaced under the same key id is a rotation too (fast-forward recovery ' + 'applies)',
  async () => {
    const { repo, ctx } = await setup();
    repo.timestamp.version = 10;
    await repo.write();
    await check(repo, ctx);
    // Root v2 keeps the key id but lists other key material (key ids are only labels).
    const oldId = repo.keys.timestamp[0]!.keyid;
    const fresh = generateKey();
    repo.keys.timestamp = [{ ...fresh, keyid: oldId }];
    repo.addRoot();
    repo.timestamp.version = 1;
    await repo.write();
    const { result } = await check(repo, ctx);
    assert.equal(result.newState.timestamp, 1);
    assert.equal(result.newState.rootVersion, 2);
  },
);
