import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  GENESIS,
  LineScanner,
  appendAuditLocked,
  auditPath,
  readAuditLog,
  type AuditEntry,
  type AuditRecord,
} from '../../lib/audit/index.ts';
import { AirlockError } from '../../lib/errors.ts';
import { validateSchema } from '../../lib/schemas.ts';
import { sha256Hex } from '../../lib/util/digest.ts';
import { runCli } from '../helpers/cli.ts';
import { REPO_ROOT } from '../helpers/fixtures.ts';

// Item 6 of issue 12: the audit log under --state. Every verdict of verify and
// export (refused runs too), every pin accepted or forgotten, each line
// chained by the sha256 of the one before; `log --check` names the first
// broken line.

const NOW = '2026-08-22T00:00:00Z';
const DEMO = join(REPO_ROOT, 'examples', 'demo-bundle.tar');
const POLICY = join(REPO_ROOT, 'examples', 'policy.toml');
const roots: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'airlock-audit-test-'));
  roots.push(d);
  return d;
}
after(() => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));

const forget = (project: string): AuditRecord => ({
  event: 'pins-forget',
  time: '2026-08-22T00:00:00.000Z',
  timeSource: 'clock',
  project,
  removed: { publishers: [{ kind: 'Google', email: 'a@example.com' }], provenance: true },
});

async function lines(state: string): Promise<string[]> {
  return (await readFile(auditPath(state), 'utf8')).split('\n').slice(0, -1);
}

function broken(e: unknown, line: number, message: RegExp): true {
  assert.ok(e instanceof AirlockError, String(e));
  assert.equal(e.code, 'AUDIT_LOG_BROKEN');
  assert.equal(e.exitCode, 1);
  assert.equal(e.field, `line ${line}`, e.toLine());
  assert.match(e.message, message);
  return true;
}

test('LineScanner: lines split across chunks, hashed whole, bytes kept up to the cap', () => {
  const s = new LineScanner(5);
  const out = [
    ...s.push(Buffer.from('ab')),
    ...s.push(Buffer.from('c\nlonger line\n')),
    ...s.push(Buffer.from('\ntail')),
  ];
  const end = s.end();
  assert.deepEqual(
    out.map((l) => [l.n, l.bytes?.toString(), l.sha256, l.terminated]),
    [
      [1, 'abc', sha256Hex('abc'), true],
      [2, undefined, sha256Hex('longer line'), true],
      [3, '', sha256Hex(''), true],
    ],
  );
  assert.deepEqual([end?.n, end?.bytes?.toString(), end?.terminated], [4, 'tail', false]);
  assert.equal(new LineScanner(5).end(), undefined);
});

test('append: seq from 1, prev the genesis then the sha256 of the line before; the chain reads back', async () => {
  const state = join(await tempDir(), 'state');
  await appendAuditLocked(state, [forget('a')]);
  await appendAuditLocked(state, [forget('b'), forget('c')]);
  await appendAuditLocked(state, []);
  const text = await lines(state);
  assert.equal(text.length, 3);
  const entries = text.map((l) => JSON.parse(l) as AuditEntry);
  assert.deepEqual(
    entries.map((e) => [e.seq, e.prev]),
    [
      [1, GENESIS],
      [2, `sha256:${sha256Hex(text[0]!)}`],
      [3, `sha256:${sha256Hex(text[1]!)}`],
    ],
  );
  const log = await readAuditLog(state);
  assert.equal(log.broken, undefined);
  assert.equal(log.entries.length, 3);
  assert.equal(log.head, `sha256:${sha256Hex(text[2]!)}`);
  for (const e of log.entries) validateSchema('audit-entry', e, 'audit.jsonl');
  // No log yet: an empty, intact chain.
  assert.deepEqual(await readAuditLog(join(state, 'none')), {
    file: auditPath(join(state, 'none')),
    entries: [],
    head: GENESIS,
  });
});

test('an edited, deleted, inserted, reordered or cut line breaks the chain at the first wrong line', async () => {
  const state = join(await tempDir(), 'state');
  await appendAuditLocked(state, [forget('a'), forget('b'), forget('c'), forget('d')]);
  const good = await lines(state);
  const check = async (text: string[], line: number, message: RegExp, end = '\n') => {
    await writeFile(auditPath(state), text.join('\n') + end);
    const log = await readAuditLog(state);
    broken(log.broken, line, message);
    assert.equal(log.entries.length, line - 1, 'the entries before the break');
  };
  // Line 2 edited: still a valid entry, so the chain breaks at line 3, which names line 2.
  await check([good[0]!, good[1]!.replace('"b"', '"x"'), good[2]!, good[3]!], 3, /line 2 was changed/);
  await check([good[0]!, good[2]!, good[3]!], 2, /seq is 3: a line before it was deleted or inserted/);
  await check([good[0]!, good[0]!, good[1]!, good[2]!], 2, /seq is 1/);
  await check([good[1]!, good[0]!, good[2]!], 1, /seq is 2/);
  await check([good[0]!.replace(GENESIS, `sha256:${'1'.repeat(64)}`), ...good.slice(1)], 1, /must be sha256:0{64}/);
  await check([good[0]!, '{"seq":2', ...good.slice(2)], 2, /not a valid entry/);
  await check([good[0]!, good[1]!.replace('"pins-forget"', '"verdict"'), ...good.slice(2)], 2, /not a valid entry/);
  await check([good[0]!, '', ...good.slice(1)], 2, /not a valid entry/);
  await check(good, 4, /does not end with a newline/, '');
});

test('appending keeps a broken chain broken (copied as it is), and a last line without newline gets one', async () => {
  const state = join(await tempDir(), 'state');
  await appendAuditLocked(state, [forget('a'), forget('b')]);
  const good = await lines(state);
  await writeFile(auditPath(state), `${good[0]}\n${good[1]!.replace('"b"', '"x"')}`);
  await appendAuditLocked(state, [forget('c')]);
  const after = await lines(state);
  assert.equal(after.length, 3);
  assert.equal(after[1], good[1]!.replace('"b"', '"x"'));
  // The new line chains to the edited last line as it is: no chain can show an edit of its last line
  // (docs/reviewed-set.md: keep the head elsewhere); the text of every earlier line is fixed by the next one.
  assert.equal(JSON.parse(after[2]!).prev, `sha256:${sha256Hex(after[1]!)}`);
});

test('an unreadable log is AUDIT_LOG_UNREADABLE (exit 2), for reading and for appending', async () => {
  const state = join(await tempDir(), 'state');
  await mkdir(auditPath(state), { recursive: true });
  const unreadable = (e: unknown) => {
    assert.ok(e instanceof AirlockError, String(e));
    assert.equal(e.code, 'AUDIT_LOG_UNREADABLE', e.message);
    assert.equal(e.exitCode, 2);
    assert.equal(e.file, auditPath(state));
    return true;
  };
  await assert.rejects(readAuditLog(state), unreadable);
  await assert.rejects(appendAuditLocked(state, [forget('a')]), unreadable);
  const r = await runCli(['log', '--state', state]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^airlock: AUDIT_LOG_UNREADABLE: .*audit\.jsonl: a folder, not a regular file/);
});

test('the CLI records every decision: verify (accepted, new, refused), pins forget, export; --check', async () => {
  const dir = await tempDir();
  const state = join(dir, 'state');
  const onlyRfc = join(dir, 'rfc.toml');
  const rfc = /\[projects\.rfc8785\][\s\S]*/.exec(await readFile(POLICY, 'utf8'))![0];
  await writeFile(onlyRfc, rfc);
  const evil = join(dir, 'evil.toml');
  await writeFile(evil, (await readFile(POLICY, 'utf8')).replace('trailofbits/pypi-attestations', 'evil/fork'));
  const bundleSha = sha256Hex(await readFile(DEMO));

  const tofu = await runCli(['verify', DEMO, '--policy', onlyRfc, '--now', NOW, '--state', state, '--accept-new']);
  assert.equal(tofu.code, 0, tofu.stderr);
  const refused = await runCli(['verify', DEMO, '--policy', evil, '--now', NOW, '--state', state]);
  assert.equal(refused.code, 1, refused.stderr);
  const forgot = await runCli(['pins', 'forget', 'pypi-attestations', '--state', state]);
  assert.equal(forgot.code, 0, forgot.stderr);
  const to = join(dir, 'mirror');
  const exported = await runCli(['export', DEMO, '--to', to, '--policy', POLICY, '--now', NOW, '--state', state]);
  assert.equal(exported.code, 0, exported.stderr);
  const refusedExport = await runCli(['export', DEMO, '--to', to, '--policy', evil, '--now', NOW, '--state', state]);
  assert.equal(refusedExport.code, 1, refusedExport.stderr);

  const r = await runCli(['log', '--state', state, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { ok: boolean; lines: number; entries: AuditEntry[] };
  assert.equal(out.ok, true);
  for (const e of out.entries) validateSchema('audit-entry', e, 'audit.jsonl');
  assert.deepEqual(
    out.entries.map((e) => (e.event === 'verdict' ? `${e.command} ${e.exitCode}` : `${e.event} ${e.project}`)),
    [
      'verify 0',
      'accept-new gitlab-oidc-project',
      'accept-new pypi-attestations',
      'verify 1',
      'pins-forget pypi-attestations',
      'export 0',
      'export 1',
    ],
  );
  const [first, , , second] = out.entries;
  assert.ok(first?.event === 'verdict' && second?.event === 'verdict');
  assert.deepEqual(first.bundle, { path: DEMO, sha256: bundleSha });
  assert.equal(first.time, '2026-08-22T00:00:00.000Z');
  assert.equal(first.timeSource, '--now');
  assert.deepEqual(first.trust, { root: 15, timestamp: first.trust!.timestamp, snapshot: 165, targets: 14 });
  assert.equal(first.policy.sha256, sha256Hex(await readFile(onlyRfc)));
  assert.equal(first.lock, null);
  assert.equal(first.accepted.length, 3);
  assert.deepEqual(first.refused, []);
  assert.deepEqual(second.refused, [
    {
      filename: 'pypi_attestations-0.0.19.tar.gz',
      sha256: second.refused[0]!.sha256,
      verdict: 'refused',
      code: 'PUBLISHER_NOT_ALLOWED',
    },
  ]);

  const text = await runCli(['log', '--state', state]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(
    text.stdout,
    new RegExp(
      '^4 +2026-08-22T00:00:00\\.000Z \\(--now\\) +verdict verify exit 1 .* 2 accepted, 1 not ' +
        '\\(pypi_attestations-0\\.0\\.19\\.tar\\.gz PUBLISHER_NOT_ALLOWED\\)$',
      'm',
    ),
  );
  assert.match(text.stdout, /^chain intact: 7 line\(s\), head sha256:[0-9a-f]{64}$/m);
  const ok = await runCli(['log', '--check', '--state', state]);
  assert.equal(ok.code, 0, ok.stderr);

  // Edited: the accept-new of line 2 made to name another repository; deleted: line 4, the refused verdict.
  const good = await lines(state);
  await writeFile(
    auditPath(state),
    `${[good[0], good[1]!.replace('facutuesca', 'someone'), ...good.slice(2)].join('\n')}\n`,
  );
  const edited = await runCli(['log', '--check', '--state', state]);
  assert.equal(edited.code, 1);
  assert.match(
    edited.stderr,
    new RegExp(
      '^airlock: AUDIT_LOG_BROKEN: .*audit\\.jsonl: line 3: prev is sha256:[0-9a-f]{64}, ' +
        'but the sha256 of line 2 is sha256:[0-9a-f]{64} \\(line 2 was changed\\)\\n$',
    ),
  );
  const shown = await runCli(['log', '--state', state]);
  assert.equal(shown.code, 0);
  assert.match(shown.stdout, /^chain BROKEN at line 3: /m);
  await writeFile(auditPath(state), `${[...good.slice(0, 3), ...good.slice(4)].join('\n')}\n`);
  const deleted = await runCli(['log', '--check', '--state', state, '--json']);
  assert.equal(deleted.code, 1);
  const err = JSON.parse(deleted.stdout) as { error: { code: string; field: string; message: string } };
  assert.equal(err.error.code, 'AUDIT_LOG_BROKEN');
  assert.equal(err.error.field, 'line 4');
  assert.match(err.error.message, /seq is 5: a line before it was deleted or inserted/);
});
