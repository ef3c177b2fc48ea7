import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './helpers/cli.ts';

test('--help lists every command', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  for (const c of ['trust', 'attest', 'sigstore', 'bundle', 'lock', 'inspect', 'export', 'serve'])
    assert.match(r.stdout, new RegExp(`airlock ${c}`));
});

test('unknown options are a usage error with exit 2 and one line, no stack', async () => {
  const r = await runCli(['trust', 'verify', 'x', '--bogus']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'airlock: USAGE: Unknown argument: bogus\n');
});

test('no command is a usage error', async () => {
  const r = await runCli([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^airlock: USAGE: /);
});

test('--json errors are one JSON object on stdout', async () => {
  const r = await runCli(['trust', 'verify', 'x', '--bogus', '--json']);
  assert.equal(r.code, 2);
  assert.deepEqual(JSON.parse(r.stdout), { ok: false, error: { code: 'USAGE', message: 'Unknown argument: bogus' } });
});
