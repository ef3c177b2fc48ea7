import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeBundle, type ManifestInput, type MemberInput } from '../../lib/bundle/index.ts';
import type { AirlockError, ErrorCode } from '../../lib/errors.ts';
import { fixtureMembers } from './fixture-members.ts';

let root: string;
let members: MemberInput[];
let input: ManifestInput;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'airlock-writer-'));
  ({ members, input } = await fixtureMembers());
});
after(() => rm(root, { recursive: true, force: true }));

let n = 0;
/** Expects writeBundle to refuse with `code`, leaving the output folder empty. */
async function refuses(
  code: ErrorCode,
  line: RegExp,
  ms: MemberInput[],
  inp: ManifestInput = input,
  name = 'out.tar',
): Promise<void> {
  const dir = join(root, `case-${++n}`);
  await mkdir(dir);
  await assert.rejects(writeBundle(join(dir, name), inp, ms), (e: AirlockError) => {
    assert.equal(e.code, code, `${e.code}: ${e.message}`);
    assert.match(e.toLine(), line);
    return true;
  });
  assert.deepEqual(await readdir(dir), []);
}

describe('writer refuses', () => {
  test('a member whose bytes differ from the sha256 it was given', async () => {
    // As a download that hashed to one value and then was changed on disk would be.
    const ms = members.map((m, i) => (i === 0 ? { ...m, sha256: 'f'.repeat(64), size: 29882 } : m));
    const inp = {
      ...input,
      packages: input.packages.map((p, i) =>
        i === 0 ? { ...p, files: [{ ...p.files[0]!, sha256: 'f'.repeat(64) }] } : p,
      ),
    };
    await refuses(
      'MEMBER_DIGEST_MISMATCH',
      new RegExp(
        String.raw`^MEMBER_DIGEST_MISMATCH: packages\/pypi-attestations\/pypi_attestations-0\.0\.19\.tar\.gz: .* ` +
          `has sha256 9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3, the manifest ` +
          `lists f{64}$`,
      ),
      ms,
      inp,
    );
  });
  test('a member shorter than the size it was given', async () => {
    const ms = members.map((m, i) =>
      i === 0 ? { ...m, sha256: '9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3', size: 30000 } : m,
    );
    const inp = {
      ...input,
      packages: input.packages.map((p, i) => (i === 0 ? { ...p, files: [{ ...p.files[0]!, size: 30000 }] } : p)),
    };
    await refuses(
      'MEMBER_SIZE_MISMATCH',
      /pypi_attestations-0\.0\.19\.tar\.gz: .* has 29882 bytes, the manifest lists 30000$/,
      ms,
      inp,
    );
  });
  test('a member longer than the size it was given', async () => {
    const ms = members.map((m, i) =>
      i === 0 ? { ...m, sha256: '9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3', size: 100 } : m,
    );
    const inp = {
      ...input,
      packages: input.packages.map((p, i) => (i === 0 ? { ...p, files: [{ ...p.files[0]!, size: 100 }] } : p)),
    };
    await refuses('MEMBER_SIZE_MISMATCH', /has more than the 100 bytes the manifest lists/, ms, inp);
  });
  test('a given sha256 without a size is checked before writing', async () => {
    const ms = members.map((m, i) => (i === 1 ? { ...m, sha256: '0'.repeat(64) } : m));
    await refuses(
      'MEMBER_DIGEST_MISMATCH',
      /\.provenance: .*\.provenance has sha256 [0-9a-f]{64}, expected 0{64}$/,
      ms,
    );
  });
  test('a member file that cannot be read', async () => {
    await refuses('INPUT_UNREADABLE', /^INPUT_UNREADABLE: .*no-such-file: cannot read \(ENOENT\)$/, [
      ...members,
      { path: 'tuf/targets/x.pub', role: 'tuf-target', localPath: join(root, 'no-such-file') },
    ]);
  });
  test('a member file that cannot be read, with its digest given (no first pass)', async () => {
    await refuses('INPUT_UNREADABLE', /^INPUT_UNREADABLE: .*gone\.pub: cannot read \(ENOENT\)$/, [
      ...members,
      {
        path: 'tuf/targets/x.pub',
        role: 'tuf-target',
        localPath: join(root, 'gone.pub'),
        sha256: 'a'.repeat(64),
        size: 3,
      },
    ]);
  });
  test('a path outside the layout', async () => {
    await refuses('ARCHIVE_UNSAFE_PATH', /^ARCHIVE_UNSAFE_PATH: \.\.\/evil: member path is outside the bundle layout/, [
      ...members,
      { path: '../evil', role: 'tuf-target', localPath: members[0]!.localPath },
    ]);
    await refuses('ARCHIVE_UNSAFE_PATH', /^ARCHIVE_UNSAFE_PATH: tuf\/targets\/\.\.\/x: /, [
      ...members,
      { path: 'tuf/targets/../x', role: 'tuf-target', localPath: members[0]!.localPath },
    ]);
  });
  // Issue 8.4: the writer's inputs and manifest come from airlock itself, so
  // failing the reader's checks is a writer bug (INTERNAL_ERROR, exit 2), not
  // MANIFEST_INVALID ("verification failed", exit 1); the message keeps the detail.
  test('a role that does not match the path', async () => {
    await refuses(
      'INTERNAL_ERROR',
      /tuf\/targets\/x\.pub: role 'tuf-metadata' does not match the path \(expected 'tuf-target'\)/,
      [...members, { path: 'tuf/targets/x.pub', role: 'tuf-metadata', localPath: members[0]!.localPath }],
    );
  });
  test('the same path twice', async () => {
    await refuses('ARCHIVE_DUPLICATE', /^ARCHIVE_DUPLICATE: tuf\/metadata\/timestamp\.json: member given twice$/, [
      ...members,
      members.find((m) => m.path.endsWith('timestamp.json'))!,
    ]);
  });
  test('paths that differ only in case', async () => {
    await refuses(
      'ARCHIVE_PATH_COLLISION',
      /tuf\/metadata\/TIMESTAMP\.json: collides with 'tuf\/metadata\/timestamp\.json'/,
      [...members, { path: 'tuf/metadata/TIMESTAMP.json', role: 'tuf-metadata', localPath: members[0]!.localPath }],
    );
  });
  test('a package file that is not among the members', async () => {
    await refuses(
      'INTERNAL_ERROR',
      new RegExp(
        `^INTERNAL_ERROR: the bundle writer built a manifest the reader refuses: MANIFEST_INVALID: ` +
          String.raw`airlock-manifest\.json: \/packages\/1\/files\/0\/path: ` +
          String.raw`'packages\/rfc8785\/rfc8785-0\.1\.2-py3-none-any\.whl' is not listed in members as ` +
          `distribution$`,
      ),
      members.filter((m) => !m.path.endsWith('.whl')),
    );
  });
  test('a manifest field the schema refuses', async () => {
    await refuses(
      'INTERNAL_ERROR',
      new RegExp(
        `^INTERNAL_ERROR: the bundle writer built a manifest the reader refuses: MANIFEST_INVALID: ` +
          String.raw`airlock-manifest\.json: \/createdAt: must match pattern`,
      ),
      members,
      { ...input, createdAt: 'yesterday' },
    );
  });
  test('an output name with no known compression', async () => {
    await refuses(
      'USAGE',
      /^USAGE: .*out\.zip: cannot tell the compression from the output name/,
      members,
      input,
      'out.zip',
    );
  });
});

describe('writer output failures', () => {
  test('read-only output folder: OUTPUT_FAILED, nothing under the final name', async () => {
    // root ignores permission bits; /proc refuses new files even to root.
    const asRoot = process.getuid?.() === 0;
    const dir = asRoot ? '/proc' : join(root, 'ro');
    if (!asRoot) {
      await mkdir(dir);
      await chmod(dir, 0o555);
    }
    const before = await readdir(dir);
    await assert.rejects(writeBundle(join(dir, 'out.tar'), input, members), (e: AirlockError) => {
      assert.equal(e.code, 'OUTPUT_FAILED');
      assert.match(e.toLine(), /^OUTPUT_FAILED: .*out\.tar: cannot write \((EACCES|ENOENT|EROFS|EPERM)\)$/);
      return true;
    });
    const afterList = await readdir(dir);
    assert.ok(!afterList.includes('out.tar'));
    if (!asRoot) {
      assert.deepEqual(afterList, before);
      await chmod(dir, 0o755);
    }
  });
  test('output folder that is a file: OUTPUT_FAILED', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    await assert.rejects(writeBundle(join(file, 'out.tar'), input, members), (e: AirlockError) => {
      assert.equal(e.code, 'OUTPUT_FAILED');
      assert.match(e.toLine(), /a-file\/out\.tar: cannot write \(ENOTDIR\)$/);
      return true;
    });
  });
});

test('a large uncompressed bundle: the archive sha256 (hashed on a worker) is the sha256 of the file written', async () => {
  const { PARALLEL_HASH_BYTES } = await import('../../lib/bundle/parallel-hash.ts');
  const { open, readFile } = await import('node:fs/promises');
  const { createHash } = await import('node:crypto');
  const dir = await mkdtemp(join(tmpdir(), 'airlock-writer-large-'));
  try {
    const big = join(dir, 'big-1.0-py3-none-any.whl');
    const fh = await open(big, 'w');
    await fh.truncate(PARALLEL_HASH_BYTES + 4096); // sparse zeros, above the size that starts the worker
    await fh.close();
    const out = join(dir, 'b.tar');
    const r = await writeBundle(out, { createdAt: '2026-08-22T00:00:00Z', sources: {}, packages: [] }, [
      { path: 'packages/big/big-1.0-py3-none-any.whl', role: 'distribution', localPath: big },
    ]);
    assert.equal(
      r.sha256,
      createHash('sha256')
        .update(await readFile(out))
        .digest('hex'),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
