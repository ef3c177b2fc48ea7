import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.ts';
import { DEMO } from './helpers.ts';

// The command-line edges of export and serve that do not need a verified bundle.

test('export: a bad --base-url is a usage error, before anything else runs', async () => {
  for (const [url, msg] of [
    ['ftp://mirror.example/', /--base-url must be an http:\/\/ or https:\/\/ URL/],
    ['not a url', /--base-url is not a URL/],
    ['https://mirror.example/?x=1', /must not have a query or fragment/],
  ] as const) {
    const r = await runCli(['export', DEMO, '--to', '/nonexistent/airlock-test', '--base-url', url]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^airlock: USAGE: /m);
    assert.match(r.stderr, msg);
  }
  const f = await runCli(['export', DEMO, '--to', '/tmp/x', '--format', 'zip']);
  assert.equal(f.code, 2);
  assert.match(f.stderr, /USAGE: .*format/);
});

test('serve: a bad port or a missing folder is refused with one line', async () => {
  const p = await runCli(['serve', '/tmp', '--port', '70000']);
  assert.equal(p.code, 2);
  assert.match(p.stderr, /^airlock: USAGE: --port must be 0-65535, got 70000$/m);
  const d = await runCli(['serve', '/nonexistent/airlock-serve', '--port', '0']);
  assert.equal(d.code, 2);
  assert.match(d.stderr, /^airlock: INPUT_UNREADABLE: \/nonexistent\/airlock-serve: cannot read/m);
});
