import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readBundle } from '../../lib/bundle/index.ts';
import { REPO_ROOT } from '../helpers/fixtures.ts';

// The reader hashes the archive as it reads it, so a caller that needs the bundle's digest (the audit log,
// the tree export's report name) never reads the archive a second time.

const DEMO = join(REPO_ROOT, 'examples', 'demo-bundle.tar');

test('onArchiveDigest gives the sha256 of the archive file once it passed', async () => {
  let digest: string | undefined;
  await readBundle(DEMO, { onArchiveDigest: (d) => (digest = d) });
  assert.equal(digest, createHash('sha256').update(readFileSync(DEMO)).digest('hex'));
});

test('a refused archive gives no digest', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-digest-'));
  try {
    const cut = join(dir, 'cut.tar');
    writeFileSync(cut, readFileSync(DEMO).subarray(0, 5000));
    let digest: string | undefined;
    await assert.rejects(readBundle(cut, { onArchiveDigest: (d) => (digest = d) }), { code: 'ARCHIVE_TRUNCATED' });
    assert.equal(digest, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
