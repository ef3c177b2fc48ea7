import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { readBundle, type ReadOptions } from '../../lib/bundle/index.ts';
import type { AirlockError, ErrorCode } from '../../lib/errors.ts';
import { TUF_2026, PYPI } from '../helpers/fixtures.ts';
import { printable } from '../../lib/util/text.ts';
import {
  END_BLOCKS,
  asEntries,
  gnuLongName,
  manifestFor,
  member,
  packTar,
  padBlock,
  paxHeader,
  paxRecord,
  rawHeader,
  rawMember,
  withManifest,
  type TarEntry,
  type TestMember,
} from '../helpers/tar.ts';

// Every refusal of the reader, one archive each, built here with tar-stream:
// the code, the member the message names, and nothing left on disk.

let root: string;
let TS: TestMember;
let PROV: TestMember;
let DIST: TestMember;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'airlock-hostile-'));
  TS = member('tuf/metadata/timestamp.json', await readFile(join(TUF_2026(), 'metadata', 'timestamp.json')));
  PROV = member(
    'packages/pypi-attestations/pypi_attestations-0.0.19.tar.gz.provenance',
    await readFile(PYPI('pypi_attestations-0.0.19.tar.gz.provenance')),
  );
  DIST = member(
    'packages/pypi-attestations/pypi_attestations-0.0.19.tar.gz',
    await readFile(PYPI('pypi_attestations-0.0.19.tar.gz')),
  );
});
after(() => rm(root, { recursive: true, force: true }));

let n = 0;
/** Reads `archive` into a new dest and expects a refusal with `code` whose line matches `line`. */
async function refuses(archive: Buffer, code: ErrorCode, line: RegExp, opts: ReadOptions = {}): Promise<AirlockError> {
  const dir = join(root, `case-${++n}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  const path = join(dir, 'bundle.tar');
  await writeFile(path, archive);
  let caught: AirlockError | undefined;
  await assert.rejects(readBundle(path, { dest: join(dir, 'out'), ...opts }), (e: AirlockError) => {
    caught = e;
    assert.equal(e.code, code, `${e.code}: ${e.message}`);
    assert.match(e.toLine(), line);
    return true;
  });
  // Nothing under the final name, no temporary folder left beside it.
  assert.deepEqual(await readdir(dir), ['bundle.tar']);
  return caught!;
}

const ok = (): TestMember[] => [DIST, PROV, TS];
const bundle = (entries: TarEntry[], listed = ok(), manifest?: unknown): Promise<Buffer> =>
  packTar(withManifest(listed, entries, manifest));

describe('reader refuses unsafe paths', () => {
  const cases: [string, string][] = [
    ['absolute', '/etc/passwd'],
    ['dot-dot', 'packages/../../evil.txt'],
    ['dot-dot at start', '../evil.txt'],
    ['backslash', 'packages\\..\\evil.txt'],
    ['empty segment', 'tuf//metadata/x.json'],
    ['leading ./', './tuf/metadata/timestamp.json'],
    ['drive letter', 'C:/evil.txt'],
  ];
  for (const [label, name] of cases) {
    test(label, async () => {
      const e = await refuses(
        await bundle([{ name, body: 'x' }]),
        'ARCHIVE_UNSAFE_PATH',
        /^ARCHIVE_UNSAFE_PATH: .+: unsafe member path/,
      );
      assert.equal(e.file, printable(name));
    });
  }
  test('NUL in a pax path', async () => {
    await refuses(
      await bundle([{ name: 'tuf/metadata/a.json', body: 'x', pax: { path: 'tuf/metadata/a\0b.json' } }]),
      'ARCHIVE_UNSAFE_PATH',
      /tuf\/metadata\/a\\u0000b\.json: unsafe member path: control character/,
    );
  });
  test('a name that is not valid UTF-8', async () => {
    const head = await packTar(withManifest(ok(), []), { end: false });
    const h = rawHeader('tuf/metadata/cafX.json', '0', 1);
    h[h.indexOf('X')] = 0xe9; // Latin-1 é
    const sum = h.reduce((n, b, i) => n + (i >= 148 && i < 156 ? 0x20 : b), 0);
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    await refuses(
      Buffer.concat([head, h, padBlock('x'), END_BLOCKS]),
      'ARCHIVE_UNSAFE_PATH',
      /tuf\/metadata\/caf\ufffd\.json: unsafe member path: control character or invalid UTF-8/,
    );
  });
  test('pax header rewriting a safe name into ../', async () => {
    await refuses(
      await bundle([{ name: 'tuf/metadata/timestamp.json', body: TS.body, pax: { path: '../../etc/cron.d/evil' } }]),
      'ARCHIVE_UNSAFE_PATH',
      /: \.\.\/\.\.\/etc\/cron\.d\/evil: unsafe member path: '\.\.' path segment/,
    );
  });
  test('GNU long name rewriting the next entry into an absolute path', async () => {
    const longName = `/tmp/${'x'.repeat(150)}`;
    const head = await packTar(withManifest(ok(), []), { end: false });
    const archive = Buffer.concat([
      head,
      gnuLongName(longName),
      rawHeader('tuf/metadata/timestamp.json', '0', 1),
      padBlock('x'),
      END_BLOCKS,
    ]);
    await refuses(archive, 'ARCHIVE_UNSAFE_PATH', new RegExp(`${longName}: unsafe member path: absolute path`));
  });
});

describe('reader refuses links and special files', () => {
  const cases: [string, TarEntry, ErrorCode, RegExp][] = [
    [
      'symlink',
      { name: 'tuf/metadata/timestamp.json', type: 'symlink', linkname: '/etc/passwd' },
      'ARCHIVE_LINK',
      /timestamp\.json: member is a symbolic link/,
    ],
    [
      'hard link',
      { name: 'tuf/metadata/timestamp.json', type: 'link', linkname: 'airlock-manifest.json' },
      'ARCHIVE_LINK',
      /timestamp\.json: member is a hard link/,
    ],
    [
      'character device',
      { name: 'tuf/metadata/timestamp.json', type: 'character-device' },
      'ARCHIVE_SPECIAL_FILE',
      /timestamp\.json: member is a character-device/,
    ],
    [
      'block device',
      { name: 'tuf/metadata/timestamp.json', type: 'block-device' },
      'ARCHIVE_SPECIAL_FILE',
      /member is a block-device/,
    ],
    ['fifo', { name: 'tuf/metadata/timestamp.json', type: 'fifo' }, 'ARCHIVE_SPECIAL_FILE', /member is a fifo/],
    [
      'directory',
      { name: 'tuf/metadata', type: 'directory' },
      'ARCHIVE_SPECIAL_FILE',
      /tuf\/metadata\/?: member is a directory/,
    ],
  ];
  for (const [label, entry, code, line] of cases) {
    test(label, async () => {
      await refuses(await bundle([entry]), code, line);
    });
  }
  test('unknown type flag', async () => {
    const head = await packTar(withManifest(ok(), []), { end: false });
    await refuses(
      Buffer.concat([head, rawHeader('tuf/metadata/timestamp.json', 'Z', 0), END_BLOCKS]),
      'ARCHIVE_SPECIAL_FILE',
      /timestamp\.json: member is a entry of unknown type/,
    );
  });
});

describe('reader refuses duplicates and collisions', () => {
  test('same member twice', async () => {
    await refuses(
      await bundle([...asEntries(ok()), { name: TS.path, body: TS.body }]),
      'ARCHIVE_DUPLICATE',
      /^ARCHIVE_DUPLICATE: tuf\/metadata\/timestamp\.json: member appears twice/,
    );
  });
  test('manifest twice', async () => {
    await refuses(
      await bundle([{ name: 'airlock-manifest.json', body: '{}' }]),
      'ARCHIVE_DUPLICATE',
      /airlock-manifest\.json: member appears twice/,
    );
  });
  test('paths equal after case folding', async () => {
    const upper = member('tuf/metadata/Timestamp.json', 'x');
    await refuses(
      await bundle([{ name: upper.path, body: 'x' }, ...asEntries(ok())], [upper, DIST, PROV]),
      'ARCHIVE_PATH_COLLISION',
      /tuf\/metadata\/timestamp\.json: collides with 'tuf\/metadata\/Timestamp\.json'/,
    );
  });
  test('paths equal after NFC normalisation (KELVIN SIGN is K)', async () => {
    const k = member('tuf/metadata/Keys.json', 'x');
    await refuses(
      await bundle(
        [
          { name: k.path, body: 'x' },
          { name: 'tuf/metadata/\u212Aeys.json', body: 'x' },
        ],
        [k],
      ),
      'ARCHIVE_PATH_COLLISION',
      /tuf\/metadata\/\u212Aeys\.json: collides with 'tuf\/metadata\/Keys\.json'/,
    );
  });
  test('a member that is also the folder of another', async () => {
    const a = member('tuf/targets/a', 'x');
    await refuses(
      await bundle(
        [
          { name: a.path, body: 'x' },
          { name: 'tuf/targets/a/b', body: 'y' },
        ],
        [a],
      ),
      'ARCHIVE_PATH_COLLISION',
      /tuf\/targets\/a\/b: needs 'tuf\/targets\/a' to be a folder/,
    );
  });
});

describe('reader checks members against the manifest', () => {
  test('unlisted member', async () => {
    await refuses(
      await bundle([...asEntries(ok()), { name: 'tuf/targets/extra.pub', body: 'x' }]),
      'MEMBER_UNLISTED',
      /^MEMBER_UNLISTED: tuf\/targets\/extra\.pub: member is not listed in the manifest$/,
    );
  });
  test('listed member missing', async () => {
    await refuses(
      await bundle(asEntries([DIST, PROV])),
      'MEMBER_MISSING',
      /^MEMBER_MISSING: tuf\/metadata\/timestamp\.json: listed in the manifest but not in the archive$/,
    );
  });
  test('size differs from the manifest (checked from the header)', async () => {
    await refuses(
      await bundle([...asEntries([DIST, PROV]), { name: TS.path, body: Buffer.concat([TS.body, Buffer.from(' ')]) }]),
      'MEMBER_SIZE_MISMATCH',
      /^MEMBER_SIZE_MISMATCH: tuf\/metadata\/timestamp\.json: tar header declares 448 bytes, the manifest lists 447$/,
    );
  });
  test('same size, different bytes', async () => {
    const tampered = Buffer.from(TS.body);
    tampered[10] = tampered[10]! ^ 1;
    await refuses(
      await bundle([...asEntries([DIST, PROV]), { name: TS.path, body: tampered }]),
      'MEMBER_DIGEST_MISMATCH',
      new RegExp(
        String.raw`^MEMBER_DIGEST_MISMATCH: tuf\/metadata\/timestamp\.json: tuf\/metadata\/timestamp\.json has ` +
          `sha256 [0-9a-f]{64}, the manifest lists [0-9a-f]{64}$`,
      ),
    );
  });
  test('onMember sees an error, never the end, for tampered bytes', async () => {
    const tampered = Buffer.from(TS.body);
    tampered[10] = tampered[10]! ^ 1;
    const seen: string[] = [];
    await refuses(
      await bundle([...asEntries([DIST, PROV]), { name: TS.path, body: tampered }]),
      'MEMBER_DIGEST_MISMATCH',
      /timestamp\.json/,
      {
        onMember: async (m, s) => {
          for await (const _ of s) void _;
          seen.push(m.path);
        },
      },
    );
    assert.deepEqual(seen, [DIST.path, PROV.path]);
  });
});

describe('reader refuses a missing or invalid manifest', () => {
  test('first member is not the manifest', async () => {
    await refuses(
      await packTar([...asEntries(ok())]),
      'MANIFEST_MISSING',
      new RegExp(
        String.raw`^MANIFEST_MISSING: .*bundle\.tar: the first member is ` +
          String.raw`'packages\/pypi-attestations\/pypi_attestations-0\.0\.19\.tar\.gz', not airlock-manifest\.json$`,
      ),
    );
  });
  test('empty archive', async () => {
    await refuses(END_BLOCKS, 'MANIFEST_MISSING', /the archive has no members/);
  });
  test('manifest not JSON', async () => {
    await refuses(
      await bundle(asEntries(ok()), ok(), 'not json'),
      'MANIFEST_INVALID',
      /^MANIFEST_INVALID: airlock-manifest\.json: not valid UTF-8 JSON/,
    );
  });
  test('manifest field of the wrong type', async () => {
    const m = manifestFor(ok());
    (m.members as { size: unknown }[])[1]!.size = '9444';
    await refuses(
      await bundle(asEntries(ok()), ok(), m),
      'MANIFEST_INVALID',
      /^MANIFEST_INVALID: airlock-manifest\.json: \/members\/1\/size: must be integer/,
    );
  });
  test('manifest listing an unsafe path', async () => {
    const m = manifestFor(ok());
    (m.members as { path: string }[])[2]!.path = 'tuf/metadata/../../x.json';
    await refuses(await bundle(asEntries(ok()), ok(), m), 'MANIFEST_INVALID', /\/members\/2\/path: must match pattern/);
  });
  test('manifest of a newer format version', async () => {
    await refuses(
      await bundle(asEntries(ok()), ok(), { ...manifestFor(ok()), formatVersion: 4 }),
      'MANIFEST_INVALID',
      /\/formatVersion: unsupported bundle format version 4 \(this airlock reads 1, 2 and 3\)/,
    );
  });
  test('version 3 (a carried lock): `signed` required there, refused before; a lock member only there', async () => {
    await refuses(
      await bundle(asEntries(ok()), ok(), { ...manifestFor(ok()), formatVersion: 3 }),
      'MANIFEST_INVALID',
      /airlock-manifest\.json: \/: must have required property 'signed'/,
    );
    await refuses(
      await bundle(asEntries(ok()), ok(), { ...manifestFor(ok()), signed: false }),
      'MANIFEST_INVALID',
      /airlock-manifest\.json: \/: must NOT be valid/,
    );
    const withLock = [...ok(), member('lock/pylock.toml', Buffer.from('lock-version = "1.0"\n'))];
    withLock.sort((a, b) => (a.path < b.path ? -1 : 1));
    await refuses(
      await bundle(asEntries(withLock), withLock),
      'MANIFEST_INVALID',
      /\/members\/\d\/role: a version 1 bundle carries no lock/,
    );
    await refuses(
      await bundle(asEntries(withLock), withLock, { ...manifestFor(withLock), formatVersion: 2 }),
      'MANIFEST_INVALID',
      /a version 2 bundle carries no lock/,
    );
    // Version 3, signed: true, but no signature member second.
    await refuses(
      await bundle(asEntries(withLock), withLock, { ...manifestFor(withLock), formatVersion: 3, signed: true }),
      'MEMBER_MISSING',
      /a signed bundle's second member is its signature/,
    );
    // Signed, and the archive ends after the manifest.
    await refuses(
      await bundle([], [], { ...manifestFor([]), formatVersion: 3, signed: true }),
      'MEMBER_MISSING',
      /airlock-manifest\.sig\.json: a signed bundle's signature is missing/,
    );
  });
  test('a version 2 manifest (signed) whose second member is not its signature', async () => {
    await refuses(
      await bundle(asEntries(ok()), ok(), { ...manifestFor(ok()), formatVersion: 2 }),
      'MEMBER_MISSING',
      /a signed bundle's second member is its signature/,
    );
  });
  test('manifest with a role that does not match the path', async () => {
    const m = manifestFor(ok());
    (m.members as { role: string }[])[2]!.role = 'tuf-target';
    await refuses(
      await bundle(asEntries(ok()), ok(), m),
      'MANIFEST_INVALID',
      /\/members\/2\/role: role 'tuf-target' does not match path/,
    );
  });
  test('manifest over the cap', async () => {
    await refuses(
      await bundle(asEntries(ok())),
      'ARCHIVE_TOO_LARGE',
      /airlock-manifest\.json: manifest declares \d+ bytes, over the cap of 100/,
      { caps: { maxManifestBytes: 100 } },
    );
  });
});

describe('reader refuses broken archives', () => {
  test('truncated inside a member body', async () => {
    const full = await bundle(asEntries(ok()));
    await refuses(
      full.subarray(0, 6000),
      'ARCHIVE_TRUNCATED',
      /bundle\.tar: archive ends inside member 'packages\/pypi-attestations\/pypi_attestations-0\.0\.19\.tar\.gz'/,
    );
  });
  test('truncated inside a header', async () => {
    const head = await packTar(withManifest(ok(), asEntries([DIST])), { end: false });
    await refuses(
      Buffer.concat([head, rawHeader(PROV.path, '0', PROV.body.length).subarray(0, 300)]),
      'ARCHIVE_TRUNCATED',
      /archive ends inside a header/,
    );
  });
  test('no end-of-archive marker', async () => {
    await refuses(
      await packTar(withManifest(ok(), asEntries(ok())), { end: false }),
      'ARCHIVE_TRUNCATED',
      /ends without its end-of-archive marker/,
    );
  });
  test('garbage after the end-of-archive marker', async () => {
    const full = await bundle(asEntries(ok()));
    await refuses(
      Buffer.concat([full, Buffer.from('trailing garbage')]),
      'ARCHIVE_TRAILING_DATA',
      /bundle\.tar: data after the end-of-archive marker/,
    );
  });
  test('a whole block of garbage after the end-of-archive marker', async () => {
    const full = await bundle(asEntries(ok()));
    await refuses(
      Buffer.concat([full, Buffer.alloc(512, 0x55)]),
      'ARCHIVE_TRAILING_DATA',
      /data after the end-of-archive marker/,
    );
  });
  test('a second archive appended after the end-of-archive marker', async () => {
    const full = await bundle(asEntries(ok()));
    const extra = await packTar([{ name: 'tuf/targets/evil.pub', body: 'x' }]);
    await refuses(
      Buffer.concat([full, extra]),
      'ARCHIVE_TRAILING_DATA',
      /data after the end-of-archive marker at offset \d+ \('tuf\/targets\/evil\.pub'\)/,
    );
  });
  test('non-zero bytes hidden in the checksum field of a trailing block', async () => {
    const full = await bundle(asEntries(ok()));
    const block = Buffer.alloc(512);
    block.write('12345670', 148);
    await refuses(
      Buffer.concat([full, block]),
      'ARCHIVE_TRAILING_DATA',
      /data after the end-of-archive marker at offset \d+$/,
    );
  });
  test('zero padding up to a 10 KiB record is accepted', async () => {
    const full = await bundle(asEntries(ok()));
    const dir = join(root, 'padded');
    await mkdir(dir);
    const path = join(dir, 'b.tar');
    await writeFile(path, Buffer.concat([full, Buffer.alloc(10240 - (full.length % 10240))]));
    const m = await readBundle(path);
    assert.equal(m.members.length, 3);
  });
  test('more than 4 MiB of zero padding after the end (a zero bomb)', async () => {
    const full = await bundle(asEntries(ok()));
    const gz = gzipSync(Buffer.concat([full, Buffer.alloc(64 * 1024 * 1024)]));
    await refuses(
      gz,
      'ARCHIVE_TRAILING_DATA',
      /more than 4194304 bytes of zero padding after the end-of-archive marker/,
    );
  });
  test('not a tar archive', async () => {
    await refuses(
      Buffer.from('just some text, not an archive\n'.repeat(40)),
      'ARCHIVE_UNREADABLE',
      /bundle\.tar: not a tar archive/,
    );
  });
  test('too short to be a tar archive', async () => {
    await refuses(Buffer.from('tiny'), 'ARCHIVE_UNREADABLE', /not a tar archive \(too short\)/);
  });
  test('empty file', async () => {
    await refuses(Buffer.alloc(0), 'ARCHIVE_UNREADABLE', /empty file/);
  });
  test('unsupported compression (bzip2)', async () => {
    await refuses(Buffer.from('BZh91AY&SY....'), 'ARCHIVE_UNREADABLE', /bzip2 archives are not supported/);
  });
  test('corrupt gzip', async () => {
    const gz = gzipSync(await bundle(asEntries(ok())));
    gz[gz.length - 5] = gz[gz.length - 5]! ^ 0xff;
    await refuses(gz, 'ARCHIVE_UNREADABLE', /compressed data is corrupt/);
  });
  test('garbage after the gzip stream', async () => {
    const gz = gzipSync(await bundle(asEntries(ok())));
    await refuses(
      Buffer.concat([gz, Buffer.from('appended')]),
      'ARCHIVE_TRAILING_DATA',
      new RegExp(`data after the end of the gzip stream at offset ${gz.length}`),
    );
  });
  test('a zero byte and garbage after the gzip stream (Node stops reading quietly there)', async () => {
    const gz = gzipSync(await bundle(asEntries(ok())));
    await refuses(
      Buffer.concat([gz, Buffer.from('\0appended')]),
      'ARCHIVE_TRAILING_DATA',
      new RegExp(`data after the end of the gzip stream at offset ${gz.length}`),
    );
  });
  test('a second gzip member holding another archive (refused like a second zstd frame)', async () => {
    const gz = gzipSync(await bundle(asEntries(ok())));
    const extra = gzipSync(await packTar([{ name: 'tuf/targets/evil.pub', body: 'x' }]));
    await refuses(
      Buffer.concat([gz, extra]),
      'ARCHIVE_TRAILING_DATA',
      new RegExp(`data after the end of the gzip stream at offset ${gz.length}`),
    );
  });
  test('a second gzip member of zero bytes only, or empty', async () => {
    const tarBytes = await bundle(asEntries(ok()));
    // Cut before the end blocks, which the second member supplies: one archive split across two members.
    const first = gzipSync(tarBytes.subarray(0, tarBytes.length - 1024));
    for (const second of [gzipSync(Buffer.alloc(1024)), gzipSync(Buffer.alloc(0))]) {
      await refuses(
        Buffer.concat([first, second]),
        'ARCHIVE_TRAILING_DATA',
        new RegExp(`data after the end of the gzip stream at offset ${first.length}`),
      );
    }
  });
  test('gzip trailer with a wrong size', async () => {
    const gz = gzipSync(await bundle(asEntries(ok())));
    gz[gz.length - 1] = gz[gz.length - 1]! ^ 1;
    await refuses(gz, 'ARCHIVE_UNREADABLE', /compressed data is corrupt \(gzip CRC-32 or size mismatch\)/);
  });
  test('gzip cut inside its trailer', async () => {
    const gz = gzipSync(await bundle(asEntries(ok())));
    await refuses(gz.subarray(0, gz.length - 3), 'ARCHIVE_TRUNCATED', /compressed data ends early/);
  });
  test('gzip header with reserved flags', async () => {
    const gz = gzipSync(await bundle(asEntries(ok())));
    gz[3] = 0x80;
    await refuses(gz, 'ARCHIVE_UNREADABLE', /reserved gzip header flags/);
  });
  test('garbage after the zstd frame (Node drops it quietly)', async () => {
    const zst = zstdCompressSync(await bundle(asEntries(ok())));
    await refuses(
      Buffer.concat([zst, Buffer.from('appended')]),
      'ARCHIVE_TRAILING_DATA',
      /data after the end of the zstd frame/,
    );
  });
  test('a second zstd frame with content', async () => {
    const zst = zstdCompressSync(await bundle(asEntries(ok())));
    await refuses(
      Buffer.concat([zst, zstdCompressSync(Buffer.from('more'))]),
      'ARCHIVE_TRAILING_DATA',
      /data after the end of the zstd frame/,
    );
  });
  test('truncated zstd', async () => {
    const zst = zstdCompressSync(await bundle(asEntries(ok())));
    await refuses(zst.subarray(0, zst.length - 50), 'ARCHIVE_TRUNCATED', /compressed data ends early/);
  });
  test('corrupt zstd', async () => {
    const zst = zstdCompressSync(await bundle(asEntries(ok())));
    zst[zst.length - 2] = zst[zst.length - 2]! ^ 0xff;
    await refuses(zst, 'ARCHIVE_UNREADABLE', /compressed data is corrupt/);
  });
  test('truncated gzip', async () => {
    const gz = gzipSync(await bundle(asEntries(ok())));
    await refuses(gz.subarray(0, gz.length - 100), 'ARCHIVE_TRUNCATED', /compressed data ends early/);
  });
});

describe('reader caps, checked from the header before the body is read', () => {
  // Each archive is cut right after the offending header: reading the body would report ARCHIVE_TRUNCATED instead.
  test('member larger than maxMemberBytes', async () => {
    const head = await packTar(withManifest(ok(), asEntries([TS])), { end: false });
    const cut = Buffer.concat([head, rawHeader(PROV.path, '0', PROV.body.length)]);
    await refuses(
      cut,
      'ARCHIVE_TOO_LARGE',
      new RegExp(
        String.raw`^ARCHIVE_TOO_LARGE: packages\/pypi-attestations\/pypi_attestations-0\.0\.19\.tar\.gz\.provenanc` +
          String.raw`e: member declares 9444 bytes, over the cap of 1000 \(maxMemberBytes\)$`,
      ),
      { caps: { maxMemberBytes: 1000 } },
    );
  });
  test('a declared size of 8 GiB with nothing behind it', async () => {
    const head = await packTar(withManifest(ok(), []), { end: false });
    await refuses(
      Buffer.concat([head, rawHeader(DIST.path, '0', 8 * 1024 ** 3)]),
      'ARCHIVE_TOO_LARGE',
      /member declares 8589934592 bytes, over the cap of 1073741824/,
      { caps: { maxMemberBytes: 1024 ** 3 } },
    );
  });
  test('a pax size record declaring 93 GiB: pax size records are refused whatever they say', async () => {
    await refuses(
      await bundle([{ name: DIST.path, body: DIST.body, pax: { size: '99999999999' } }]),
      'ARCHIVE_AMBIGUOUS',
      /pypi_attestations-0\.0\.19\.tar\.gz: pax size: pax key 'size' is not one airlock writes/,
    );
  });
  test('members larger than maxTotalBytes together', async () => {
    await refuses(
      await bundle(asEntries(ok())),
      'ARCHIVE_TOO_LARGE',
      new RegExp(
        String.raw`pypi_attestations-0\.0\.19\.tar\.gz\.provenance: the archive passes 35000 bytes, headers ` +
          String.raw`included, at this entry \(cap maxTotalBytes\)$`,
      ),
      { caps: { maxTotalBytes: 35000 } },
    );
  });
  test('more members than maxMembers', async () => {
    await refuses(await bundle(asEntries(ok())), 'ARCHIVE_TOO_LARGE', /more than 3 members/, {
      caps: { maxMembers: 3 },
    });
  });
});

describe('header bombs: extended headers are capped and counted', () => {
  // Generous bounds: the machine is shared; the point is seconds, not the 20 s to hours these once took.
  const quickly = async (archive: Buffer, code: ErrorCode, line: RegExp, opts: ReadOptions = {}): Promise<void> => {
    const t0 = performance.now();
    await refuses(archive, code, line, opts);
    const s = (performance.now() - t0) / 1000;
    assert.ok(s < 10, `took ${s.toFixed(1)} s`);
  };
  const head = (): Promise<Buffer> => packTar(withManifest(ok(), []), { end: false });
  /** Records of `n` bytes in all, as many as fit. */
  const records = (n: number): Buffer => {
    const one = paxRecord('path', 'a'.repeat(1000));
    return Buffer.from(one.repeat(Math.floor(n / one.length)));
  };

  test('one pax header of 4 MiB, gzip: refused from its declared size', async () => {
    const gz = gzipSync(Buffer.concat([await head(), paxHeader(records(4 * 1024 ** 2)), END_BLOCKS]));
    assert.ok(gz.length < 2 * 1024 ** 2);
    await quickly(gz, 'ARCHIVE_TOO_LARGE', /pax header at offset \d+ declares \d+ bytes, over the limit of 8192/);
  });
  test('64 MiB of small pax headers in a row, gzip: refused at the second', async () => {
    const one = paxHeader(records(1000));
    const gz = gzipSync(
      Buffer.concat([await head(), ...Array<Buffer>(Math.ceil((64 * 1024 ** 2) / one.length)).fill(one)]),
    );
    assert.ok(gz.length < 2 * 1024 ** 2, `${gz.length}`);
    await quickly(gz, 'ARCHIVE_AMBIGUOUS', /typeflag: a pax header right after another extended header/);
  });
  test('a GNU long name of 1 MiB, zstd: refused from its declared size', async () => {
    const zst = zstdCompressSync(Buffer.concat([await head(), gnuLongName('a'.repeat(1024 ** 2)), END_BLOCKS]));
    assert.ok(zst.length < 200 * 1024);
    await quickly(zst, 'ARCHIVE_TOO_LARGE', /GNU long-name header at offset \d+ declares 1048577 bytes/);
  });
  test('64 MiB of pax headers each before its own member, zstd: refused at the first member not listed', async () => {
    const one = Buffer.concat([paxHeader(paxRecord('path', `tuf/targets/${'a'.repeat(900)}`)), rawMember('x', '')]);
    const zst = zstdCompressSync(
      Buffer.concat([await head(), ...Array<Buffer>(Math.ceil((64 * 1024 ** 2) / one.length)).fill(one)]),
    );
    assert.ok(zst.length < 200 * 1024, `${zst.length}`);
    await quickly(zst, 'MEMBER_UNLISTED', /member is not listed in the manifest/);
  });
  test('header bytes count against maxTotalBytes', async () => {
    const archive = await bundle(asEntries(ok()));
    const declared = [DIST, PROV, TS].reduce((n, m) => n + m.body.length, 0) + manifestBytes(ok());
    // The members fit; their headers and padding do not.
    await refuses(archive, 'ARCHIVE_TOO_LARGE', /headers included, at this entry \(cap maxTotalBytes\)$/, {
      caps: { maxTotalBytes: declared + 100 },
    });
  });
});

function manifestBytes(listed: TestMember[]): number {
  return Buffer.byteLength(JSON.stringify(manifestFor(listed)));
}
