import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitPins, pinsPath } from '../../lib/pins/index.ts';
import { builtinPolicy } from '../../lib/policy/index.ts';
import { runCli } from '../helpers/cli.ts';
import { GITHUB_SIGNER, file, withExtensions } from '../policy/facts.ts';

const root = mkdtempSync(join(tmpdir(), 'airlock-pins-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));
const NOW = { time: '2026-08-22T00:00:00.000Z', source: '--now' } as const;

async function pinned(name: string): Promise<string> {
  const state = join(root, name);
  await commitPins(state, builtinPolicy(), [file('pypi-attestations', [GITHUB_SIGNER])], {
    acceptNew: true,
    acceptChange: [],
    now: NOW,
  });
  return state;
}

test('pins list: text and --json; an empty state lists nothing', async () => {
  const state = await pinned('a');
  const text = await runCli(['pins', 'list', '--state', state]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(
    text.stdout,
    /pypi-attestations {2}GitHub trailofbits\/pypi-attestations workflow release\.yml {2}provenance yes/,
  );
  assert.match(text.stdout, /latest {3}2026-08-22T00:00:00.000Z \(--now\)/);
  const json = await runCli(['pins', 'list', '--state', state, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.ok, true);
  assert.equal(doc.projects[0].project, 'pypi-attestations');
  assert.equal(doc.projects[0].history[0].kind, 'accept-new');
  const empty = await runCli(['pins', 'list', '--state', join(root, 'none'), '--json']);
  assert.equal(empty.code, 0, empty.stderr);
  assert.deepEqual(JSON.parse(empty.stdout).projects, []);
});

test('pins list: values from certificates are escaped on a terminal', async () => {
  const state = join(root, 'esc');
  const evil = withExtensions(GITHUB_SIGNER, {
    sourceRepositoryURI: 'https://github.com/a/b\u001b[2J',
    buildConfigURI: 'https://github.com/a/b\u001b[2J/.github/workflows/release.yml@refs/tags/v0.0.19',
  });
  await commitPins(state, builtinPolicy(), [file('x', [evil])], { acceptNew: true, acceptChange: [], now: NOW });
  const r = await runCli(['pins', 'list', '--state', state]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes('\u001b'), r.stdout);
  assert.match(r.stdout, /\\u001b\[2J/);
});

test('pins forget: removes the pin; an unknown project is USAGE (exit 2)', async () => {
  const state = await pinned('f');
  const r = await runCli(['pins', 'forget', 'PyPI.Attestations', '--state', state]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /forgot the pin of PyPI.Attestations/);
  assert.deepEqual(JSON.parse(readFileSync(pinsPath(state), 'utf8')).projects, {});
  const again = await runCli(['pins', 'forget', 'pypi-attestations', '--state', state]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /^airlock: USAGE: no pin for project 'pypi-attestations'/);
});

test('pins on a malformed pins file: PINS_UNREADABLE, exit 2, one line', async () => {
  const state = join(root, 'bad');
  mkdirSync(state, { recursive: true });
  writeFileSync(pinsPath(state), '{"format": "airlock-pins/1"}');
  for (const args of [
    ['pins', 'list'],
    ['pins', 'forget', 'x'],
  ]) {
    const r = await runCli([...args, '--state', state]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^airlock: PINS_UNREADABLE: .*pins\.json: \/: must have required property 'projects' \(schema pins\)\n$/,
    );
  }
  assert.equal(readFileSync(pinsPath(state), 'utf8'), '{"format": "airlock-pins/1"}');
});

test('pins: usage errors', async () => {
  assert.equal((await runCli(['pins'])).code, 2);
  assert.equal((await runCli(['pins', 'forget'])).code, 2);
  assert.equal((await runCli(['pins', 'list', '--state', 'a', '--state', 'b'])).code, 2);
  const help = await runCli(['pins', 'list', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Examples:/);
});
