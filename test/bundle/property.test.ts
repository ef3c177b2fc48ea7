import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import tar from 'tar-stream';
import { parsePaxRecords, parseLongName } from '../../lib/bundle/extended-records.ts';
import { readHeader } from '../../lib/bundle/header-rules.ts';
import { parseManifest, readBundle, writeBundle, type MemberInput } from '../../lib/bundle/index.ts';
import { CODES, isAirlockError } from '../../lib/errors.ts';
import { REPO_ROOT } from '../helpers/fixtures.ts';
import { END_BLOCKS, padBlock, rawHeader, setChecksum } from '../helpers/tar.ts';

// For any bytes, and for mutations of real bundles, the reader and the
// manifest parser return a value or throw an airlock error with a known code,
// never anything else, and quickly. Each property is bounded in runs and time.

const PER_CASE_MS = 5_000;
const PROPERTY = { numRuns: 150, interruptAfterTimeLimit: 8_000 } as const;

let root: string;
let demo: Buffer;
const written: Buffer[] = [];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'airlock-property-'));
  demo = await readFile(join(REPO_ROOT, 'examples', 'demo-bundle.tar'));
  const members: MemberInput[] = [];
  for (const [path, body] of [
    ['tuf/targets/a.pub', 'alpha\n'],
    // Past 100 bytes: tar-stream splits it into prefix and name.
    [`tuf/targets/${'d'.repeat(80)}/${'c'.repeat(60)}.pub`, 'beta'.repeat(200)],
    // A file name past 100 bytes: tar-stream writes a pax path record.
    [`tuf/targets/${'e'.repeat(120)}.pub`, ''],
  ] as const) {
    const local = join(root, `m${members.length}`);
    await writeFile(local, body);
    members.push({ path, role: 'tuf-target', localPath: local });
  }
  for (const ext of ['tar', 'tar.gz', 'tar.zst']) {
    const out = join(root, `w.${ext}`);
    await writeBundle(out, { createdAt: '2026-08-22T00:00:00Z', sources: {}, packages: [] }, members);
    written.push(await readFile(out));
  }
});
after(() => rm(root, { recursive: true, force: true }));

function assertCoded(e: unknown): void {
  if (!isAirlockError(e) || !(e.code in CODES) || e.code === 'INTERNAL_ERROR') {
    throw new Error(`not a coded airlock error: ${String((e as Error)?.stack ?? e)}`);
  }
}

let n = 0;
async function readsOrRefuses(bytes: Uint8Array): Promise<void> {
  const path = join(root, `case-${++n}.tar`);
  await writeFile(path, bytes);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PER_CASE_MS} ms`)), PER_CASE_MS);
  });
  try {
    await Promise.race([readBundle(path, { dest: join(root, `out-${n}`) }), timeout]);
  } catch (e) {
    if ((e as Error).message.startsWith('no answer within')) throw e;
    assertCoded(e);
  } finally {
    clearTimeout(timer);
    await rm(path, { force: true });
    await rm(join(root, `out-${n}`), { recursive: true, force: true });
  }
}

/** A mutation of `base`: bytes overwritten, cut, inserted or a block repeated. */
const mutation = (bases: () => Buffer[]) =>
  fc
    .record({
      which: fc.nat(),
      kind: fc.constantFrom('overwrite', 'cut', 'insert', 'repeat-block'),
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    })
    .map(({ which, kind, at, bytes }) => {
      const all = bases();
      const base = all[which % all.length]!;
      const i = at % base.length;
      switch (kind) {
        case 'overwrite': {
          const b = Buffer.from(base);
          Buffer.from(bytes).copy(b, i);
          return b;
        }
        case 'cut':
          return base.subarray(0, i);
        case 'insert':
          return Buffer.concat([base.subarray(0, i), bytes, base.subarray(i)]);
        default: {
          const start = i - (i % 512);
          return Buffer.concat([base.subarray(0, start), base.subarray(start, start + 512), base.subarray(start)]);
        }
      }
    });

describe('reader: a manifest or a coded error, quickly', { timeout: 120_000 }, () => {
  test('the bundles the writer wrote, with a pax path and a ustar prefix, are read unchanged', async () => {
    assert.ok(written[0]!.includes(` path=tuf/targets/${'e'.repeat(120)}.pub\n`), 'a pax path record');
    assert.ok(written[0]!.includes('d'.repeat(80)), 'a ustar prefix');
    for (const [i, b] of written.entries()) {
      const path = join(root, `good-${i}`);
      await writeFile(path, b);
      assert.equal((await readBundle(path)).members.length, 3);
    }
  });
  test('arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), (b) => readsOrRefuses(b)),
      PROPERTY,
    );
  });
  test('arbitrary header blocks after a valid start', async () => {
    const blocks = fc.array(fc.uint8Array({ minLength: 512, maxLength: 512 }), { maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(blocks, async (bs) => {
        // Give each random block a valid checksum and magic half of the time, so the rules past them are reached.
        const fixed = bs.map((b, i) => {
          const block = Buffer.from(b);
          if (i % 2 === 0) {
            block.write('ustar\u000000', 257, 'latin1');
            setChecksum(block);
          }
          return block;
        });
        await readsOrRefuses(Buffer.concat([demo.subarray(0, 1024), ...fixed, END_BLOCKS]));
      }),
      PROPERTY,
    );
  });
  test('mutations of examples/demo-bundle.tar', async () => {
    await fc.assert(
      fc.asyncProperty(
        mutation(() => [demo]),
        (b) => readsOrRefuses(b),
      ),
      PROPERTY,
    );
  });
  test('mutations of bundles the writer wrote (tar, gzip, zstd)', async () => {
    await fc.assert(
      fc.asyncProperty(
        mutation(() => written),
        (b) => readsOrRefuses(b),
      ),
      PROPERTY,
    );
  });
});

describe('header rules agree with tar-stream on what they accept', () => {
  /** A good header with a few bytes overwritten, checksum fixed again. */
  const header = fc
    .record({
      at: fc.integer({ min: 0, max: 511 }),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
      sum: fc.boolean(),
    })
    .map(({ at, bytes, sum }) => {
      const b = rawHeader('tuf/targets/a.pub', '0', 5);
      Buffer.from(bytes).copy(b, at);
      return sum ? setChecksum(b) : b;
    });

  test('an accepted member header means the same name and size to tar-stream', async () => {
    await fc.assert(
      fc.asyncProperty(header, async (block) => {
        let h: ReturnType<typeof readHeader>;
        try {
          h = readHeader(block, 0, 'x.tar');
        } catch (e) {
          assertCoded(e);
          return;
        }
        if (h.kind !== 'member' || h.size > 4096) return;
        const archive = Buffer.concat([block, padBlock(Buffer.alloc(h.size)), END_BLOCKS]);
        const extract = tar.extract();
        Readable.from([archive]).pipe(extract as unknown as NodeJS.WritableStream);
        for await (const e of extract) {
          assert.equal(e.header.name, h.name);
          assert.equal(e.header.size, h.size);
          e.resume();
          break;
        }
      }),
      { numRuns: 300 },
    );
  });
  test('pax records and long names: a value or a coded error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        for (const parse of [parsePaxRecords, parseLongName]) {
          try {
            parse(Buffer.from(b), 'm');
          } catch (e) {
            assertCoded(e);
          }
        }
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string())), (records) => {
        const body = records.map(([k, v]) => `${Buffer.byteLength(` ${k}=${v}\n`) + 3} ${k}=${v}\n`).join('');
        try {
          parsePaxRecords(Buffer.from(body), 'm');
        } catch (e) {
          assertCoded(e);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('manifest parser: a manifest or MANIFEST_INVALID', () => {
  let good: Record<string, unknown>;
  before(async () => {
    // The demo bundle's manifest: the first member, right after its 512-byte header.
    const size = Number.parseInt(demo.toString('latin1', 124, 135), 8);
    good = JSON.parse(demo.toString('utf8', 512, 512 + size)) as Record<string, unknown>;
  });
  const parses = (bytes: Uint8Array): void => {
    const t0 = performance.now();
    try {
      parseManifest(bytes);
    } catch (e) {
      assertCoded(e);
      assert.equal((e as { code: string }).code, 'MANIFEST_INVALID');
    }
    assert.ok(performance.now() - t0 < PER_CASE_MS);
  };
  test('arbitrary bytes and arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (b) => parses(b)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => parses(Buffer.from(JSON.stringify(v) ?? 'null'))),
      { numRuns: 300 },
    );
  });
  test('the demo manifest with one field replaced anywhere', () => {
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, at: (string | number)[]): void => {
      paths.push(at);
      if (v !== null && typeof v === 'object')
        for (const [k, c] of Object.entries(v)) walk(c, [...at, Array.isArray(v) ? Number(k) : k]);
    };
    walk(good, []);
    fc.assert(
      fc.property(fc.nat(), fc.jsonValue({ maxDepth: 2 }), (i, value) => {
        const m = structuredClone(good);
        const at = paths[i % paths.length]!;
        if (at.length === 0) return parses(Buffer.from(JSON.stringify(value) ?? 'null'));
        let o = m as Record<string | number, unknown>;
        for (const k of at.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
        o[at.at(-1)!] = value;
        parses(Buffer.from(JSON.stringify(m)));
      }),
      { numRuns: 300 },
    );
  });
});
