import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { isAirlockError } from '../../lib/errors.ts';
import { readIndexPage, readWheel, requiresPythonOf } from '../../lib/verify/index.ts';
import { PYPI } from '../helpers/fixtures.ts';
import { removeTempDirs, tempDir } from './helpers.ts';
import { makeZip, type ZipEntry } from './zip.ts';

// The wheel's zip is read through its central directory, and refused when
// another reader could see other content; one field of a good zip changed
// per test. The index page may only agree with the verified file.

after(removeTempDirs);

const METADATA = Buffer.from('Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Python: >=3.9\n\nbody\n');
const good = (): ZipEntry[] => [
  { name: 'demo/__init__.py', data: Buffer.from('x = 1\n') },
  { name: 'demo-1.0.dist-info/METADATA', data: METADATA },
  { name: 'demo-1.0.dist-info/RECORD', data: Buffer.from('') },
];

async function read(zip: Buffer) {
  const p = join(await tempDir(), 'demo-1.0-py3-none-any.whl');
  await writeFile(p, zip);
  return readWheel(p, 'packages/demo/demo-1.0-py3-none-any.whl');
}

async function refused(zip: Buffer, message: RegExp): Promise<void> {
  await assert.rejects(read(zip), (e: unknown) => {
    assert.ok(isAirlockError(e));
    assert.equal(e.code, 'ZIP_AMBIGUOUS');
    assert.equal(e.file, 'packages/demo/demo-1.0-py3-none-any.whl');
    assert.match(e.message, message);
    return true;
  });
}

test('a good wheel: its METADATA and Requires-Python', async () => {
  const w = await read(makeZip(good()));
  assert.deepEqual(Buffer.from(w.metadata!), METADATA);
  assert.equal(w.metadataName, 'demo-1.0.dist-info/METADATA');
  assert.equal(requiresPythonOf(w.metadata!), '>=3.9');
});

test('the real rfc8785 wheel reads', async () => {
  const w = await readWheel(PYPI('rfc8785-0.1.2-py3-none-any.whl'), 'rfc8785.whl');
  assert.equal(w.metadataName, 'rfc8785-0.1.2.dist-info/METADATA');
});

test('a local header naming another file than its central entry: ZIP_AMBIGUOUS', async () => {
  const e = good();
  e[1]!.localName = 'demo-1.0.dist-info/METADATX';
  await refused(makeZip(e), /local header name differs/);
});

test('a local header with another CRC-32: ZIP_AMBIGUOUS', async () => {
  const e = good();
  e[0]!.localCrc = 1;
  await refused(makeZip(e), /CRC-32 differs/);
});

test('the same name twice (or twice without case): ZIP_AMBIGUOUS', async () => {
  await refused(makeZip([...good(), { name: 'demo/__init__.py', data: Buffer.from('evil') }]), /appears twice/);
  await refused(makeZip([...good(), { name: 'DEMO/__init__.py', data: Buffer.from('evil') }]), /appears twice/);
});

test('bytes before the first entry or between entries: ZIP_AMBIGUOUS', async () => {
  await refused(makeZip(good(), { prefix: Buffer.from('#!/bin/sh\n') }), /before the first zip entry/);
  await refused(makeZip(good(), { gapAfterFirst: Buffer.alloc(40) }), /unaccounted bytes after zip entry/);
});

test('two .dist-info/METADATA files: ZIP_AMBIGUOUS', async () => {
  await refused(
    makeZip([...good(), { name: 'other-1.0.dist-info/METADATA', data: METADATA }]),
    /2 \.dist-info\/METADATA/,
  );
});

test('not a zip at all: ZIP_AMBIGUOUS', async () => {
  await refused(Buffer.from('not a zip'), /not a readable zip/);
});

test('no METADATA: nothing to compare, not a refusal', async () => {
  const w = await read(makeZip(good().filter((e) => !e.name.endsWith('METADATA'))));
  assert.equal(w.metadata, undefined);
});

test('property: any bytes are a wheel or a coded refusal, never a crash', async () => {
  const dir = await tempDir();
  const base = makeZip(good());
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ maxLength: 400 }),
        fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, v]) => {
          const b = Buffer.from(base);
          b[i] = v;
          return new Uint8Array(b);
        }),
      ),
      async (bytes) => {
        const p = join(dir, 'p.whl');
        await writeFile(p, bytes);
        try {
          await readWheel(p, 'p.whl');
        } catch (e) {
          assert.ok(isAirlockError(e), String(e));
          assert.equal(e.code, 'ZIP_AMBIGUOUS');
        }
      },
    ),
    { numRuns: 200 },
  );
});

const verified = new Map([['demo-1.0.tar.gz', { sha256: 'a'.repeat(64), size: 10 }]]);
const page = (file: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  Buffer.from(
    JSON.stringify({
      meta: { 'api-version': '1.1' },
      name: 'demo',
      files: [{ filename: 'demo-1.0.tar.gz', url: 'x', ...file }],
      ...extra,
    }),
  );

test('index page: agreeing hash and size, unverified fields and PEP 792 status carried', () => {
  const f = readIndexPage(
    page(
      {
        hashes: { sha256: 'a'.repeat(64) },
        size: 10,
        'requires-python': '>=3.8',
        yanked: 'bad',
        'upload-time': '2025-01-01T00:00:00Z',
      },
      { 'project-status': { status: 'quarantined', reason: 'malware report' } },
    ),
    'index/demo.json',
    verified,
  );
  assert.equal(f.mismatches.size, 0);
  assert.deepEqual(f.files.get('demo-1.0.tar.gz'), {
    requiresPython: '>=3.8',
    yanked: 'bad',
    uploadTime: '2025-01-01T00:00:00Z',
  });
  assert.deepEqual(f.status, { status: 'quarantined', reason: 'malware report' });
});

test('index page: another sha256, a malformed one, or another size is a mismatch', () => {
  for (const file of [
    { hashes: { sha256: 'b'.repeat(64) } },
    { hashes: { sha256: 'zz' } },
    { size: 11 },
    { size: '10' },
  ]) {
    const f = readIndexPage(page(file), 'index/demo.json', verified);
    assert.match(f.mismatches.get('demo-1.0.tar.gz') ?? '', /index page gives/, JSON.stringify(file));
  }
});

test('property: any index page bytes give facts or a coded error, never a crash', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        fc.json().map((j) => Buffer.from(j)),
      ),
      (bytes) => {
        const f = readIndexPage(bytes, 'index/demo.json', verified);
        if (f.error) assert.ok(isAirlockError(f.error));
      },
    ),
    { numRuns: 300 },
  );
});
