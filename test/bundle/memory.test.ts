import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { promisify } from 'node:util';

// A member of 400 MiB goes through writeBundle and readBundle (to a folder) in
// a child process whose peak resident memory must stay far below that size:
// nothing holds a distribution in memory. The archive is zstd-compressed so
// the test writes 400 MiB to disk once, not twice; every byte still passes
// through the tar packer, the compressor, the decompressor, the tar parser,
// both hashes and the extraction. Node, type stripping and the imports take
// about 90 MiB before any work starts; the streams add a few tens of MiB
// (mostly young-generation garbage, kept small with --max-semi-space-size),
// whatever the member size. The load of the machine moves the baseline, so
// the growth is what is held tight.

const SIZE = 400 * 1024 * 1024;
// sha256 of 400 MiB of zero bytes.
const ZEROS_SHA256 = '6ed5e85372e488807486f4446e2a3a501d319be812e969e3de426db798cc5704';

test('a 400 MiB member is streamed, never held in memory', { timeout: 240_000 }, async () => {
  const child = fileURLToPath(new URL('memory-child.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--max-semi-space-size=4', child, String(SIZE), 'tar.zst'],
    { maxBuffer: 1 << 20 },
  );
  const r = JSON.parse(stdout) as {
    baselineKiB: number;
    maxRSSKiB: number;
    archiveBytes: number;
    extracted: number;
    sha256: string;
  };
  assert.equal(r.extracted, SIZE);
  assert.equal(r.sha256, ZEROS_SHA256);
  const peak = Math.round(r.maxRSSKiB / 1024);
  const growth = Math.round((r.maxRSSKiB - r.baselineKiB) / 1024);
  assert.ok(growth < 80, `RSS grew by ${growth} MiB while streaming 400 MiB (peak ${peak} MiB)`);
  // Half the member size: a copy held in memory anywhere would break it.
  assert.ok(peak < 200, `peak RSS ${peak} MiB`);
});
