import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from './tmp.ts';
import { collectFromDir } from '../../lib/sources/local-dir.ts';
import { PYPI } from '../helpers/fixtures.ts';

test('--from-dir groups files by release and picks up .provenance and .metadata beside them', async () => {
  const dir = await tempDir('airlock-src-dir-');
  await copyFile(PYPI('rfc8785-0.1.2-py3-none-any.whl'), join(dir, 'rfc8785-0.1.2-py3-none-any.whl'));
  await writeFile(
    join(dir, 'rfc8785-0.1.2-py3-none-any.whl.metadata'),
    'Metadata-Version: 2.1\nName: rfc8785\nVersion: 0.1.2\n',
  );
  await writeFile(join(dir, 'notes.txt'), 'ignored');
  const [pkg, ...rest] = await collectFromDir(dir);
  assert.equal(rest.length, 0);
  assert.equal(pkg!.name, 'rfc8785');
  assert.equal(pkg!.files[0]!.provenance, undefined);
  assert.equal(pkg!.files[0]!.coreMetadata?.size, 51);
});

test('--from-dir refusals: missing folder, no distributions, bad provenance, bad file name', async () => {
  const dir = await tempDir('airlock-src-dir-');
  await assert.rejects(collectFromDir(join(dir, 'missing')), {
    code: 'INPUT_UNREADABLE',
    message: 'cannot list (ENOENT)',
  });
  await assert.rejects(collectFromDir(dir), {
    code: 'INPUT_UNREADABLE',
    message: 'no wheels or sdists (.whl, .tar.gz, .zip) in the folder',
  });
  await copyFile(PYPI('rfc8785-0.1.2-py3-none-any.whl'), join(dir, 'rfc8785-0.1.2-py3-none-any.whl'));
  await writeFile(join(dir, 'rfc8785-0.1.2-py3-none-any.whl.provenance'), '{"version": 1,');
  await assert.rejects(collectFromDir(dir), {
    code: 'MALFORMED_JSON',
    file: join(dir, 'rfc8785-0.1.2-py3-none-any.whl.provenance'),
  });
  const dir2 = await tempDir('airlock-src-dir-');
  await writeFile(join(dir2, 'not-a-wheel.whl'), 'x');
  await assert.rejects(collectFromDir(dir2), { code: 'DIST_FILENAME_INVALID' });
});

// Issue 9.4/9.5: a dangling symbolic link in --from-dir was an uncaught ENOENT
// (INTERNAL_ERROR) for a distribution and silently "no provenance" beside one;
// a FIFO named like a provenance would have blocked the read.
test('--from-dir: a dangling link or a FIFO is INPUT_UNREADABLE naming the file', async () => {
  const dir = await tempDir('airlock-src-dir-');
  const wheel = join(dir, 'rfc8785-0.1.2-py3-none-any.whl');
  await symlink(join(dir, 'gone.whl'), wheel);
  await assert.rejects(collectFromDir(dir), {
    code: 'INPUT_UNREADABLE',
    file: wheel,
    message: 'dangling symbolic link (ENOENT)',
  });
  await rm(wheel);
  await copyFile(PYPI('rfc8785-0.1.2-py3-none-any.whl'), wheel);
  await symlink(join(dir, 'gone.provenance'), `${wheel}.provenance`);
  await assert.rejects(collectFromDir(dir), { code: 'INPUT_UNREADABLE', file: `${wheel}.provenance` });
  await rm(`${wheel}.provenance`);
  try {
    execFileSync('mkfifo', [`${wheel}.provenance`]);
  } catch {
    return;
  }
  await assert.rejects(collectFromDir(dir), { code: 'INPUT_UNREADABLE', file: `${wheel}.provenance` });
});

test(
  '--from-dir: a dangling symlink (distribution or provenance) is INPUT_UNREADABLE naming it, not a ' + 'crash',
  async () => {
    const dir = await tempDir('airlock-src-dir-');
    await symlink(join(dir, 'nowhere'), join(dir, 'demo-1.0.tar.gz'));
    await assert.rejects(collectFromDir(dir), {
      code: 'INPUT_UNREADABLE',
      file: join(dir, 'demo-1.0.tar.gz'),
      message: 'dangling symbolic link (ENOENT)',
    });
    const dir2 = await tempDir('airlock-src-dir-');
    await copyFile(PYPI('rfc8785-0.1.2-py3-none-any.whl'), join(dir2, 'rfc8785-0.1.2-py3-none-any.whl'));
    await symlink(join(dir2, 'nowhere'), join(dir2, 'rfc8785-0.1.2-py3-none-any.whl.provenance'));
    await assert.rejects(collectFromDir(dir2), {
      code: 'INPUT_UNREADABLE',
      file: join(dir2, 'rfc8785-0.1.2-py3-none-any.whl.provenance'),
    });
  },
);
