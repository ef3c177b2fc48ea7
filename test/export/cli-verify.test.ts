import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { REPO_ROOT } from '../helpers/fixtures.ts';
import { DEMO } from './helpers.ts';

// `airlock export` end to end: the verification of `airlock verify` first (the
// demo bundle, its policy, a fresh state), then only what it accepted lands.

const NOW = '2026-08-22T00:00:00Z';
const POLICY = join(REPO_ROOT, 'examples', 'policy.toml');
const work = mkdtempSync(join(tmpdir(), 'airlock-export-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

function args(to: string, state: string, ...more: string[]): string[] {
  return ['export', DEMO, '--to', to, '--policy', POLICY, '--now', NOW, '--state', state, ...more];
}

test('export verifies, writes a simple index of the accepted, moves the pins; a rerun keeps every file', async () => {
  const to = join(work, 'simple');
  const state = join(work, 'state-simple');
  const r = await runCli(args(to, state));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /exported into .* \(simple\): 5 added, 0 kept/);
  const page = JSON.parse(readFileSync(join(to, 'simple', 'pypi-attestations', 'index.json'), 'utf8'));
  assert.equal(page.name, 'pypi-attestations');
  assert.equal(page.files[0].filename, 'pypi_attestations-0.0.19.tar.gz');
  assert.ok(page.files[0].provenance, 'the verified provenance is re-served');
  const file = join(to, 'files', 'pypi-attestations', 'pypi_attestations-0.0.19.tar.gz');
  const mtime = statSync(file).mtimeMs;
  const pins = await runCli(['pins', 'list', '--state', state, '--json']);
  assert.equal(pins.code, 0, pins.stderr);
  assert.match(pins.stdout, /trailofbits\/pypi-attestations/);
  const again = await runCli(args(to, state));
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /0 added, 5 kept/);
  assert.equal(statSync(file).mtimeMs, mtime, 'same bytes, same mtime');
});

test('export --format tree: pool/ with provenance and a VSA beside each file, SHA256SUMS, the report', async () => {
  const to = join(work, 'tree');
  const r = await runCli(args(to, join(work, 'state-tree'), '--format', 'tree', '--json'));
  assert.equal(r.code, 0, r.stderr);
  for (const f of ['rfc8785-0.1.2-py3-none-any.whl', 'pypi_attestations-0.0.19.tar.gz']) {
    assert.ok(existsSync(join(to, 'pool', f)), f);
    assert.ok(existsSync(join(to, 'pool', `${f}.vsa.json`)), `${f}.vsa.json`);
  }
  assert.ok(existsSync(join(to, 'pool', 'pypi_attestations-0.0.19.tar.gz.provenance')));
  assert.match(readFileSync(join(to, 'SHA256SUMS'), 'utf8'), /pool\/rfc8785-0\.1\.2-py3-none-any\.whl/);
});

test('a refused file: nothing exported; --partial exports the others (exit 1), pinning only them', async () => {
  const policy = join(work, 'other.toml');
  writeFileSync(policy, readFileSync(POLICY, 'utf8').replace('trailofbits/pypi-attestations', 'evil/fork'));
  const state = join(work, 'state-partial');
  const to = join(work, 'partial');
  const base = ['export', DEMO, '--to', to, '--policy', policy, '--now', NOW, '--state', state];
  const r = await runCli(base);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /nothing exported: 1 file\(s\) not accepted/);
  assert.equal(existsSync(join(to, 'simple')), false);
  const none = await runCli(['pins', 'list', '--state', state, '--json']);
  assert.doesNotMatch(none.stdout, /gitlab-oidc-project/, 'a refused export moves no pin');
  const p = await runCli([...base, '--partial']);
  assert.equal(p.code, 1, p.stderr);
  assert.match(p.stdout, /refused by verification: pypi_attestations-0\.0\.19\.tar\.gz/);
  assert.ok(existsSync(join(to, 'files', 'rfc8785', 'rfc8785-0.1.2-py3-none-any.whl')));
  assert.equal(existsSync(join(to, 'files', 'pypi-attestations')), false);
  const pins = await runCli(['pins', 'list', '--state', state, '--json']);
  assert.match(pins.stdout, /facutuesca\/gitlab-oidc-project/, 'an exported project is pinned');
  assert.doesNotMatch(pins.stdout, /pypi-attestations/, 'a refused project is not');
});

test('--partial exports nothing when nothing was accepted (a frozen TUF copy): the folder is never created', async () => {
  const to = join(work, 'frozen');
  const r = await runCli(['export', DEMO, '--to', to, '--policy', POLICY, '--partial', '--state', join(work, 's')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /nothing exported: 3 file\(s\) not accepted/);
  assert.equal(existsSync(to), false);
});
