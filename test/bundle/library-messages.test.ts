import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import zlib from 'node:zlib';
import tar from 'tar-stream';

// lib/bundle/stream-errors.ts names a broken stream by what zlib and
// tar-stream throw. Where they give a code (Z_BUF_ERROR, Z_DATA_ERROR) it
// reads the code; where they give only a message, that message is pinned here,
// one test per message, so that an upgrade that rewords one fails loudly
// instead of turning ARCHIVE_TRUNCATED into ARCHIVE_UNREADABLE.

const sink = () =>
  new Writable({
    write(_c, _e, cb) {
      cb();
    },
  });

async function failure(input: Buffer, stage: NodeJS.ReadWriteStream | Writable): Promise<NodeJS.ErrnoException> {
  try {
    await pipeline(Readable.from([input]), stage as NodeJS.ReadWriteStream, sink());
  } catch (e) {
    return e as NodeJS.ErrnoException;
  }
  return assert.fail('expected the stream to fail');
}

const DATA = Buffer.alloc(100_000, 7);

test('zlib: a truncated gzip or zstd stream is Z_BUF_ERROR (typed)', async () => {
  const gz = zlib.gzipSync(DATA);
  assert.equal((await failure(gz.subarray(0, gz.length - 20), zlib.createGunzip())).code, 'Z_BUF_ERROR');
  const zs = zlib.zstdCompressSync(DATA);
  assert.equal((await failure(zs.subarray(0, zs.length - 5), zlib.createZstdDecompress())).code, 'Z_BUF_ERROR');
});

test("zlib: bytes after a gzip member are Z_DATA_ERROR 'incorrect header check' (message pinned)", async () => {
  const e = await failure(
    Buffer.concat([zlib.gzipSync(DATA), Buffer.from('appended data, not gzip')]),
    zlib.createGunzip(),
  );
  assert.equal(e.code, 'Z_DATA_ERROR');
  assert.match(e.message, /incorrect header check/);
});

function extractFailure(input: Buffer): Promise<Error> {
  return new Promise((resolve, reject) => {
    const ex = tar.extract();
    ex.on('entry', (_h, stream, next) => {
      stream.on('end', next);
      stream.resume();
    });
    ex.on('error', resolve);
    ex.on('finish', () => reject(new Error('expected tar-stream to fail')));
    ex.end(input);
  });
}

/** One ustar header block, built by hand. */
function header(type: 'file' | 'pax-header', size: number): Buffer {
  const block = Buffer.alloc(512);
  const octal = (n: number, at: number, width: number) =>
    block.write(`${n.toString(8).padStart(width - 1, '0')}\0`, at, 'ascii');
  block.write('a', 0, 'ascii');
  octal(0o644, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(size, 124, 12);
  octal(0, 136, 12);
  block[156] = type === 'pax-header' ? 0x78 : 0x30;
  block.write('ustar\x0000', 257, 'binary');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

test("tar-stream: input ending inside a header is 'Unexpected end of data' (message pinned)", async () => {
  const e = await extractFailure(header('file', 0).subarray(0, 100));
  assert.match(e.message, /Unexpected end of data/);
});

test("tar-stream: an extended header over its limit is 'Header exceeds max size' (message pinned)", async () => {
  const e = await extractFailure(header('pax-header', 5 * 1024 * 1024));
  assert.match(e.message, /exceeds max size/);
});
