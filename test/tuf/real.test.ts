import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TUF_2025, TUF_2026, TUF_STAGING } from '../helpers/fixtures.ts';
import { sha256Hex } from '../../lib/util/digest.ts';
import { checkRepository, loadPinnedRoot, loadTrustState, type Instance } from '../../lib/tuf/index.ts';
import { snapshotDir, tempDir } from './harness.ts';

// The real Sigstore repositories (public-good 2025 and 2026, staging 2026),
// chained from the pinned roots in trust-roots/. Dates come from the files:
//   2025: timestamp v522 expires 2025-11-30T01:56:06Z, final root v13 expires 2026-01-22T13:05:59Z
//   2026: timestamp v762 expires 2026-08-28T19:25:56Z, final root v15 expires 2026-11-20T13:58:18Z
//   staging: timestamp v703 expires 2026-08-28T19:23:59Z, final root v14 expires 2026-10-16T19:39:43Z

const DAY = 86_400_000;

interface Case {
  name: string;
  dir: () => string;
  instance: Instance;
  valid: string;
  root: number;
  rootFile: string;
  ts: number;
  trustedRoot: string;
  /** After the timestamp expired, before the root did; the smallest whole-day grace that accepts it. */
  lapsed: string;
  graceDays: number;
  pastRoot: string;
}

const CASES: Case[] = [
  {
    name: 'public-good 2025-11-23',
    dir: TUF_2025,
    instance: 'public-good',
    valid: '2025-11-24T00:00:00Z',
    root: 13,
    rootFile: 'trust-roots/public-good/13.root.json',
    ts: 522,
    trustedRoot: '6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66',
    lapsed: '2025-12-15T00:00:00Z',
    graceDays: 14,
    pastRoot: '2026-01-23T00:00:00Z',
  },
  {
    name: 'public-good 2026-08-21',
    dir: TUF_2026,
    instance: 'public-good',
    valid: '2026-08-22T00:00:00Z',
    root: 15,
    rootFile: 'metadata/15.root.json',
    ts: 762,
    trustedRoot: '6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66',
    lapsed: '2026-10-01T00:00:00Z',
    graceDays: 33,
    pastRoot: '2026-11-21T00:00:00Z',
  },
  {
    name: 'staging 2026-08-21',
    dir: TUF_STAGING,
    instance: 'staging',
    valid: '2026-08-22T00:00:00Z',
    root: 14,
    rootFile: 'trust-roots/staging/14.root.json',
    ts: 703,
    trustedRoot: '44deb991d4bbf2150751ccee235d9810bce4434383c26d8898c1bcadbace6ed8',
    lapsed: '2026-09-15T00:00:00Z',
    graceDays: 17,
    pastRoot: '2026-10-17T00:00:00Z',
  },
];

async function run(c: Case, now: string, graceMs?: number, stateDir?: string) {
  const checked = await checkRepository({
    pin: { instance: c.instance },
    source: c.dir(),
    now: new Date(now),
    ...(graceMs !== undefined ? { graceMs } : {}),
    ...(stateDir ? { stateDir } : {}),
  });
  await checked.commit();
  return checked;
}

/** The stored root version and role versions (the digests and listing aside). */
async function loadState(stateDir: string, pinned: Awaited<ReturnType<typeof loadPinnedRoot>>) {
  const s = await loadTrustState(stateDir, pinned);
  return (
    s && { root: s.root, rootVersion: s.rootVersion, timestamp: s.timestamp, snapshot: s.snapshot, targets: s.targets }
  );
}

for (const c of CASES) {
  test(`${c.name}: verifies at ${c.valid} from the pinned root`, async () => {
    const { trustedRoot, result } = await run(c, c.valid);
    assert.equal(sha256Hex(trustedRoot), c.trustedRoot);
    assert.equal(result.root.version, c.root);
    assert.equal(result.timestamp.version, c.ts);
    assert.equal(result.graceUsed, false);
    assert.ok(result.targetFiles.some((t) => t.name === 'signing_config.v0.2.json'));
    for (const f of result.files) assert.match(f.path, /^(metadata\/[^/]+\.json|targets\/[0-9a-f]{64}\.[^/]+)$/);
  });

  test(`${c.name}: frozen today (2026-11-25): TUF_EXPIRED on the final root`, async () => {
    await assert.rejects(run(c, '2026-11-25T00:00:00Z'), { code: 'TUF_EXPIRED', file: c.rootFile });
  });

  test(
    `${c.name}: timestamp expired at ${c.lapsed}: fails without grace, passes with ${c.graceDays + 1}d, not with ` +
      `${c.graceDays}d`,
    async () => {
      await assert.rejects(run(c, c.lapsed), { code: 'TUF_EXPIRED', file: 'metadata/timestamp.json' });
      await assert.rejects(run(c, c.lapsed, c.graceDays * DAY), {
        code: 'TUF_EXPIRED',
        file: 'metadata/timestamp.json',
      });
      const { result } = await run(c, c.lapsed, (c.graceDays + 1) * DAY);
      assert.equal(result.graceUsed, true);
      assert.ok(result.timestamp.expiredBy! > c.graceDays * DAY);
    },
  );

  test(`${c.name}: past the root's expiry no grace helps`, async () => {
    await assert.rejects(run(c, c.pastRoot, 3650 * DAY), { code: 'TUF_EXPIRED', file: c.rootFile });
  });
}

test('2026 then 2025 with one state: TUF_ROLLBACK, and nothing written', async () => {
  const stateDir = join(await tempDir(), 'state');
  const [c2025, c2026] = [CASES[0]!, CASES[1]!];
  await run(c2026, c2026.valid, undefined, stateDir);
  const before = await snapshotDir(stateDir);
  await assert.rejects(run(c2025, c2025.valid, undefined, stateDir), {
    code: 'TUF_ROLLBACK',
    file: 'metadata/timestamp.json',
    message: 'version 522 < trusted 762',
  });
  assert.deepEqual(await snapshotDir(stateDir), before);
});

test('2025 then 2026 with one state: both pass and the state moves forward', async () => {
  const stateDir = join(await tempDir(), 'state');
  const [c2025, c2026] = [CASES[0]!, CASES[1]!];
  const pinned = await loadPinnedRoot({ instance: 'public-good' });
  await run(c2025, c2025.valid, undefined, stateDir);
  const s1 = await loadState(stateDir, pinned);
  assert.deepEqual(
    { ...s1, root: undefined },
    { root: undefined, rootVersion: 13, timestamp: 522, snapshot: 162, targets: 13 },
  );
  await run(c2026, c2026.valid, undefined, stateDir);
  const s2 = await loadState(stateDir, pinned);
  assert.deepEqual(
    { ...s2, root: undefined },
    { root: undefined, rootVersion: 15, timestamp: 762, snapshot: 165, targets: 14 },
  );
  // The next check starts from the stored root v15: the same copy again still passes.
  const { result } = await run(c2026, c2026.valid, undefined, stateDir);
  assert.deepEqual(
    result.files.filter((f) => f.path.endsWith('.root.json')),
    [],
  );
});

test('the pinned roots are the documented ones', async () => {
  const pg = await loadPinnedRoot();
  assert.equal(pg.label, 'trust-roots/public-good/13.root.json');
  assert.equal(pg.sha256, '39277f1fbd482f84d924b6cb77748f62ab0f031b3b5b9b29e681dae056c32250');
  const st = await loadPinnedRoot({ instance: 'staging' });
  assert.equal(st.label, 'trust-roots/staging/14.root.json');
  assert.equal(st.sha256, '353d172f05f9e73b4a647b1a464f16726d929cbfd030cc42bffb86cd742fb61f');
});
