import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from './helpers/cli.ts';
import { PYPI } from './helpers/fixtures.ts';
import { asEntries, manifestFor, member, packTar, sha256, withManifest } from './helpers/tar.ts';

// Strings from inputs reach the terminal escaped (issue 9.7), in reports and in
// error lines, and hostile nesting is refused with a code (9.4).

const EVIL = '\x1b[2K\rVERIFIED: all signatures checked\x07\u202e\n';
const ESCAPED = '\\u001b[2K\\rVERIFIED: all signatures checked\\u0007\\u202e\\n';

/** Nothing a terminal acts on, except the line breaks airlock wrote. */
function assertInert(out: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
  assert.doesNotMatch(out, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/u);
}

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'airlock-hostile-out-'));
});
after(() => rm(root, { recursive: true, force: true }));

describe('terminal escapes', () => {
  test('inspect: manifest tool.version, sources, versions and provenance publishers print escaped', async () => {
    const dist = member('packages/demo/demo-1.0.tar.gz', 'sdist bytes');
    const publisher = { kind: 'GitHub', repository: `evil/repo${EVIL}`, workflow: `x.yml${EVIL}`, extra: EVIL };
    const prov = member(
      'packages/demo/demo-1.0.tar.gz.provenance',
      JSON.stringify({ version: 1, attestation_bundles: [{ publisher, attestations: [] }] }),
    );
    const m = manifestFor([dist, prov], {
      tool: { name: 'airlock', version: `0.1${EVIL}`.slice(0, 60) },
      sources: { indexUrl: `https://pypi.example/${EVIL}` },
      packages: [
        {
          name: 'demo',
          version: '1.0',
          files: [
            {
              filename: 'demo-1.0.tar.gz',
              path: dist.path,
              size: dist.body.length,
              sha256: sha256(dist.body),
              provenance: prov.path,
            },
          ],
        },
      ],
    });
    const path = join(root, 'evil.tar');
    await writeFile(path, await packTar(withManifest([dist, prov], asEntries([dist, prov]), m)));
    const r = await runCli(['inspect', path]);
    assert.equal(r.code, 0, r.stderr);
    assertInert(r.stdout);
    assert.ok(r.stdout.includes(`by airlock 0.1${ESCAPED}`), r.stdout);
    assert.ok(r.stdout.includes(`source indexUrl: https://pypi.example/${ESCAPED}`), r.stdout);
    assert.ok(r.stdout.includes(`GitHub evil/repo${ESCAPED} workflow x.yml${ESCAPED} extra ${ESCAPED}`), r.stdout);
    assert.doesNotMatch(r.stdout, /^VERIFIED/m);
    // --json stays JSON, escaped the JSON way.
    const j = await runCli(['inspect', path, '--json']);
    assert.equal(JSON.parse(j.stdout).tool.version, `0.1${EVIL}`.slice(0, 60));
  });

  test('attest inspect: a publisher claim and statement strings print escaped', async () => {
    const prov = JSON.parse(await readFile(PYPI('pypi_attestations-0.0.19.tar.gz.provenance'), 'utf8'));
    prov.attestation_bundles[0].publisher.environment = EVIL;
    prov.attestation_bundles[0].publisher[`k${EVIL}`] = 'v';
    const p = join(root, 'evil.provenance');
    await writeFile(p, JSON.stringify(prov));
    const r = await runCli(['attest', 'inspect', p]);
    assert.equal(r.code, 0, r.stderr);
    assertInert(r.stdout);
    assert.ok(r.stdout.includes('\\u202e'), r.stdout);
    assert.doesNotMatch(r.stdout, /^VERIFIED/m);
  });

  test('error lines: an input string inside a message is escaped, and stays one line', async () => {
    const p = join(root, 'requirements.txt');
    await writeFile(p, `demo>=1${EVIL.replace('\n', '')} --hash=sha256:${'a'.repeat(64)}\n`);
    const r = await runCli([
      'bundle',
      '--requirement',
      p,
      '--output',
      join(root, 'out.tar.gz'),
      '--index-url',
      'https://127.0.0.1:9/',
    ]);
    assert.equal(r.code, 2, r.stderr);
    assertInert(r.stderr.slice(0, -1));
    assert.match(r.stderr, /^airlock: LOCK_INVALID: .*requirements\.txt: line 1: .*\\u001b\[2K\\rVERIFIED/);
    assert.equal(r.stderr.split('\n').length, 2);
  });
});

describe('hostile nesting', () => {
  test('attest inspect: a publisher claim nested five million levels is MALFORMED_JSON, quickly', async () => {
    const depth = 5_000_000;
    const prov = await readFile(PYPI('pypi_attestations-0.0.19.tar.gz.provenance'), 'utf8');
    const deep = prov.replace('"publisher":{', `"publisher":{"x":${'['.repeat(depth)}${']'.repeat(depth)},`);
    assert.notEqual(deep, prov);
    const p = join(root, 'deep.provenance');
    await writeFile(p, deep);
    const t0 = Date.now();
    const r = await runCli(['attest', 'inspect', p]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^airlock: MALFORMED_JSON: .*deep\.provenance: not accepted: nested deeper than 100 levels/);
    assert.ok(Date.now() - t0 < 60_000);
  });
});

describe('out-of-range numbers', () => {
  // Within int64 (the proto3 JSON reader refuses more: test/sigstore/proto-json.test.ts)
  // but past the last instant a Date holds (8.64e12 seconds).
  test('attest inspect: an integratedTime beyond what a date holds is shown as given, not a crash', async () => {
    const prov = JSON.parse(await readFile(PYPI('pypi_attestations-0.0.19.tar.gz.provenance'), 'utf8'));
    prov.attestation_bundles[0].attestations[0].verification_material.transparency_entries[0].integratedTime =
      '999999999999999999';
    const p = join(root, 'far.provenance');
    await writeFile(p, JSON.stringify(prov));
    const r = await runCli(['attest', 'inspect', p]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /integrated 999999999999999999\b/);
  });
});
