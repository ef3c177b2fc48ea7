import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test, type TestContext } from 'node:test';
import tar from 'tar-stream';
import { readBundle } from '../../lib/bundle/index.ts';
import type { AirlockError } from '../../lib/errors.ts';
import {
  END_BLOCKS,
  gnuLongName,
  manifestFor,
  member,
  packTar,
  patchHeader,
  paxHeader,
  paxRecord,
  rawHeader,
  rawMember,
  setChecksum,
} from '../helpers/tar.ts';

// Tar headers that tar-stream (the parser under the reader) reads one way and
// Python's tarfile, GNU tar or bsdtar another. Each archive is built byte by
// byte; the reader must refuse it (ARCHIVE_AMBIGUOUS, naming the member and
// the field), and python3, when present, shows what tarfile would have
// extracted next to what tar-stream reads, so the difference is real.

type Listing = { members: [string, string, number][]; error: string | null };

const PY = `
import json, sys, tarfile
out, err = [], None
try:
    with tarfile.open(sys.argv[1], 'r:') as t:
        for m in t:
            out.append([m.name, m.type.decode('latin1'), m.size])
except Exception as e:
    err = type(e).__name__
print(json.dumps({'members': out, 'error': err}))
`;

const hasPython = ((): boolean => {
  try {
    execFileSync('python3', ['-c', 'import tarfile'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function pythonReads(path: string): Listing {
  return JSON.parse(execFileSync('python3', ['-c', PY, path], { encoding: 'utf8' })) as Listing;
}

const hasGnuTar = ((): boolean => {
  try {
    return execFileSync('tar', ['--version'], { encoding: 'utf8' }).includes('GNU tar');
  } catch {
    return false;
  }
})();

/** What GNU tar lists: names only. */
function gnuTarNames(path: string): string[] {
  return execFileSync('tar', ['-tf', path], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l !== '');
}

const TYPE_FLAG: Record<string, string> = { file: '0', 'pax-header': 'x', symlink: '2', directory: '5' };

/** What tar-stream alone reads, without airlock's rules. */
async function tarStreamReads(bytes: Buffer): Promise<Listing> {
  const out: [string, string, number][] = [];
  const extract = tar.extract();
  try {
    Readable.from([bytes]).pipe(extract as unknown as NodeJS.WritableStream);
    for await (const e of extract) {
      out.push([e.header.name, TYPE_FLAG[e.header.type ?? ''] ?? String(e.header.type), e.header.size ?? 0]);
      e.resume();
    }
    return { members: out, error: null };
  } catch (e) {
    return { members: out, error: (e as Error).message };
  }
}

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'airlock-differential-'));
});
after(() => rm(root, { recursive: true, force: true }));

// A member whose body is itself a tar header: a reader that mistakes the size sees `../evil` in it.
const HIDDEN = rawMember('../evil', 'x');
const A = member('tuf/targets/a.pub', HIDDEN);
const B = member('tuf/targets/b.pub', 'world\n');

async function manifestHead(): Promise<Buffer> {
  return packTar([{ name: 'airlock-manifest.json', body: JSON.stringify(manifestFor([A, B])) }], { end: false });
}
const aHeader = (): Buffer => rawHeader(A.path, '0', A.body.length);
const body = (b: Buffer): Buffer => b.subarray(512);
const withA = async (header: Buffer, ...before: Buffer[]): Promise<Buffer> =>
  Buffer.concat([
    await manifestHead(),
    ...before,
    header,
    body(rawMember(A.path, A.body)),
    rawMember(B.path, B.body),
    END_BLOCKS,
  ]);

/** An archive every reader must read alike: airlock, tarfile and GNU tar list the same members. */
async function accepted(t: TestContext, label: string, archive: Buffer): Promise<void> {
  const dir = join(root, label);
  await mkdir(dir);
  const path = join(dir, 'bundle.tar');
  await writeFile(path, archive);
  const m = await readBundle(path);
  const expected = ['airlock-manifest.json', ...m.members.map((x) => x.path)];
  assert.deepEqual(expected, ['airlock-manifest.json', A.path, B.path]);
  if (hasPython) {
    const py = pythonReads(path);
    assert.deepEqual(names(py), expected);
    assert.deepEqual(
      py.members.slice(1).map((x) => x[2]),
      [A.body.length, B.body.length],
    );
  } else t.diagnostic('SKIPPED: python3 missing, tarfile reading not checked');
  if (hasGnuTar) assert.deepEqual(gnuTarNames(path), expected);
  else t.diagnostic('SKIPPED: GNU tar missing, its reading not checked');
}

let n = 0;
async function check(
  t: TestContext,
  archive: Buffer,
  code: string,
  line: RegExp,
  python?: (py: Listing, ts: Listing) => void,
): Promise<void> {
  const dir = join(root, `case-${++n}`);
  await mkdir(dir);
  const path = join(dir, 'bundle.tar');
  await writeFile(path, archive);
  await assert.rejects(readBundle(path, { dest: join(dir, 'out') }), (e: AirlockError) => {
    assert.equal(e.code, code, e.toLine());
    assert.match(e.toLine(), line);
    return true;
  });
  assert.deepEqual(await readdir(dir), ['bundle.tar']);
  if (!hasPython) {
    t.diagnostic('SKIPPED: python3 is missing, tarfile reading not checked');
    console.warn(`differential.test.ts: python3 missing, tarfile check skipped for '${t.name}'`);
    return;
  }
  const py = pythonReads(path);
  const ts = await tarStreamReads(archive);
  t.diagnostic(`tarfile: ${JSON.stringify(py)}; tar-stream: ${JSON.stringify(ts)}`);
  python?.(py, ts);
}

const names = (l: Listing): string[] => l.members.map((m) => m[0]);
/** tarfile extracts a member tar-stream never shows. */
const pythonSeesEvil = (py: Listing, ts: Listing): void => {
  assert.ok(
    names(py).some((x) => x.includes('evil')),
    JSON.stringify(py),
  );
  assert.ok(!names(ts).some((x) => x.includes('evil')), JSON.stringify(ts));
};
const readersDiffer = (py: Listing, ts: Listing): void => {
  assert.notDeepEqual(py, ts);
};

describe('control', () => {
  test('the hand-built archive with no deviation is read, alike by tarfile and GNU tar', async (t) => {
    await accepted(t, 'control', await withA(aHeader()));
  });
});

describe('numeric fields are plain octal with their terminator', () => {
  const size = (s: string): Promise<Buffer> => withA(patchHeader(aHeader(), 124, s));
  test('size with a leading NUL: tarfile reads 0 and then the body as a header', async (t) => {
    await check(
      t,
      await size('\x000000002000 '),
      'ARCHIVE_AMBIGUOUS',
      /tuf\/targets\/a\.pub: size: the size field/,
      pythonSeesEvil,
    );
  });
  test('size with a digit 8: tar-stream stops before it, tarfile gives up', async (t) => {
    await check(t, await size('00000000028 '), 'ARCHIVE_AMBIGUOUS', /a\.pub: size: .*not plain octal/, readersDiffer);
  });
  test('size with a + sign (parseInt takes it, GNU tar does not)', async (t) => {
    await check(t, await size('+0000002000 '), 'ARCHIVE_AMBIGUOUS', /a\.pub: size:/);
  });
  test('size with leading spaces', async (t) => {
    await check(t, await size('  000002000 '), 'ARCHIVE_AMBIGUOUS', /a\.pub: size:/);
  });
  test('size with no terminator', async (t) => {
    await check(t, await size('000000002000'), 'ARCHIVE_AMBIGUOUS', /a\.pub: size:/);
  });
  test('size with text after its terminator', async (t) => {
    await check(t, await size('2000\0evil\0\0\0'), 'ARCHIVE_AMBIGUOUS', /a\.pub: size:/);
  });
  test('negative base-256 size', async (t) => {
    await check(t, await size(`\xff${'\xff'.repeat(11)}`), 'ARCHIVE_AMBIGUOUS', /a\.pub: size:.*base-256/);
  });
  test('base-256 size is read alike and accepted as a number', async (t) => {
    const h = patchHeader(aHeader(), 124, Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x04, 0x00]));
    await accepted(t, 'b256', await withA(h));
  });
  for (const [field, at, value] of [
    ['mode', 100, ' 000644\0'],
    ['uid', 108, '\x000000000'],
    ['gid', 116, '0000000x'],
    ['mtime', 136, '0000000000 9'],
    ['devmajor', 329, '00000009'],
    ['devminor', 337, '\0\0\0\0\0\0\0\0'],
  ] as const) {
    test(`${field} ${JSON.stringify(value)}`, async (t) => {
      await check(
        t,
        await withA(patchHeader(aHeader(), at, value)),
        'ARCHIVE_AMBIGUOUS',
        new RegExp(`a\\.pub: ${field}: the ${field} field`),
      );
    });
  }
});

describe('checksum', () => {
  test('a checksum that matches only the signed sum (tarfile accepts it, tar-stream does not)', async (t) => {
    const h = patchHeader(aHeader(), 265, '\xe9\xe9\xe9', { signed: true });
    await check(t, await withA(h), 'ARCHIVE_AMBIGUOUS', /a\.pub: checksum: .*only the signed sum/, readersDiffer);
  });
  test('a checksum with leading spaces', async (t) => {
    const h = aHeader();
    const sum = Number.parseInt(h.toString('latin1', 148, 154), 8);
    h.write(`${sum.toString(8).padStart(7, ' ')}\0`, 148, 'latin1');
    await check(t, await withA(h), 'ARCHIVE_AMBIGUOUS', /a\.pub: checksum: the checksum field is not plain octal/);
  });
  test('a block that is zero but for its checksum (tar-stream skips it, tarfile stops)', async (t) => {
    const z = setChecksum(Buffer.alloc(512));
    await check(t, await withA(aHeader(), z), 'ARCHIVE_AMBIGUOUS', /magic:/, readersDiffer);
  });
});

describe('formats: magic, version, prefix, names', () => {
  test('v7 header (no magic): tarfile reads it, tar-stream does not', async (t) => {
    const h = patchHeader(aHeader(), 257, Buffer.alloc(8));
    await check(t, await withA(h), 'ARCHIVE_AMBIGUOUS', /a\.pub: magic: magic and version/, readersDiffer);
  });
  test('ustar magic with another version', async (t) => {
    await check(t, await withA(patchHeader(aHeader(), 263, '\0\0')), 'ARCHIVE_AMBIGUOUS', /a\.pub: magic:/);
  });
  test('GNU magic with a prefix: tarfile joins it, tar-stream ignores it', async (t) => {
    const h = patchHeader(patchHeader(aHeader(), 257, 'ustar  \0'), 345, 'evil');
    await check(t, await withA(h), 'ARCHIVE_AMBIGUOUS', /a\.pub: prefix: a GNU header/, pythonSeesEvil);
  });
  test('GNU magic with an empty prefix area is read', async (t) => {
    await accepted(t, 'gnu', await withA(patchHeader(aHeader(), 257, 'ustar  \0')));
  });
  test('a name with bytes after its NUL', async (t) => {
    const h = patchHeader(aHeader(), 0, `${A.path}\0../evil`);
    await check(
      t,
      await withA(h),
      'ARCHIVE_AMBIGUOUS',
      /a\.pub: name: the name field has bytes after its terminating NUL/,
    );
  });
  test('a prefix with bytes after its NUL', async (t) => {
    const h = patchHeader(aHeader(), 345, 'x\0y');
    await check(t, await withA(h), 'ARCHIVE_AMBIGUOUS', /prefix: the prefix field has bytes after/);
  });
  test('a regular file with a link name', async (t) => {
    await check(t, await withA(patchHeader(aHeader(), 157, '../evil')), 'ARCHIVE_AMBIGUOUS', /a\.pub: linkname:/);
  });
});

describe('type flags other readers give a meaning', () => {
  for (const [flag, what] of [
    ['S', /GNU sparse file/],
    ['g', /pax global header/],
    ['K', /GNU long link name/],
  ] as const) {
    test(`type '${flag}'`, async (t) => {
      await check(
        t,
        await withA(patchHeader(aHeader(), 156, flag)),
        'ARCHIVE_AMBIGUOUS',
        new RegExp(`typeflag: type '${flag}' is .*${what.source}`),
      );
    });
  }
  test('a pax global header renaming every later member (tarfile applies it, tar-stream does not)', async (t) => {
    const g = paxHeader(paxRecord('path', '../evil'), 'g');
    await check(t, await withA(aHeader(), g), 'ARCHIVE_AMBIGUOUS', /typeflag: type 'g'/, pythonSeesEvil);
  });
});

describe('extended headers: one per member, only what the writer writes', () => {
  const pax = (...records: [string, string][]): Buffer => paxHeader(records.map(([k, v]) => paxRecord(k, v)).join(''));
  test('two pax headers in a row: tarfile applies the first, tar-stream the second', async (t) => {
    await check(
      t,
      await withA(aHeader(), pax(['path', '../evil']), pax(['path', A.path])),
      'ARCHIVE_AMBIGUOUS',
      /typeflag: a pax header right after another extended header/,
      pythonSeesEvil,
    );
  });
  test('a GNU long name then a pax header: tarfile takes the long name, tar-stream the pax path', async (t) => {
    await check(
      t,
      await withA(aHeader(), gnuLongName('../evil'), pax(['path', A.path])),
      'ARCHIVE_AMBIGUOUS',
      /typeflag: a pax header right after another extended header/,
      pythonSeesEvil,
    );
  });
  test('a pax header then a GNU long name', async (t) => {
    await check(
      t,
      await withA(aHeader(), pax(['path', A.path]), gnuLongName('../evil')),
      'ARCHIVE_AMBIGUOUS',
      /typeflag: a GNU long-name header right after another extended header/,
    );
  });
  test('a pax size record that is not plain decimal: tarfile reads 0, tar-stream 1024', async (t) => {
    await check(
      t,
      await withA(aHeader(), pax(['size', '1024x'])),
      'ARCHIVE_AMBIGUOUS',
      /a\.pub: pax size: pax key 'size'/,
      pythonSeesEvil,
    );
  });
  test('GNU.sparse.name renames the member for tarfile only', async (t) => {
    await check(
      t,
      await withA(aHeader(), pax(['GNU.sparse.name', '../evil'])),
      'ARCHIVE_AMBIGUOUS',
      /a\.pub: pax GNU\.sparse\.name: GNU sparse records/,
      pythonSeesEvil,
    );
  });
  test('a pax key airlock does not write', async (t) => {
    await check(
      t,
      await withA(aHeader(), pax(['linkpath', '/etc/passwd'])),
      'ARCHIVE_AMBIGUOUS',
      /pax linkpath: pax key 'linkpath' is not one airlock writes/,
    );
  });
  test('a pax key holding a terminal escape is escaped in the message', async (t) => {
    await check(
      t,
      await withA(aHeader(), pax(['\u001b[2J\u009b1m', 'x'])),
      'ARCHIVE_AMBIGUOUS',
      /^ARCHIVE_AMBIGUOUS: tuf\/targets\/a\.pub: pax \\u001b\[2J\\u009b1m: pax key '\\u001b\[2J\\u009b1m' is not one/,
    );
  });
  test('the same pax key twice', async (t) => {
    await check(
      t,
      await withA(aHeader(), pax(['path', A.path], ['path', '../evil'])),
      'ARCHIVE_AMBIGUOUS',
      /pax path: pax key 'path' appears twice/,
    );
  });
  test('an empty pax path (deletes the name for POSIX readers)', async (t) => {
    await check(t, await withA(aHeader(), pax(['path', ''])), 'ARCHIVE_AMBIGUOUS', /pax path: .*empty value/);
  });
  for (const [label, records, what] of [
    ['a length field that is too long', `30 path=${A.path}\n`, /do not end at its newline/],
    ['a length field that is too short', `20 path=${A.path}\n`, /do not end at its newline/],
    ['a length with a leading zero', `0${paxRecord('path', A.path)}`, /plain decimal length/],
    ['a length with a sign', `+${paxRecord('path', A.path)}`, /plain decimal length/],
    ['bytes after the last record', `${paxRecord('path', A.path)}\0\0`, /plain decimal length/],
    ['a record with no =', '9 pathx\n\n', /no key=value|do not end/],
  ] as const) {
    test(`a pax record with ${label}`, async (t) => {
      await check(
        t,
        await withA(aHeader(), paxHeader(records)),
        'ARCHIVE_AMBIGUOUS',
        new RegExp(`a\\.pub: pax record: .*${what.source}`),
      );
    });
  }
  test('a GNU long name with bytes after its NUL', async (t) => {
    const body = Buffer.from(`${A.path}\0../evil\0`);
    const l = Buffer.concat([rawHeader('././@LongLink', 'L', body.length), body, Buffer.alloc(512 - body.length)]);
    await check(t, await withA(aHeader(), l), 'ARCHIVE_AMBIGUOUS', /long name: a GNU long name that is not one name/);
  });
  test('an extended header with no member after it', async (t) => {
    const archive = Buffer.concat([await manifestHead(), paxHeader(paxRecord('path', A.path)), END_BLOCKS]);
    await check(
      t,
      archive,
      'ARCHIVE_AMBIGUOUS',
      /extended header at offset \d+: typeflag: an extended header with no member after it/,
    );
  });
  test('a pax path and a GNU long name written alone are read (one per member)', async (t) => {
    const archive = Buffer.concat([
      await manifestHead(),
      pax(['path', A.path]),
      rawMember('PaxHeader-named', A.body),
      gnuLongName(B.path),
      rawMember('longlink-named', B.body),
      END_BLOCKS,
    ]);
    await accepted(t, 'ext-ok', archive);
  });
});
describe('the end of the archive is where every reader stops', () => {
  test('one zero block, then more members (tarfile and GNU tar stop at it, tar-stream reads on)', async (t) => {
    const archive = Buffer.concat([
      await manifestHead(),
      Buffer.alloc(512),
      rawMember(A.path, A.body),
      rawMember(B.path, B.body),
      END_BLOCKS,
    ]);
    await check(
      t,
      archive,
      'ARCHIVE_TRAILING_DATA',
      /data after the end-of-archive marker at offset \d+ \('tuf\/targets\/a\.pub'\)/,
      readersDiffer,
    );
  });
  test('a zero block before the manifest', async (t) => {
    const archive = Buffer.concat([
      Buffer.alloc(512),
      await manifestHead(),
      rawMember(A.path, A.body),
      rawMember(B.path, B.body),
      END_BLOCKS,
    ]);
    await check(
      t,
      archive,
      'ARCHIVE_TRAILING_DATA',
      /data after the end-of-archive marker at offset 0 \('airlock-manifest\.json'\)/,
      readersDiffer,
    );
  });
});
