import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AirlockError } from '../../lib/errors.ts';
import {
  checkTime,
  commitPins,
  commitPinsLocked,
  forgetPin,
  loadPins,
  pinsPath,
  savePins,
  EMPTY_PINS,
  type JudgeOptions,
} from '../../lib/pins/index.ts';
import { builtinPolicy, judgeFiles } from '../../lib/policy/index.ts';
import { validateSchema } from '../../lib/schemas.ts';
import { LOCK_FILE, withLock } from '../../lib/util/lock.ts';
import { GH, GITHUB_SIGNER, OTHER, OTHER_SIGNER, file } from '../policy/facts.ts';

const root = mkdtempSync(join(tmpdir(), 'airlock-pins-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshState = () => join(root, `s${n++}`);

const T1 = { time: '2026-08-22T00:00:00.000Z', source: '--now' } as const;
const T2 = { time: '2026-08-23T00:00:00.000Z', source: 'clock' } as const;
const opts = (over: Partial<JudgeOptions> = {}): JudgeOptions => ({
  acceptNew: false,
  acceptChange: [],
  now: T1,
  ...over,
});
const GH_FILE = file('pypi-attestations', [GITHUB_SIGNER]);
const OTHER_FILE = file('pypi-attestations', [OTHER_SIGNER]);

function code(c: string, message?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof AirlockError, String(e));
    assert.equal(e.code, c, e.message);
    if (message) assert.match(e.message, message);
    return true;
  };
}

test('no pins file: empty pins; a commit writes a schema-valid file, atomically', async () => {
  const state = freshState();
  assert.equal((await loadPins(state)).projects.size, 0);
  await commitPins(state, builtinPolicy(), [GH_FILE], opts({ acceptNew: true }));
  const doc = JSON.parse(readFileSync(pinsPath(state), 'utf8'));
  validateSchema('pins', doc, 'pins.json');
  assert.equal(doc.format, 'airlock-pins/1');
  assert.deepEqual(doc.latestNow, T1);
  assert.deepEqual(doc.projects['pypi-attestations'].publishers, [GH]);
  assert.deepEqual(readdirSync(state).sort(), ['pins.json']);
  const back = await loadPins(state);
  assert.deepEqual(back.projects.get('pypi-attestations')?.publishers, [GH]);
});

test('pins transitions across runs: tofu, pinned, changed refused, accepted change, forget', async () => {
  const state = freshState();
  const p = builtinPolicy();
  const judge = async (f = GH_FILE, o = opts()) => judgeFiles(p, await loadPins(state), [f], o).decisions[0]!;
  assert.equal((await judge()).code, 'PUBLISHER_UNPINNED');
  await commitPins(state, p, [GH_FILE], opts({ acceptNew: true }));
  assert.deepEqual((await judge()).decidedBy, ['policy:defaults', 'pin']);
  assert.equal((await judge(OTHER_FILE)).code, 'PUBLISHER_CHANGED');
  await commitPins(state, p, [OTHER_FILE], opts({ acceptChange: ['pypi-attestations'], now: T2 }));
  const pin = (await loadPins(state)).projects.get('pypi-attestations')!;
  assert.deepEqual(pin.publishers, [OTHER]);
  assert.deepEqual(
    pin.history.map((h) => [h.kind, h.time, h.source]),
    [
      ['accept-new', T1.time, '--now'],
      ['accept-change', T2.time, 'clock'],
    ],
  );
  assert.deepEqual(pin.history[1]?.old?.publishers, [GH]);
  assert.equal((await judge(GH_FILE, opts({ now: T2 }))).code, 'PUBLISHER_CHANGED');
  const removed = await forgetPin(state, 'PyPI_Attestations');
  assert.deepEqual(removed.publishers, [OTHER]);
  assert.equal((await loadPins(state)).projects.size, 0);
  assert.equal((await loadPins(state)).latestNow?.time, T2.time, 'forgetting a pin keeps the time');
  await assert.rejects(forgetPin(state, 'pypi-attestations'), code('USAGE', /no pin/));
});

test('TIME_ROLLBACK: an earlier now than the state accepted is refused, early and at commit', async () => {
  const state = freshState();
  await commitPins(state, builtinPolicy(), [GH_FILE], opts({ acceptNew: true, now: T2 }));
  const pins = await loadPins(state);
  assert.throws(
    () => checkTime(pins, T1),
    code('TIME_ROLLBACK', /2026-08-22.*--now.*earlier than 2026-08-23.*system clock/),
  );
  checkTime(pins, T2);
  checkTime(pins, { time: '2027-01-01T00:00:00.000Z', source: 'clock' });
  checkTime(EMPTY_PINS, T1);
  const before = readFileSync(pinsPath(state), 'utf8');
  await assert.rejects(commitPins(state, builtinPolicy(), [GH_FILE], opts({ now: T1 })), code('TIME_ROLLBACK'));
  assert.equal(readFileSync(pinsPath(state), 'utf8'), before, 'a refused commit leaves the pins untouched');
});

test('a commit re-judges on the pins stored at that moment (another run may have pinned meanwhile)', async () => {
  const state = freshState();
  const p = builtinPolicy();
  // Both runs judged on empty pins with --accept-new; the first to commit wins, the second is refused.
  await commitPins(state, p, [GH_FILE], opts({ acceptNew: true }));
  await assert.rejects(
    commitPins(state, p, [OTHER_FILE], opts({ acceptNew: true })),
    code('PUBLISHER_CHANGED', /stored pins changed during this run/),
  );
  assert.deepEqual((await loadPins(state)).projects.get('pypi-attestations')?.publishers, [GH]);
});

test("commitPinsLocked runs inside the caller's lock; commitPins takes it itself", async () => {
  const state = freshState();
  await withLock(state, async () => {
    assert.ok(existsSync(join(state, LOCK_FILE)));
    await commitPinsLocked(state, builtinPolicy(), [GH_FILE], opts({ acceptNew: true }));
  });
  assert.equal(existsSync(join(state, LOCK_FILE)), false);
  // Held by another (live) holder: commitPins waits, then LOCKED, and writes nothing.
  const other = freshState();
  mkdirSync(other, { recursive: true });
  writeFileSync(join(other, LOCK_FILE), JSON.stringify({ pid: 1, host: 'elsewhere', since: 'x' }));
  await assert.rejects(
    Promise.race([
      commitPins(other, builtinPolicy(), [GH_FILE], opts({ acceptNew: true })),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no LOCKED within 60 s')), 60_000)),
    ]),
    code('LOCKED'),
  );
  assert.equal(existsSync(pinsPath(other)), false);
});

test('an unreadable or malformed pins file is PINS_UNREADABLE (exit 2), never reset', async () => {
  const cases: Array<[string, string | Uint8Array, RegExp?]> = [
    ['not json', '{', /not valid JSON/],
    ['wrong format', JSON.stringify({ format: 'airlock-pins/2', projects: {} })],
    ['unknown key', JSON.stringify({ format: 'airlock-pins/1', projects: {}, extra: 1 })],
    ['bad name', JSON.stringify({ format: 'airlock-pins/1', projects: { Not_Normal: {} } })],
    [
      'bad publisher',
      JSON.stringify({
        format: 'airlock-pins/1',
        projects: {
          a: { publishers: [{ kind: 'GitHub' }], provenance: true, firstSeen: T1.time, lastSeen: T1.time, history: [] },
        },
      }),
    ],
    [
      'bad time',
      JSON.stringify({ format: 'airlock-pins/1', latestNow: { time: 'yesterday', source: 'clock' }, projects: {} }),
    ],
    ['not utf-8', new Uint8Array([0x7b, 0xff, 0x7d])],
  ];
  for (const [name, content, message] of cases) {
    const state = freshState();
    mkdirSync(state, { recursive: true });
    writeFileSync(pinsPath(state), content);
    await assert.rejects(loadPins(state), (e: unknown) => {
      assert.ok(e instanceof AirlockError, name);
      assert.equal(e.code, 'PINS_UNREADABLE', `${name}: ${e.message}`);
      assert.equal(e.exitCode, 2);
      assert.equal(e.file, pinsPath(state));
      if (message) assert.match(e.message, message);
      return true;
    });
    await assert.rejects(
      commitPins(state, builtinPolicy(), [GH_FILE], opts({ acceptNew: true })),
      code('PINS_UNREADABLE'),
    );
    assert.deepEqual(readFileSync(pinsPath(state)), Buffer.from(content), `${name}: left as it was`);
  }
  // A folder where the file should be.
  const state = freshState();
  mkdirSync(pinsPath(state), { recursive: true });
  await assert.rejects(loadPins(state), code('PINS_UNREADABLE'));
});

test('an unwritable state folder: OUTPUT_FAILED, nothing half-written', {
  skip: process.getuid?.() === 0,
}, async () => {
  const state = freshState();
  await savePins(state, EMPTY_PINS);
  chmodSync(state, 0o500);
  try {
    await assert.rejects(
      commitPins(state, builtinPolicy(), [GH_FILE], opts({ acceptNew: true })),
      (e: unknown) => e instanceof AirlockError,
    );
  } finally {
    chmodSync(state, 0o700);
  }
  assert.equal((await loadPins(state)).projects.size, 0);
});
