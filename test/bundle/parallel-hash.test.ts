import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { open, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readBundle, writeBundle } from '../../lib/bundle/index.ts';
import { PARALLEL_HASH_BYTES, archiveHash } from '../../lib/bundle/parallel-hash.ts';

// The archive's sha256 on a worker (lib/bundle/parallel-hash.ts): the same digest as node:crypto in this
// thread, whatever the chunk sizes, and from the reader for an archive large enough to use the worker.

test('on a worker or in this thread, the digest is the sha256 of every chunk in order', async () => {
  const chunks = [0, 1, 511, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 7, 5000, 0, 12].map((n) => randomBytes(n));
  const expected = createHash('sha256');
  for (const c of chunks) expected.update(c);
  for (const size of [0, PARALLEL_HASH_BYTES]) {
    const h = archiveHash(size);
    for (const c of chunks) await h.update(c);
    assert.equal(await h.digest(), expected.copy().digest('hex'), `archive size ${size}`);
  }
});

test('many chunks queued faster than the worker hashes them: the same digest, in order', async () => {
  const h = archiveHash(PARALLEL_HASH_BYTES);
  const expected = createHash('sha256');
  for (let i = 0; i < 64; i++) {
    const c = Buffer.alloc((1 << 20) - i, i);
    expected.update(c);
    await h.update(c);
    // A chunk the caller reuses after update returned must not change what was hashed.
    c.fill(0xff);
  }
  assert.equal(await h.digest(), expected.digest('hex'));
});

test('the reader gives the archive sha256 of a bundle large enough for the worker', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-phash-'));
  try {
    const big = join(dir, 'big.tar.gz');
    const fh = await open(big, 'w');
    await fh.write(randomBytes(1 << 16), 0, 1 << 16, PARALLEL_HASH_BYTES);
    await fh.close();
    const out = join(dir, 'bundle.tar');
    await writeBundle(out, { createdAt: '2026-08-22T00:00:00Z', sources: {}, packages: [] }, [
      { path: 'packages/big/big-1.0.tar.gz', role: 'distribution', localPath: big },
    ]);
    let digest: string | undefined;
    await readBundle(out, { dest: join(dir, 'out'), onArchiveDigest: (d) => (digest = d) });
    assert.equal(
      digest,
      createHash('sha256')
        .update(await readFile(out))
        .digest('hex'),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
