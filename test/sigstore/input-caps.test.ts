import assert from 'node:assert/strict';
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { PYPI, TUF_2026 } from '../helpers/fixtures.ts';
import { PUBLIC_GOOD_ROOT, REAL, realBundle } from '../helpers/sigstore-bundles.ts';

// Inputs from the other side of the air gap are read with a size cap
// (lib/cli/handlers/read-capped.ts): a huge provenance, bundle, trusted root
// or key is refused as INPUT_UNREADABLE (exit 2) before it is held in memory,
// never an out-of-memory crash. And an empty expected identity pins nothing.

const MiB = 1024 * 1024;
const GH = REAL.github;
const SDIST = () => PYPI('pypi_attestations-0.0.19.tar.gz');
const PROV = () => PYPI('pypi_attestations-0.0.19.tar.gz.provenance');
let dir = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'airlock-caps-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A sparse file of `size` bytes (no disk used), starting with `{`. */
function big(name: string, size: number): string {
  const p = join(dir, name);
  writeFileSync(p, '{');
  const fd = openSync(p, 'r+');
  ftruncateSync(fd, size);
  closeSync(fd);
  return p;
}

function refused(r: CliResult, exit: number, line: RegExp): void {
  assert.equal(r.code, exit, `stderr: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line, got: ${r.stderr}`);
  assert.match(lines[0]!, line);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(r.stdout, '');
}

describe('size caps on JSON and key inputs', { concurrency: 4 }, () => {
  it('attest verify: a provenance over 16 MiB is refused unread', async () => {
    const p = big('huge.provenance', 17 * MiB);
    const r = await runCli(['attest', 'verify', SDIST(), '--provenance', p, '--trusted-root', PUBLIC_GOOD_ROOT()]);
    refused(
      r,
      2,
      new RegExp(
        `^airlock: INPUT_UNREADABLE: ${p}: larger than the 16 MiB cap for a PEP 740 provenance: refused unread$`,
      ),
    );
  });

  it('attest verify: an attestation over 16 MiB is refused unread', async () => {
    const p = big('huge.attestation', 17 * MiB);
    const r = await runCli(['attest', 'verify', SDIST(), '--attestation', p, '--trusted-root', PUBLIC_GOOD_ROOT()]);
    refused(
      r,
      2,
      /^airlock: INPUT_UNREADABLE: .*huge\.attestation: larger than the 16 MiB cap for a PEP 740 attestation/,
    );
  });

  it('attest inspect: over 16 MiB is refused unread', async () => {
    const p = big('huge2.provenance', 17 * MiB);
    refused(
      await runCli(['attest', 'inspect', p]),
      2,
      /^airlock: INPUT_UNREADABLE: .*huge2\.provenance: larger than the 16 MiB cap/,
    );
  });

  it('a trusted_root.json over 32 MiB is refused unread (attest verify and verify-bundle)', async () => {
    const root = big('huge-root.json', 33 * MiB);
    const a = await runCli(['attest', 'verify', SDIST(), '--provenance', PROV(), '--trusted-root', root]);
    refused(a, 2, /^airlock: INPUT_UNREADABLE: .*huge-root\.json: larger than the 32 MiB cap for a trusted_root\.json/);
    const bundle = join(dir, 'gh.json');
    writeFileSync(bundle, JSON.stringify(realBundle(GH.file)));
    const b = await runCli([
      'sigstore',
      'verify-bundle',
      '--bundle',
      bundle,
      '--certificate-identity',
      GH.identity,
      '--certificate-oidc-issuer',
      GH.issuer,
      '--trusted-root',
      root,
      SDIST(),
    ]);
    refused(b, 2, /^airlock: INPUT_UNREADABLE: .*huge-root\.json: larger than the 32 MiB cap/);
  });

  it('verify-bundle: a bundle over 16 MiB, a key over 1 MiB', async () => {
    const bundle = big('huge-bundle.json', 17 * MiB);
    const r = await runCli([
      'sigstore',
      'verify-bundle',
      '--bundle',
      bundle,
      '--certificate-identity',
      GH.identity,
      '--certificate-oidc-issuer',
      GH.issuer,
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      SDIST(),
    ]);
    refused(r, 2, /^airlock: INPUT_UNREADABLE: .*huge-bundle\.json: larger than the 16 MiB cap for a Sigstore bundle/);
    const key = big('huge.pem', 2 * MiB);
    const good = join(dir, 'gh-for-key.json');
    writeFileSync(good, JSON.stringify(realBundle(GH.file)));
    const k = await runCli([
      'sigstore',
      'verify-bundle',
      '--bundle',
      good,
      '--key',
      key,
      '--certificate-identity',
      GH.identity,
      '--certificate-oidc-issuer',
      GH.issuer,
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      SDIST(),
    ]);
    refused(k, 2, /^airlock: INPUT_UNREADABLE: .*huge\.pem: larger than the 1 MiB cap for a PEM public key/);
  });

  it('inputs just under the cap are still read (a missing file is still INPUT_UNREADABLE: cannot read)', async () => {
    const r = await runCli([
      'attest',
      'verify',
      SDIST(),
      '--provenance',
      join(dir, 'nope.provenance'),
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
    ]);
    refused(r, 2, /^airlock: INPUT_UNREADABLE: .*nope\.provenance: cannot read \(ENOENT\)$/);
    const almost = big('almost.provenance', 16 * MiB);
    const m = await runCli(['attest', 'verify', SDIST(), '--provenance', almost, '--trusted-root', PUBLIC_GOOD_ROOT()]);
    refused(m, 2, /^airlock: MALFORMED_JSON: .*almost\.provenance: /);
  });
});

describe('verify-bundle: an empty expected identity pins nothing', () => {
  it('--certificate-identity "" or --certificate-oidc-issuer "": USAGE', async () => {
    const bundle = join(dir, 'gh2.json');
    writeFileSync(bundle, JSON.stringify(realBundle(GH.file)));
    const a = await runCli([
      'sigstore',
      'verify-bundle',
      '--bundle',
      bundle,
      '--certificate-identity',
      '',
      '--certificate-oidc-issuer',
      GH.issuer,
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      SDIST(),
    ]);
    refused(a, 2, /^airlock: USAGE: --certificate-identity and --certificate-oidc-issuer must not be empty$/);
    const b = await runCli([
      'sigstore',
      'verify-bundle',
      '--bundle',
      bundle,
      '--certificate-identity',
      GH.identity,
      '--certificate-oidc-issuer',
      '',
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      SDIST(),
    ]);
    refused(b, 2, /^airlock: USAGE: --certificate-identity and --certificate-oidc-issuer must not be empty$/);
  });
});

describe('an option given twice is refused, never an array compared or crashed on', { concurrency: 4 }, () => {
  const GH_OPTS = ['--repository', 'https://github.com/trailofbits/pypi-attestations', '--workflow', 'release.yml'];
  it('attest verify --repository twice: USAGE (was INTERNAL_ERROR)', async () => {
    const r = await runCli([
      'attest',
      'verify',
      SDIST(),
      '--provenance',
      PROV(),
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      ...GH_OPTS,
      '--repository',
      'https://github.com/a/b',
    ]);
    refused(r, 2, /^airlock: USAGE: --repository is given more than once; give it once$/);
  });
  it('attest verify --identity, --ref, --trusted-root twice: USAGE', async () => {
    const i = await runCli([
      'attest',
      'verify',
      SDIST(),
      '--provenance',
      PROV(),
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      '--identity',
      'a@b',
      '--identity',
      'c@d',
      '--issuer',
      'https://i',
    ]);
    refused(i, 2, /^airlock: USAGE: --identity is given more than once; give it once$/);
    const r = await runCli([
      'attest',
      'verify',
      SDIST(),
      '--provenance',
      PROV(),
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      ...GH_OPTS,
      '--ref',
      'refs/tags/v0.0.19',
      '--ref',
      'refs/tags/v1',
    ]);
    refused(r, 2, /^airlock: USAGE: --ref is given more than once; give it once$/);
    const t = await runCli([
      'attest',
      'verify',
      SDIST(),
      '--provenance',
      PROV(),
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
    ]);
    refused(t, 2, /^airlock: USAGE: --trusted-root is given more than once; give it once$/);
  });
  it('sigstore verify-bundle --bundle or --certificate-identity twice: USAGE', async () => {
    const bundle = join(dir, 'gh3.json');
    writeFileSync(bundle, JSON.stringify(realBundle(GH.file)));
    const b = await runCli([
      'sigstore',
      'verify-bundle',
      '--bundle',
      bundle,
      '--bundle',
      bundle,
      '--certificate-identity',
      GH.identity,
      '--certificate-oidc-issuer',
      GH.issuer,
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      SDIST(),
    ]);
    refused(b, 2, /^airlock: USAGE: --bundle is given more than once; give it once$/);
    const c = await runCli([
      'sigstore',
      'verify-bundle',
      '--bundle',
      bundle,
      '--certificate-identity',
      GH.identity,
      '--certificate-identity',
      'x',
      '--certificate-oidc-issuer',
      GH.issuer,
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      SDIST(),
    ]);
    refused(c, 2, /^airlock: USAGE: --certificate-identity is given more than once; give it once$/);
  });
});

describe('--trust-dir: a command refused for its own inputs leaves the trust state untouched', {
  concurrency: 2,
}, () => {
  const NOW = ['--now', '2026-08-22T00:00:00Z'];
  const stateFiles = (state: string) => (existsSync(join(state, 'tuf')) ? readdirSync(join(state, 'tuf')) : []);
  it(
    'verify-bundle: a malformed bundle, a bad key or a missing artifact is refused before the TUF copy is ' + 'trusted',
    async () => {
      const state = mkdtempSync(join(dir, 'state-vb-'));
      const bad = join(dir, 'not-a-bundle.json');
      writeFileSync(bad, '{"mediaType": 3}');
      const trust = ['--trust-dir', TUF_2026(), '--state', state, ...NOW];
      refused(
        await runCli([
          'sigstore',
          'verify-bundle',
          '--bundle',
          bad,
          '--certificate-identity',
          GH.identity,
          '--certificate-oidc-issuer',
          GH.issuer,
          ...trust,
          SDIST(),
        ]),
        2,
        /^airlock: BUNDLE_MALFORMED: .*not-a-bundle\.json: \/mediaType: must be a string$/,
      );
      const good = join(dir, 'gh-state.json');
      writeFileSync(good, JSON.stringify(realBundle(GH.file)));
      const pem = join(dir, 'bad.pem');
      writeFileSync(pem, 'not a key');
      refused(
        await runCli([
          'sigstore',
          'verify-bundle',
          '--bundle',
          good,
          '--key',
          pem,
          '--certificate-identity',
          GH.identity,
          '--certificate-oidc-issuer',
          GH.issuer,
          ...trust,
          SDIST(),
        ]),
        2,
        /^airlock: TRUSTED_ROOT_INVALID: .*bad\.pem: not a PEM public key/,
      );
      refused(
        await runCli([
          'sigstore',
          'verify-bundle',
          '--bundle',
          good,
          '--certificate-identity',
          GH.identity,
          '--certificate-oidc-issuer',
          GH.issuer,
          ...trust,
          join(dir, 'missing.tar.gz'),
        ]),
        2,
        /^airlock: INPUT_UNREADABLE: .*missing\.tar\.gz: cannot read \(ENOENT\)$/,
      );
      assert.deepEqual(stateFiles(state), []);
      // and the same command with good inputs does record the copy
      const ok = await runCli([
        'sigstore',
        'verify-bundle',
        '--bundle',
        good,
        '--certificate-identity',
        GH.identity,
        '--certificate-oidc-issuer',
        GH.issuer,
        ...trust,
        SDIST(),
      ]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(stateFiles(state).length, 1);
    },
  );
  it('attest verify: an unreadable FILE is refused before the TUF copy is trusted', async () => {
    const state = mkdtempSync(join(dir, 'state-av-'));
    const missing = join(dir, 'pypi_attestations-0.0.19.tar.gz');
    const r = await runCli([
      'attest',
      'verify',
      missing,
      '--provenance',
      PROV(),
      '--trust-dir',
      TUF_2026(),
      '--state',
      state,
      ...NOW,
    ]);
    refused(r, 2, /^airlock: INPUT_UNREADABLE: .*pypi_attestations-0\.0\.19\.tar\.gz: cannot read \(ENOENT\)$/);
    assert.deepEqual(stateFiles(state), []);
  });
});
