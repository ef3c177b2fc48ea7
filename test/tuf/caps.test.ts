import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPinnedRoot, loadTrustState, statePath } from '../../lib/tuf/index.ts';
import { readLock } from '../../lib/lock/index.ts';
import { collectFromDir } from '../../lib/sources/local-dir.ts';
import { parseJson } from '../../lib/util/json.ts';
import { runCli } from '../helpers/cli.ts';
import { TUF_2026 } from '../helpers/fixtures.ts';
import { tempDir } from './harness.ts';

// Review fix: files named on the command line were read whole, without a cap:
// `--root /dev/zero` (or `-r /dev/zero`) never returned and grew without
// bound. Each is now read up to a cap and refused past it with its code.
// Since the one reader (lib/util/read.ts, issue 9.5) checks the type on the
// opened descriptor, a device such as /dev/zero is refused before any read
// (INPUT_UNREADABLE, `a device, not a regular file`) instead of at the cap.

const ZERO = '/dev/zero';

test('a --root larger than the root cap, or endless: TUF_TOO_LARGE, nothing buffered past the cap', async () => {
  const d = await tempDir();
  const big = join(d, 'big.root.json');
  await writeFile(big, Buffer.alloc(600_000, 0x20));
  await assert.rejects(loadPinnedRoot({ rootFile: big }), {
    code: 'TUF_TOO_LARGE',
    file: big,
    message: 'more than the cap of 512000 bytes for a root',
  });
  if (existsSync(ZERO)) {
    await assert.rejects(loadPinnedRoot({ rootFile: ZERO }), { code: 'INPUT_UNREADABLE', file: ZERO });
    const r = await runCli(['trust', 'verify', TUF_2026(), '--root', ZERO, '--now', '2026-08-22T00:00:00Z'], {
      timeoutMs: 30_000,
    });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `airlock: INPUT_UNREADABLE: ${ZERO}: a device, not a regular file\n`);
  }
  await assert.rejects(loadPinnedRoot({ rootFile: d }), {
    code: 'INPUT_UNREADABLE',
    file: d,
    message: 'a folder, not a regular file',
  });
});

test('a lock or requirements file past the cap: LOCK_INVALID; a device: INPUT_UNREADABLE', async () => {
  const d = await tempDir();
  const big = join(d, 'requirements.txt');
  await writeFile(big, '');
  await truncate(big, 64 * 1024 * 1024 + 1);
  await assert.rejects(readLock('requirements', big), {
    code: 'LOCK_INVALID',
    file: big,
    message: 'larger than 67108864 bytes',
  });
  if (existsSync(ZERO))
    await assert.rejects(readLock('requirements', ZERO), {
      code: 'INPUT_UNREADABLE',
      file: ZERO,
      message: 'a device, not a regular file',
    });
  await assert.rejects(readLock('pylock', '/nonexistent/pylock.toml'), {
    code: 'INPUT_UNREADABLE',
    message: 'cannot read (ENOENT)',
  });
});

test('an oversized trust state file: TUF_STATE_UNREADABLE; an absent one is no state', async () => {
  const pinned = await loadPinnedRoot({ instance: 'public-good' });
  const dir = await tempDir();
  assert.equal(await loadTrustState(dir, pinned), undefined);
  const file = statePath(dir, pinned);
  await mkdir(join(dir, 'tuf'), { recursive: true });
  await writeFile(file, Buffer.alloc(4 * 1024 * 1024 + 1, 0x20));
  await assert.rejects(loadTrustState(dir, pinned), {
    code: 'TUF_STATE_UNREADABLE',
    file,
    message: 'larger than 4194304 bytes',
  });
  await writeFile(file, Buffer.from([0x7b, 0xff, 0x7d]));
  await assert.rejects(loadTrustState(dir, pinned), { code: 'TUF_STATE_UNREADABLE', file, message: /^not valid JSON/ });
});

test('a --from-dir provenance past 16 MiB: INPUT_UNREADABLE', async () => {
  const d = await tempDir();
  await writeFile(join(d, 'demo-1.0.tar.gz'), 'x');
  await writeFile(join(d, 'demo-1.0.tar.gz.provenance'), Buffer.alloc(16 * 1024 * 1024 + 1, 0x20));
  await assert.rejects(collectFromDir(d), {
    code: 'INPUT_UNREADABLE',
    file: join(d, 'demo-1.0.tar.gz.provenance'),
    message: 'provenance larger than 16777216 bytes',
  });
});

test('parseJson: bytes that are not UTF-8 are MALFORMED_JSON, not an internal error', () => {
  assert.throws(() => parseJson(Buffer.from([0x7b, 0xff, 0x7d]), 'x.json'), {
    code: 'MALFORMED_JSON',
    file: 'x.json',
    message: /^not valid JSON/,
  });
});
