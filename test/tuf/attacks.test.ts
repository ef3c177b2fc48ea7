import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { Buffer } from 'node:buffer';
import { TestTufRepo, encode, signDoc, signatureOf, generateKey } from '../helpers/tuf-repo.ts';
import { NOW, check, context, expectFailure, snapshotDir } from './harness.ts';
import { TrustedMetadataSet, openLocalRepository, verifyRepository } from '../../lib/tuf/index.ts';

// Attacks on a repository signed by keys generated here. Each case asserts
// the exact code, the file named, and that the trust state did not move.

const PAST = '2020-01-01T00:00:00Z';
const DAY = 86_400_000;

async function setup(opts: Parameters<typeof TestTufRepo.create>[0] = {}) {
  const repo = await TestTufRepo.create(opts);
  const ctx = await context(repo);
  return { repo, ctx };
}

test('a well-formed repository verifies and writes the state', async () => {
  const { repo, ctx } = await setup({ alg: 'ecdsa' });
  await repo.write();
  const { trustedRoot, result } = await check(repo, ctx);
  assert.deepEqual(Buffer.from(trustedRoot), Buffer.from(repo.files.get('trusted_root.json')!));
  assert.equal(result.graceUsed, false);
  assert.deepEqual(
    result.files.map((f) => f.path),
    [
      'metadata/timestamp.json',
      'metadata/1.snapshot.json',
      'metadata/1.targets.json',
      `targets/${repo.targetName('trusted_root.json')}`,
    ],
  );
  assert.equal(Object.keys(await snapshotDir(ctx.stateDir)).length, 1);
});

test('root v2 signed only by the old root keys: TUF_SIGNATURE', async () => {
  const { repo, ctx } = await setup();
  const old = repo.keys.root;
  repo.rotate('root');
  repo.addRoot({ signers: old });
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_SIGNATURE', 'metadata/2.root.json', { message: /by its own keys/ });
});

test('root v2 signed only by the new root keys: TUF_SIGNATURE', async () => {
  const { repo, ctx } = await setup();
  const fresh = repo.rotate('root');
  repo.addRoot({ signers: fresh });
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_SIGNATURE', 'metadata/2.root.json', { message: /keys of trusted root v1/ });
});

test('a root chain that skips N+1 (3.root.json without 2.root.json): TUF_ROOT_VERSION', async () => {
  const { repo, ctx } = await setup();
  repo.addRoot();
  repo.addRoot();
  await repo.write();
  await rm(repo.path('metadata', '2.root.json'));
  await expectFailure(repo, ctx, 'TUF_ROOT_VERSION', 'metadata/2.root.json');
});

test('the trusted set refuses a root that is not exactly N+1, even correctly named: TUF_ROOT_VERSION', async () => {
  const repo = await TestTufRepo.create();
  repo.addRoot();
  repo.addRoot();
  const set = new TrustedMetadataSet(encode(repo.roots[0]), 'pinned', { now: NOW });
  assert.throws(() => set.updateRoot(encode(repo.roots[2]), '3.root.json', 'metadata/3.root.json'), {
    code: 'TUF_ROOT_VERSION',
    message: 'version 3, expected 2',
  });
  // Out-of-order calls are programming errors, refused outright.
  assert.throws(
    () => set.updateTimestamp(new Uint8Array(), 'metadata/timestamp.json'),
    /cannot update timestamp in phase root/,
  );
  await repo.cleanup();
});

test('5.root.json holding version 6: TUF_VERSION_MISMATCH', async () => {
  const { repo, ctx } = await setup();
  for (let v = 2; v <= 6; v++) repo.addRoot();
  await repo.write();
  await copyFile(repo.path('metadata', '6.root.json'), repo.path('metadata', '5.root.json'));
  await expectFailure(repo, ctx, 'TUF_VERSION_MISMATCH', 'metadata/5.root.json', {
    message: /file name says version 5, content is version 6/,
  });
});

/** Two timestamp keys, threshold 2 (pinned in a new root v1), only the first signing. */
async function timestampThresholdTwo(
  repo: Awaited<ReturnType<typeof setup>>['repo'],
  ctx: Awaited<ReturnType<typeof setup>>['ctx'],
): Promise<void> {
  repo.keys.timestamp = [generateKey(), generateKey()];
  repo.thresholds.timestamp = 2;
  repo.roots[0] = signDoc(repo.rootSigned(1), repo.keys.root);
  await writeFile(ctx.rootFile, JSON.stringify(repo.roots[0]));
  repo.signers.timestamp = [repo.keys.timestamp[0]!];
}

test('threshold not met: TUF_SIGNATURE', async () => {
  const { repo, ctx } = await setup();
  await timestampThresholdTwo(repo, ctx);
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_SIGNATURE', 'metadata/timestamp.json', { message: /signed by 1 of the 2/ });
});

test('the same signature listed twice does not count twice: TUF_SIGNATURE', async () => {
  const { repo, ctx } = await setup();
  await timestampThresholdTwo(repo, ctx);
  repo.docHooks.timestamp = (doc) => doc.signatures.push({ ...doc.signatures[0] });
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_SIGNATURE', 'metadata/timestamp.json', { message: /signs twice/ });
});

test('one key listed under two key ids does not reach threshold 2: TUF_SIGNATURE', async () => {
  const { repo, ctx } = await setup({ alg: 'ecdsa' });
  const k = repo.keys.timestamp[0]!;
  const aliasId = 'a'.repeat(64);
  const signed = repo.rootSigned(1);
  // The alias re-encodes the same key (trailing newline dropped from the PEM), as an attacker might.
  signed.keys[aliasId] = { ...k.json, keyval: { public: k.json.keyval.public.trimEnd() } };
  signed.roles.timestamp = { keyids: [k.keyid, aliasId], threshold: 2 };
  repo.roots[0] = signDoc(signed, repo.keys.root);
  await writeFile(ctx.rootFile, JSON.stringify(repo.roots[0]));
  repo.docHooks.timestamp = (doc) => doc.signatures.push(signatureOf(k, doc.signed, aliasId));
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_SIGNATURE', 'metadata/timestamp.json', { message: /signed by 1 of the 2/ });
});

test('timestamp, snapshot and targets rollbacks against the state: TUF_ROLLBACK', async () => {
  const { repo, ctx } = await setup();
  repo.timestamp.version = 5;
  repo.snapshot.version = 5;
  repo.targets.version = 5;
  await repo.write();
  await check(repo, ctx);

  repo.timestamp.version = 4;
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_ROLLBACK', 'metadata/timestamp.json', { message: /^version 4 < trusted 5$/ });

  repo.timestamp.version = 6;
  repo.snapshot.version = 4;
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_ROLLBACK', 'metadata/timestamp.json', {
    message: /names snapshot version 4 < trusted 5/,
  });

  repo.snapshot.version = 6;
  repo.targets.version = 4;
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_ROLLBACK', 'metadata/6.snapshot.json', {
    message: /names targets.json version 4 < trusted 5/,
  });

  repo.targets.version = 6;
  await repo.write();
  await check(repo, ctx);
});

test('snapshot version other than the one the timestamp names: TUF_VERSION_MISMATCH', async () => {
  const { repo, ctx } = await setup();
  repo.hooks.snapshot = (s) => (s.version = 2);
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_VERSION_MISMATCH', 'metadata/1.snapshot.json');
});

test('targets version other than the one the snapshot names: TUF_VERSION_MISMATCH', async () => {
  const { repo, ctx } = await setup();
  repo.snapshot.length = false;
  repo.snapshot.hashes = false;
  repo.hooks.snapshot = (s) => (s.meta['targets.json'] = { version: 2 });
  await repo.write();
  await copyFile(repo.path('metadata', '1.targets.json'), repo.path('metadata', '2.targets.json'));
  await expectFailure(repo, ctx, 'TUF_VERSION_MISMATCH', 'metadata/2.targets.json');
});

async function tamper(path: string, how: 'append' | 'same-length') {
  const b = await readFile(path);
  if (how === 'append') return writeFile(path, Buffer.concat([b, Buffer.from(' ')]));
  const i = b.indexOf('"version"');
  b[i + 1] = 'V'.charCodeAt(0);
  return writeFile(path, b);
}

for (const [role, file] of [
  ['snapshot', 'metadata/1.snapshot.json'],
  ['targets', 'metadata/1.targets.json'],
] as const) {
  test(`${role} longer than its recorded length: TUF_LENGTH_MISMATCH`, async () => {
    const { repo, ctx } = await setup();
    await repo.write();
    await tamper(repo.path(file), 'append');
    await expectFailure(repo, ctx, 'TUF_LENGTH_MISMATCH', file);
  });
  test(`${role} with another hash than recorded: TUF_HASH_MISMATCH`, async () => {
    const { repo, ctx } = await setup();
    await repo.write();
    await tamper(repo.path(file), 'same-length');
    await expectFailure(repo, ctx, 'TUF_HASH_MISMATCH', file);
  });
}

test('target file: length and hash mismatches, and a file swapped for another', async () => {
  const { repo, ctx } = await setup();
  repo.files.set('trusted_root.json', Buffer.from('{"a":1}'));
  repo.files.set('signing_config.v0.2.json', Buffer.from('{"b":2}'));
  await repo.write();
  const tr = `targets/${repo.targetName('trusted_root.json')}`;
  const sc = `targets/${repo.targetName('signing_config.v0.2.json')}`;
  await writeFile(repo.path(tr), '{"a":12}');
  await expectFailure(repo, ctx, 'TUF_LENGTH_MISMATCH', tr);
  await writeFile(repo.path(tr), '{"a":2}');
  await expectFailure(repo, ctx, 'TUF_HASH_MISMATCH', tr);
  await copyFile(repo.path(sc), repo.path(tr));
  await expectFailure(repo, ctx, 'TUF_HASH_MISMATCH', tr);
  await writeFile(repo.path(tr), '{"a":1}');
  await rm(repo.path(sc));
  await expectFailure(repo, ctx, 'TUF_MISSING_FILE', sc);
});

test('trusted_root.json not listed: TUF_UNKNOWN_TARGET; absent signing configs are fine', async () => {
  const { repo, ctx } = await setup();
  repo.files.clear();
  repo.files.set('other.json', Buffer.from('{}'));
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_UNKNOWN_TARGET', 'metadata/1.targets.json');
});

for (const role of ['timestamp', 'snapshot', 'targets'] as const) {
  test(`${role} metadata with another _type: TUF_WRONG_TYPE`, async () => {
    const { repo, ctx } = await setup();
    repo.hooks[role] = (s) => (s._type = role === 'targets' ? 'snapshot' : 'targets');
    await repo.write();
    const file = role === 'timestamp' ? 'metadata/timestamp.json' : `metadata/1.${role}.json`;
    await expectFailure(repo, ctx, 'TUF_WRONG_TYPE', file);
  });

  test(`expired ${role}: TUF_EXPIRED, accepted within --grace`, async () => {
    const { repo, ctx } = await setup();
    repo[role].expires = '2029-12-25T00:00:00Z';
    await repo.write();
    const file = role === 'timestamp' ? 'metadata/timestamp.json' : `metadata/1.${role}.json`;
    await expectFailure(repo, ctx, 'TUF_EXPIRED', file);
    await expectFailure(repo, ctx, 'TUF_EXPIRED', file, { graceMs: 6 * DAY });
    const { result } = await check(repo, ctx, { graceMs: 7 * DAY });
    assert.equal(result.graceUsed, true);
    assert.equal(result[role].expiredBy, 7 * DAY);
  });
}

test('root metadata with another _type: TUF_WRONG_TYPE', async () => {
  const { repo, ctx } = await setup();
  repo.addRoot({ edit: (s) => (s._type = 'targets') });
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_WRONG_TYPE', 'metadata/2.root.json');
});

test('an expired final root fails whatever the grace; expired intermediate roots are fine', async () => {
  const { repo, ctx } = await setup();
  repo.rootExpires = PAST;
  repo.addRoot();
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_EXPIRED', 'metadata/2.root.json', { graceMs: 100_000 * DAY });
  repo.rootExpires = '2099-01-01T00:00:00Z';
  repo.addRoot();
  await repo.write();
  const { result } = await check(repo, ctx);
  assert.equal(result.root.version, 3);
});

test('root rotations beyond the limit are not followed (one limits object; 256 by default)', async () => {
  const { repo } = await setup();
  repo.addRoot();
  repo.addRoot();
  repo.addRoot();
  await repo.write();
  const source = await openLocalRepository(repo.dir);
  // Two rotations followed (v3), and the copy's 4.root.json beyond them is named.
  await assert.rejects(verifyRepository(source, { pinned: repo.pinned(), now: NOW, limits: { maxRootRotations: 2 } }), {
    code: 'TUF_ROOT_VERSION',
    file: 'metadata/4.root.json',
    message: 'the copy holds 4.root.json but the verified root chain ends at v3 (no usable 4.root.json)',
  });
  const { root } = await verifyRepository(source, { pinned: repo.pinned(), now: NOW });
  assert.equal(root.version, 4);
});

// The one set of limits (lib/util/caps.ts TUF_LIMITS), every metadata cap lowered.
const SMALL_METADATA = { rootMaxBytes: 300, timestampMaxBytes: 300, snapshotMaxBytes: 300, targetsMaxBytes: 300 };

test('metadata over the size cap: TUF_TOO_LARGE', async () => {
  const { repo } = await setup();
  await repo.write();
  const source = await openLocalRepository(repo.dir);
  await assert.rejects(verifyRepository(source, { pinned: repo.pinned(), now: NOW, limits: SMALL_METADATA }), {
    code: 'TUF_TOO_LARGE',
    file: 'metadata/timestamp.json',
  });
  repo.addRoot();
  await repo.write();
  await assert.rejects(verifyRepository(source, { pinned: repo.pinned(), now: NOW, limits: SMALL_METADATA }), {
    code: 'TUF_TOO_LARGE',
    file: 'metadata/2.root.json',
  });
});

for (const role of ['timestamp', 'snapshot'] as const) {
  test(`fast-forward recovery: a ${role} key rotation forgets the stored timestamp and snapshot versions`, async () => {
    const { repo, ctx } = await setup();
    repo.timestamp.version = 10;
    repo.snapshot.version = 10;
    await repo.write();
    await check(repo, ctx);
    // Without a rotation, going back is a rollback...
    repo.timestamp.version = 1;
    repo.snapshot.version = 1;
    await repo.write();
    await expectFailure(repo, ctx, 'TUF_ROLLBACK', 'metadata/timestamp.json');
    // ... after the key rotation it is the recovery step 5.3.11 allows.
    repo.rotate(role);
    repo.addRoot();
    await repo.write();
    const { result } = await check(repo, ctx);
    assert.equal(result.newState.timestamp, 1);
    assert.equal(result.newState.snapshot, 1);
    assert.equal(result.newState.rootVersion, 2);
  });
}

test('file times and metadata content never stand in for --now', async () => {
  const { repo, ctx } = await setup();
  repo.timestamp.expires = '2030-06-01T00:00:00Z';
  repo.hooks.timestamp = (s) => (s.now = '2020-01-01T00:00:00Z');
  const written = await repo.write();
  for (const rel of written.keys())
    await utimes(repo.path(rel), new Date('2001-01-01T00:00:00Z'), new Date('2001-01-01T00:00:00Z'));
  const { result } = await check(repo, ctx, { now: new Date('2030-05-31T23:59:59Z') });
  assert.equal(result.now, '2030-05-31T23:59:59.000Z');
  for (const rel of written.keys())
    await utimes(repo.path(rel), new Date('2029-01-01T00:00:00Z'), new Date('2029-01-01T00:00:00Z'));
  await expectFailure(repo, ctx, 'TUF_EXPIRED', 'metadata/timestamp.json', { now: new Date('2030-06-01T00:00:00Z') });
});

test('a pinned root not signed by its own keys: TUF_SIGNATURE', async () => {
  const { repo, ctx } = await setup();
  repo.roots[0] = signDoc(repo.rootSigned(1), [generateKey()]);
  await writeFile(ctx.rootFile, JSON.stringify(repo.roots[0]));
  await repo.write();
  await expectFailure(repo, ctx, 'TUF_SIGNATURE', ctx.rootFile);
});

test('a missing timestamp or snapshot: TUF_MISSING_FILE', async () => {
  const { repo, ctx } = await setup();
  await repo.write();
  await rm(repo.path('metadata', '1.snapshot.json'));
  await expectFailure(repo, ctx, 'TUF_MISSING_FILE', 'metadata/1.snapshot.json');
  await rm(repo.path('metadata', 'timestamp.json'));
  await expectFailure(repo, ctx, 'TUF_MISSING_FILE', 'metadata/timestamp.json');
});
