import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tempDir } from './tmp.ts';
import type { LockEntry } from '../../lib/lock/index.ts';
import { collectFromIndex, type IndexSourceOptions } from '../../lib/sources/pypi.ts';
import { sha256File } from '../../lib/util/digest.ts';
import { startIndexServer, type IndexServer } from '../helpers/index-server.ts';

// The index source against a real server whose pages give no sha256: then
// only a lock's pin can check a download, and without one nothing is bundled.

let s: IndexServer;
before(async () => {
  s = await startIndexServer({ withoutHashes: true });
});
after(() => s.close());

const http = { timeoutMs: 5000, attempts: 1, retryDelayMs: 1 };
async function opts(): Promise<IndexSourceOptions> {
  return { indexUrl: new URL(s.indexUrl), staging: await tempDir('airlock-src-pypi-'), jobs: 2, http };
}
const WHEEL = 'rfc8785-0.1.2-py3-none-any.whl';
const wheel = () => s.dists.find((d) => d.filename === WHEEL)!;
const entry = (extra: Partial<LockEntry> = {}): LockEntry => ({
  name: 'rfc8785',
  version: '0.1.2',
  file: 'pylock.toml',
  field: 'packages[0]',
  ...extra,
});

test('without an index hash a pinned file is checked against the pin after download', async () => {
  const o = await opts();
  const [pkg] = await collectFromIndex([entry({ files: [{ filename: WHEEL, sha256: wheel().sha256 }] })], o);
  const f = pkg!.files[0]!;
  assert.equal(f.sha256, wheel().sha256);
  assert.deepEqual(await sha256File(f.localPath), { sha256: f.sha256, size: f.size });
  assert.equal(f.coreMetadata?.sha256, wheel().metadataSha256);
  assert.deepEqual(await readdir(join(o.staging, 'packages', 'rfc8785')), [WHEEL, `${WHEEL}.metadata`].sort());
});

test('without an index hash a wrong pin is HASH_PIN_MISMATCH after the download', async () => {
  await assert.rejects(
    collectFromIndex([entry({ files: [{ filename: WHEEL, sha256: '0'.repeat(64) }] })], await opts()),
    {
      code: 'HASH_PIN_MISMATCH',
      file: `${s.base}/files/${WHEEL}`,
      message: `downloaded sha256 ${wheel().sha256} differs from the pinned ${'0'.repeat(64)}`,
    },
  );
});

test('without an index hash and without a pin nothing is bundled: DIGEST_MISMATCH', async () => {
  await assert.rejects(collectFromIndex([entry({ file: 'argv', field: 'spec 1' })], await opts()), {
    code: 'DIGEST_MISMATCH',
    message: `the index gives no sha256 for ${WHEEL} and nothing pins one`,
  });
});

test('a release the index does not have: NOT_FOUND', async () => {
  await assert.rejects(collectFromIndex([entry({ version: '9.9', file: 'argv', field: 'spec 1' })], await opts()), {
    code: 'NOT_FOUND',
    message: 'rfc8785==9.9 has no files on the index',
  });
});

// Review fix: core metadata offered without a sha256 (`core-metadata: true`)
// used to be fetched and bundled unchecked; it is now left out.
for (const htmlOnly of [false, true]) {
  const kind = htmlOnly ? 'PEP 503 HTML' : 'PEP 691 JSON';
  test(`core metadata offered without a sha256 is not bundled (${kind})`, async () => {
    const srv = await startIndexServer({ coreMetadataWithoutHash: true, htmlOnly });
    try {
      const o = { ...(await opts()), indexUrl: new URL(srv.indexUrl) };
      const w = srv.dists.find((d) => d.filename === WHEEL)!;
      const [pkg] = await collectFromIndex([entry({ files: [{ filename: WHEEL, sha256: w.sha256 }] })], o);
      assert.equal(pkg!.files[0]!.coreMetadata, undefined);
      assert.equal(srv.hits(`/files/${WHEEL}.metadata`), 0);
      assert.deepEqual(await readdir(join(o.staging, 'packages', 'rfc8785')), [WHEEL]);
    } finally {
      await srv.close();
    }
  });
}
