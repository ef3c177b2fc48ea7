import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readBundle, readManifest } from '../../lib/bundle/index.ts';

// Review fix: the reader opened whatever it was given; a FIFO blocked open()
// forever, a device was read as an endless stream. Only regular files are archives.

const dir = await mkdtemp(join(tmpdir(), 'airlock-special-'));
after(() => rm(dir, { recursive: true, force: true }));

test('a FIFO, a device or a folder is ARCHIVE_UNREADABLE before anything is opened or written', async () => {
  const fifo = join(dir, 'bundle.tar');
  let haveFifo = true;
  try {
    execFileSync('mkfifo', [fifo]);
  } catch {
    haveFifo = false;
  }
  const inputs = [dir, ...(haveFifo ? [fifo] : []), ...(existsSync('/dev/zero') ? ['/dev/zero'] : [])];
  for (const p of inputs) {
    const dest = join(dir, `out-${inputs.indexOf(p)}`);
    await assert.rejects(readBundle(p, { dest }), {
      code: 'ARCHIVE_UNREADABLE',
      file: p,
      message: 'not a regular file, not a tar archive',
    });
    await assert.rejects(readManifest(p), { code: 'ARCHIVE_UNREADABLE', file: p });
    assert.equal(existsSync(dest), false);
  }
  await assert.rejects(readBundle(join(dir, 'absent.tar')), {
    code: 'INPUT_UNREADABLE',
    message: 'cannot read (ENOENT)',
  });
});
