import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import tar from 'tar-stream';
import {
  MANIFEST_PATH,
  readBundle,
  readManifest,
  writeBundle,
  type ManifestInput,
  type MemberInput,
} from '../../lib/bundle/index.ts';
import { sha256File } from '../../lib/util/digest.ts';
import { fixtureMembers } from './fixture-members.ts';

let root: string;
let members: MemberInput[];
let input: ManifestInput;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'airlock-roundtrip-'));
  ({ members, input } = await fixtureMembers());
});
after(() => rm(root, { recursive: true, force: true }));

describe('write then read', () => {
  for (const ext of ['tar', 'tar.gz', 'tar.zst']) {
    test(`round trip through .${ext}`, async () => {
      const out = join(root, `rt.${ext}`);
      const progress: number[] = [];
      const written = await writeBundle(out, input, members, { onProgress: (b) => progress.push(b) });
      assert.deepEqual(await sha256File(out), { sha256: written.sha256, size: written.size });
      assert.equal(written.manifest.members.length, members.length);
      assert.equal(
        progress.at(-1),
        written.manifest.members.reduce((n, m) => n + m.size, 0),
      );

      const dest = join(root, `rt-${ext.replace('.', '-')}`);
      const seen: string[] = [];
      const manifest = await readBundle(out, {
        dest,
        onMember: async (m, s) => {
          let n = 0;
          for await (const c of s) n += (c as Buffer).length;
          assert.equal(n, m.size);
          seen.push(m.path);
        },
      });
      assert.deepEqual(manifest, written.manifest);
      assert.deepEqual(
        seen,
        manifest.members.map((m) => m.path),
      );
      for (const m of members) {
        assert.deepEqual(await readFile(join(dest, m.path)), await readFile(m.localPath), m.path);
        assert.equal((await stat(join(dest, m.path))).mode & 0o777, 0o644);
      }
      assert.deepEqual(JSON.parse(await readFile(join(dest, MANIFEST_PATH), 'utf8')), manifest);
      assert.deepEqual(await readManifest(out), manifest);
      // Nothing else beside the archive and the extracted folder.
      assert.deepEqual(
        (await readdir(root)).filter((f) => f.startsWith('.airlock-tmp')),
        [],
      );
    });
  }

  test('manifest content', async () => {
    const { manifest } = await writeBundle(join(root, 'm.tar'), input, members);
    assert.equal(manifest.format, 'airlock-bundle');
    assert.equal(manifest.formatVersion, 1);
    assert.deepEqual(manifest.tool, {
      name: 'airlock',
      version: JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')).version,
    });
    const paths = manifest.members.map((m) => m.path);
    assert.deepEqual(
      paths,
      [...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    );
    const trusted = manifest.members.find((m) => m.path.endsWith('trusted_root.json'))!;
    assert.equal(trusted.sha256, '6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66');
    assert.equal(trusted.role, 'tuf-target');
  });

  test('compression is detected from the bytes, not the name', async () => {
    const gz = join(root, 'd.tar.gz');
    const zst = join(root, 'd.tar.zst');
    await writeBundle(gz, input, members);
    await writeBundle(zst, input, members);
    assert.deepEqual([...(await readFile(gz)).subarray(0, 2)], [0x1f, 0x8b]);
    assert.deepEqual([...(await readFile(zst)).subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd]);
    await rename(gz, join(root, 'gz-named.tar'));
    await rename(zst, join(root, 'zst-named.tgz'));
    assert.equal((await readBundle(join(root, 'gz-named.tar'))).members.length, members.length);
    assert.equal((await readBundle(join(root, 'zst-named.tgz'))).members.length, members.length);
  });

  test('compression option overrides the name', async () => {
    const out = join(root, 'opt.tar');
    await writeBundle(out, input, members, { compression: 'zstd' });
    assert.deepEqual([...(await readFile(out)).subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd]);
  });

  test('reader progress counts the archive bytes read', async () => {
    const out = join(root, 'progress.tar.zst');
    const { size } = await writeBundle(out, input, members);
    const seen: [number, number][] = [];
    await readBundle(out, { onProgress: (b, t) => seen.push([b, t]) });
    assert.ok(seen.length > 0);
    assert.deepEqual(seen.at(-1), [size, size]);
  });

  test('readManifest reads only the manifest', async () => {
    const out = join(root, 'tampered-later.tar');
    const { manifest } = await writeBundle(out, input, members);
    const bytes = await readFile(out);
    bytes[bytes.length - 2000] = bytes[bytes.length - 2000]! ^ 1; // inside the last member
    await writeFile(out, bytes);
    assert.deepEqual(await readManifest(out), manifest);
    await assert.rejects(readBundle(out), { code: 'MEMBER_DIGEST_MISMATCH' });
  });

  test('an onMember failure is passed on as it is, and nothing is extracted', async () => {
    const out = join(root, 'caller.tar');
    await writeBundle(out, input, members);
    const boom = new Error('caller gave up');
    for (const dest of [undefined, join(root, 'caller-out')]) {
      await assert.rejects(
        readBundle(out, {
          ...(dest ? { dest } : {}),
          onMember: async () => {
            throw boom;
          },
        }),
        (e) => e === boom,
      );
    }
    assert.deepEqual(
      (await readdir(root)).filter((f) => f.startsWith('caller-out') || f.startsWith('.airlock-tmp')),
      [],
    );
  });

  test('an existing dest is refused and left alone', async () => {
    const out = join(root, 'ex.tar');
    await writeBundle(out, input, members);
    await assert.rejects(readBundle(out, { dest: root }), /already exists/);
  });
});

describe('determinism', () => {
  for (const ext of ['tar', 'tar.gz', 'tar.zst']) {
    test(`two writes of the same inputs are byte-identical (.${ext})`, async () => {
      const a = join(root, `det-a.${ext}`);
      const b = join(root, `det-b.${ext}`);
      const ra = await writeBundle(a, input, members);
      // Reversed input order and shuffled object keys must not change the bytes.
      const shuffled: ManifestInput = {
        tuf: input.tuf,
        packages: input.packages,
        sources: { tufDir: input.sources.tufDir, fromDir: input.sources.fromDir },
        createdAt: input.createdAt,
      };
      const rb = await writeBundle(b, shuffled, [...members].reverse());
      assert.equal(ra.sha256, rb.sha256);
      assert.deepEqual(await readFile(a), await readFile(b));
    });
  }

  test('the gzip header carries no time and no operating system', async () => {
    const out = join(root, 'hdr.tar.gz');
    await writeBundle(out, input, members);
    const h = (await readFile(out)).subarray(0, 10);
    assert.deepEqual([...h.subarray(4, 8)], [0, 0, 0, 0]);
    assert.equal(h[9], 0xff);
  });

  test('tar headers: mtime 0, uid/gid 0, no owner names, mode 0644, no folders', async () => {
    const out = join(root, 'hdr.tar');
    await writeBundle(out, input, members);
    const ex = tar.extract();
    createReadStream(out).pipe(ex as unknown as NodeJS.WritableStream);
    const names: string[] = [];
    for await (const e of ex) {
      const h = e.header;
      assert.equal(h.type, 'file');
      assert.equal(h.mtime.getTime(), 0);
      assert.equal(h.uid, 0);
      assert.equal(h.gid, 0);
      assert.equal(h.uname, '');
      assert.equal(h.gname, '');
      assert.equal(h.mode, 0o644);
      names.push(h.name);
      e.resume();
    }
    assert.equal(names[0], MANIFEST_PATH);
    assert.equal(names.length, members.length + 1);
  });
});
