import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { PYPI, TUF_2025, TUF_2026, TUF_STAGING } from '../helpers/fixtures.ts';
import { PUBLIC_GOOD_ROOT, STAGING_ROOT } from '../helpers/sigstore-bundles.ts';
import { validateSchema } from '../../lib/schemas.ts';
import type { Json } from '../helpers/loose-json.ts';

// `airlock attest verify` / `attest inspect` on the real PyPI attestations,
// run as a user runs them.

const SDIST = () => PYPI('pypi_attestations-0.0.19.tar.gz');
const PROV = () => PYPI('pypi_attestations-0.0.19.tar.gz.provenance');
const PUBLISH = () => PYPI('pypi_attestations-0.0.19.tar.gz.publish.attestation');
const SLSA = () => PYPI('pypi_attestations-0.0.19.tar.gz.slsa.attestation');
const GITLAB = () => PYPI('gitlab_oidc_project-0.0.3.tar.gz');
const GITLAB_ATT = () => PYPI('gitlab_oidc_project-0.0.3.tar.gz.publish.attestation');
const WHEEL = () => PYPI('rfc8785-0.1.2-py3-none-any.whl');
const WHEEL_ATT = () => PYPI('rfc8785-0.1.2-py3-none-any.whl.publish.attestation');
const GH = ['--repository', 'https://github.com/trailofbits/pypi-attestations', '--workflow', 'release.yml'];
const GL = ['--repository', 'https://gitlab.com/facutuesca/gitlab-oidc-project', '--workflow', '.gitlab-ci.yml'];
const EMAIL = ['--identity', 'william@yossarian.net', '--issuer', 'https://github.com/login/oauth'];

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'airlock-attest-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function ok(r: CliResult): void {
  assert.equal(r.code, 0, `expected success, got ${r.code}: ${r.stderr}`);
  assert.equal(r.stderr, '');
}

/** Exit status and the one stderr line `airlock: CODE: file[: field]: message`, never a stack trace. */
function failed(r: CliResult, exit: number, code: string, file?: string, field?: string): string {
  assert.equal(r.code, exit, `stderr: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`);
  const where = [file, field].filter((s) => s !== undefined).join(': ');
  assert.ok(lines[0]!.startsWith(`airlock: ${code}: ${where ? `${where}: ` : ''}`), `got: ${lines[0]}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(r.stdout, '');
  return lines[0]!;
}

function verify(args: string[]): Promise<CliResult> {
  return runCli(['attest', 'verify', ...args]);
}

function tmpFile(name: string, data: string | Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, data);
  return p;
}

describe('attest verify: GitHub publisher (public-good)', { concurrency: 4 }, () => {
  test('the sdist verifies with its provenance, not pinned, and says so', async () => {
    const r = await verify([SDIST(), '--provenance', PROV(), '--trusted-root', PUBLIC_GOOD_ROOT()]);
    ok(r);
    assert.match(r.stdout, /^OK .*pypi_attestations-0\.0\.19\.tar\.gz$/m);
    assert.match(r.stdout, /publisher not pinned/);
    assert.match(
      r.stdout,
      new RegExp(
        String.raw`certificate: https:\/\/github\.com\/trailofbits\/pypi-attestations\/\.github\/workflows\/releas` +
          String.raw`e\.yml@refs\/tags\/v0\.0\.19`,
      ),
    );
    assert.match(r.stdout, /log entry: dsse 0\.0\.1, index 153454663, integrated 2024-12-04T23:14:01\.000Z/);
  });

  test('pinned to its publisher, with --json matching the report schema', async () => {
    const r = await verify([
      SDIST(),
      '--provenance',
      PROV(),
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      ...GH,
      '--ref',
      'refs/tags/v0.0.19',
      '--json',
    ]);
    ok(r);
    const report = validateSchema<{
      publisher: { pinned: boolean };
      sha256: string;
      attestations: Array<{ predicateType: string; publisher: { claimed: unknown } }>;
    }>('attest-report', JSON.parse(r.stdout), 'stdout');
    assert.equal(report.publisher.pinned, true);
    assert.equal(report.sha256, '9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3');
    assert.equal(report.attestations.length, 1);
    assert.deepEqual(report.attestations[0]!.publisher.claimed, {
      kind: 'github',
      repository: 'trailofbits/pypi-attestations',
      workflow: 'release.yml',
    });
  });

  for (const [name, att, predicate] of [
    ['publish', PUBLISH, 'https://docs.pypi.org/attestations/publish/v1'],
    ['SLSA', SLSA, 'https://slsa.dev/provenance/v1'],
  ] as const) {
    test(`the bare ${name} attestation verifies for the GitHub publisher`, async () => {
      const r = await verify([SDIST(), '--attestation', att(), '--trusted-root', PUBLIC_GOOD_ROOT(), ...GH]);
      ok(r);
      assert.match(r.stdout, new RegExp(`predicate: ${predicate.replace(/[./]/g, '\\$&')}$`, 'm'));
      assert.match(
        r.stdout,
        /publisher pinned to GitHub https:\/\/github\.com\/trailofbits\/pypi-attestations workflow release\.yml/,
      );
    });
  }

  test('a bare attestation without a publisher is reported as not pinned', async () => {
    const r = await verify([SDIST(), '--attestation', PUBLISH(), '--trusted-root', PUBLIC_GOOD_ROOT()]);
    ok(r);
    assert.match(r.stdout, /not pinned: a bare attestation names no publisher/);
  });

  test('another repository fails', async () => {
    const r = await verify([
      SDIST(),
      '--provenance',
      PROV(),
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      '--repository',
      'https://github.com/trailofbits/pypi-attestations-evil',
      '--workflow',
      'release.yml',
    ]);
    const line = failed(r, 1, 'PUBLISHER_MISMATCH', PROV(), '/attestation_bundles/0/attestations/0');
    assert.match(
      line,
      new RegExp(
        String.raw`source repository is 'https:\/\/github\.com\/trailofbits\/pypi-attestations', expected ` +
          String.raw`'https:\/\/github\.com\/trailofbits\/pypi-attestations-evil'`,
      ),
    );
  });

  test('another workflow fails, for the provenance and for a bare attestation', async () => {
    const r = await verify([
      SDIST(),
      '--provenance',
      PROV(),
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      '--repository',
      'https://github.com/trailofbits/pypi-attestations',
      '--workflow',
      'release.yaml',
    ]);
    failed(r, 1, 'PUBLISHER_MISMATCH', PROV(), '/attestation_bundles/0/attestations/0');
    const b = await verify([
      SDIST(),
      '--attestation',
      SLSA(),
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      '--repository',
      'https://github.com/trailofbits/pypi-attestations',
      '--workflow',
      'publish.yml',
    ]);
    assert.match(failed(b, 1, 'PUBLISHER_MISMATCH', SLSA()), /not workflow 'publish\.yml'/);
  });

  test('a ref is compared exactly: a longer ref fails', async () => {
    const r = await verify([
      SDIST(),
      '--attestation',
      PUBLISH(),
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      ...GH,
      '--ref',
      'refs/tags/v0.0.1',
    ]);
    assert.match(
      failed(r, 1, 'PUBLISHER_MISMATCH', PUBLISH()),
      /source ref is 'refs\/tags\/v0\.0\.19', expected 'refs\/tags\/v0\.0\.1'/,
    );
  });

  test('an environment cannot be shown by a provenance that names none', async () => {
    const r = await verify([
      SDIST(),
      '--provenance',
      PROV(),
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      ...GH,
      '--environment',
      'pypi',
    ]);
    assert.match(
      failed(r, 1, 'PUBLISHER_MISMATCH', PROV(), '/attestation_bundles/0/attestations/0'),
      /environment is '\(none\)', expected 'pypi'/,
    );
  });

  test('another file fails (SUBJECT_NAME), the same bytes under a normalised-equal name pass', async () => {
    const r = await verify([GITLAB(), '--provenance', PROV(), '--trusted-root', PUBLIC_GOOD_ROOT()]);
    assert.match(
      failed(r, 1, 'SUBJECT_NAME', PROV(), '/attestation_bundles/0/attestations/0'),
      /is about 'pypi_attestations-0\.0\.19\.tar\.gz', not 'gitlab_oidc_project-0\.0\.3\.tar\.gz'/,
    );
    const bytes = readFileSync(SDIST());
    ok(
      await verify([
        tmpFile('Pypi.Attestations-0.0.19.tar.gz', bytes),
        '--provenance',
        PROV(),
        '--trusted-root',
        PUBLIC_GOOD_ROOT(),
      ]),
    );
    const other = tmpFile('pypi_attestations-0.0.20.tar.gz', bytes);
    failed(
      await verify([other, '--provenance', PROV(), '--trusted-root', PUBLIC_GOOD_ROOT()]),
      1,
      'SUBJECT_NAME',
      PROV(),
    );
  });

  test('the file with one byte changed fails (DIGEST_MISMATCH)', async () => {
    const bytes = new Uint8Array(readFileSync(SDIST()));
    bytes[1000] = bytes[1000]! ^ 0x01;
    const dir = mkdtempSync(join(tmp, 'flip-'));
    const changed = join(dir, 'pypi_attestations-0.0.19.tar.gz');
    writeFileSync(changed, bytes);
    const r = await verify([changed, '--provenance', PROV(), '--trusted-root', PUBLIC_GOOD_ROOT(), ...GH]);
    assert.match(
      failed(r, 1, 'DIGEST_MISMATCH', PROV(), '/attestation_bundles/0/attestations/0'),
      /subject sha256 is 9bb1add0.*, the file's is [0-9a-f]{64}/,
    );
  });

  test('against the staging root it fails: the log is not trusted there', async () => {
    const r = await verify([SDIST(), '--provenance', PROV(), '--trusted-root', STAGING_ROOT(), ...GH]);
    failed(
      r,
      1,
      'TLOG_MISSING',
      PROV(),
      '/attestation_bundles/0/attestations/0/verification_material/transparency_entries/0/logId',
    );
  });

  test('a provenance whose publisher claim differs from the certificate fails, even unpinned', async () => {
    const prov = JSON.parse(readFileSync(PROV(), 'utf8')) as {
      attestation_bundles: Array<{ publisher: Record<string, unknown> }>;
    };
    prov.attestation_bundles[0]!.publisher.workflow = 'other.yml';
    const p = tmpFile('claim-other.provenance', JSON.stringify(prov));
    failed(
      await verify([SDIST(), '--provenance', p, '--trusted-root', PUBLIC_GOOD_ROOT()]),
      1,
      'PUBLISHER_MISMATCH',
      p,
      '/attestation_bundles/0/attestations/0',
    );
    // and pinning the certificate's real publisher does not rescue it: both must match
    failed(
      await verify([SDIST(), '--provenance', p, '--trusted-root', PUBLIC_GOOD_ROOT(), ...GH]),
      1,
      'PUBLISHER_MISMATCH',
      p,
    );
    prov.attestation_bundles[0]!.publisher = { kind: 'ActiveState', organization: 'o', activestate_project_name: 'p' };
    const a = tmpFile('claim-activestate.provenance', JSON.stringify(prov));
    assert.match(
      failed(
        await verify([SDIST(), '--provenance', a, '--trusted-root', PUBLIC_GOOD_ROOT()]),
        1,
        'PUBLISHER_MISMATCH',
        a,
      ),
      /'ActiveState' publisher/,
    );
  });

  test('a provenance with no attestation fails (NO_ATTESTATIONS)', async () => {
    const empty = tmpFile('empty.provenance', JSON.stringify({ version: 1, attestation_bundles: [] }));
    failed(
      await verify([SDIST(), '--provenance', empty, '--trusted-root', PUBLIC_GOOD_ROOT()]),
      1,
      'NO_ATTESTATIONS',
      empty,
      '/attestation_bundles',
    );
    const noAtt = tmpFile(
      'empty-bundle.provenance',
      JSON.stringify({
        version: 1,
        attestation_bundles: [{ publisher: { kind: 'GitHub', repository: 'a/b', workflow: 'w' }, attestations: [] }],
      }),
    );
    failed(
      await verify([SDIST(), '--provenance', noAtt, '--trusted-root', PUBLIC_GOOD_ROOT()]),
      1,
      'NO_ATTESTATIONS',
      noAtt,
      '/attestation_bundles/0/attestations',
    );
  });
});

describe('attest verify: GitLab and e-mail identities', { concurrency: 4 }, () => {
  test('the GitLab sdist verifies for its GitLab publisher', async () => {
    const r = await verify([
      GITLAB(),
      '--attestation',
      GITLAB_ATT(),
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      ...GL,
      '--ref',
      'refs/heads/main',
    ]);
    ok(r);
    assert.match(
      r.stdout,
      /publisher pinned to GitLab https:\/\/gitlab\.com\/facutuesca\/gitlab-oidc-project workflow \.gitlab-ci\.yml/,
    );
  });

  test('the GitLab sdist fails for a GitHub policy naming the same path', async () => {
    const r = await verify([
      GITLAB(),
      '--attestation',
      GITLAB_ATT(),
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      '--repository',
      'https://github.com/facutuesca/gitlab-oidc-project',
      '--workflow',
      '.gitlab-ci.yml',
    ]);
    assert.match(failed(r, 1, 'PUBLISHER_MISMATCH', GITLAB_ATT()), /issuer is 'https:\/\/gitlab\.com'/);
  });

  test('the staging e-mail wheel verifies against staging for that identity', async () => {
    const r = await verify([
      WHEEL(),
      '--attestation',
      WHEEL_ATT(),
      '--trusted-root',
      STAGING_ROOT(),
      ...EMAIL,
      '--json',
    ]);
    ok(r);
    const report = validateSchema<{ attestations: Array<{ certificate: { identity: string; identityType: string } }> }>(
      'attest-report',
      JSON.parse(r.stdout),
      'stdout',
    );
    assert.deepEqual(
      [report.attestations[0]!.certificate.identity, report.attestations[0]!.certificate.identityType],
      ['william@yossarian.net', 'email'],
    );
  });

  test('the e-mail wheel fails for another identity or issuer', async () => {
    failed(
      await verify([
        WHEEL(),
        '--attestation',
        WHEEL_ATT(),
        '--trusted-root',
        STAGING_ROOT(),
        '--identity',
        'william@yossarian.net.evil',
        '--issuer',
        'https://github.com/login/oauth',
      ]),
      1,
      'IDENTITY_MISMATCH',
      WHEEL_ATT(),
    );
    failed(
      await verify([
        WHEEL(),
        '--attestation',
        WHEEL_ATT(),
        '--trusted-root',
        STAGING_ROOT(),
        '--identity',
        'william@yossarian.net',
        '--issuer',
        'https://accounts.google.com',
      ]),
      1,
      'IDENTITY_MISMATCH',
      WHEEL_ATT(),
    );
  });

  test('the e-mail wheel fails against the public-good root', async () => {
    failed(
      await verify([WHEEL(), '--attestation', WHEEL_ATT(), '--trusted-root', PUBLIC_GOOD_ROOT(), ...EMAIL]),
      1,
      'TLOG_MISSING',
      WHEEL_ATT(),
      '/verification_material/transparency_entries/0/logId',
    );
  });

  test('the e-mail wheel fails under any Trusted Publisher policy', async () => {
    const policies = [GH, GL, ['--repository', 'https://github.com/woodruffw/rfc8785.py', '--workflow', 'release.yml']];
    const results = await Promise.all(
      policies.map((policy) =>
        verify([WHEEL(), '--attestation', WHEEL_ATT(), '--trusted-root', STAGING_ROOT(), ...policy]),
      ),
    );
    for (const r of results) failed(r, 1, 'PUBLISHER_MISMATCH', WHEEL_ATT());
  });
});

describe('attest verify --trust-dir: the TUF copy checked on the spot', { concurrency: 4 }, () => {
  test('public-good copy at a time inside its validity', async () => {
    const r = await verify([
      SDIST(),
      '--provenance',
      PROV(),
      '--trust-dir',
      TUF_2026(),
      '--now',
      '2026-08-22T00:00:00Z',
      ...GH,
    ]);
    ok(r);
    assert.match(r.stdout, /from TUF copy .*sigstore-2026-08-21, checked at 2026-08-22T00:00:00\.000Z/);
  });

  test('staging copy with --instance staging for the e-mail wheel', async () => {
    ok(
      await verify([
        WHEEL(),
        '--attestation',
        WHEEL_ATT(),
        '--trust-dir',
        TUF_STAGING(),
        '--instance',
        'staging',
        '--now',
        '2026-08-22T00:00:00Z',
        ...EMAIL,
      ]),
    );
  });

  test('the copy is expired at a later --now: nothing is verified', async () => {
    const r = await verify([
      SDIST(),
      '--provenance',
      PROV(),
      '--trust-dir',
      TUF_2026(),
      '--now',
      '2026-12-22T00:00:00Z',
      ...GH,
    ]);
    failed(r, 1, 'TUF_EXPIRED');
  });

  test('--grace accepts a copy whose timestamp expired, never beyond the root', async () => {
    const late = [SDIST(), '--provenance', PROV(), '--trust-dir', TUF_2026(), '--now', '2026-10-01T00:00:00Z', ...GH];
    failed(await verify(late), 1, 'TUF_EXPIRED');
    ok(await verify([...late, '--grace', '40d']));
  });

  test('the copy is checked against the trust state: an older copy after a newer one is a rollback', async () => {
    const state = join(tmp, 'state-rollback');
    ok(
      await verify([
        SDIST(),
        '--provenance',
        PROV(),
        '--trust-dir',
        TUF_2026(),
        '--now',
        '2025-11-24T00:00:00Z',
        '--state',
        state,
        ...GH,
      ]),
    );
    const r = await verify([
      SDIST(),
      '--provenance',
      PROV(),
      '--trust-dir',
      TUF_2025(),
      '--now',
      '2025-11-24T00:00:00Z',
      '--state',
      state,
      ...GH,
    ]);
    failed(r, 1, 'TUF_ROLLBACK');
  });
});

describe('attest verify: bad input is exit 2 naming file and field', { concurrency: 4 }, () => {
  const att = () => JSON.parse(readFileSync(PUBLISH(), 'utf8')) as Json;

  test('malformed JSON', async () => {
    const p = tmpFile('bad.json', '{"version": 1,');
    failed(await verify([SDIST(), '--attestation', p, '--trusted-root', PUBLIC_GOOD_ROOT()]), 2, 'MALFORMED_JSON', p);
  });

  test('wrong schema names the field', async () => {
    const a = att();
    delete a.envelope.signature;
    const p = tmpFile('nosig.attestation', JSON.stringify(a));
    assert.match(
      failed(
        await verify([SDIST(), '--attestation', p, '--trusted-root', PUBLIC_GOOD_ROOT()]),
        2,
        'SCHEMA_INVALID',
        p,
        '/envelope',
      ),
      /signature/,
    );
    const v = tmpFile('v2.attestation', JSON.stringify({ ...att(), version: 2 }));
    failed(
      await verify([SDIST(), '--attestation', v, '--trusted-root', PUBLIC_GOOD_ROOT()]),
      2,
      'SCHEMA_INVALID',
      v,
      '/version',
    );
  });

  test('base64 garbage in the statement, and a certificate that is not DER', async () => {
    const a = att();
    a.envelope.statement = 'this is not base64!!';
    const p = tmpFile('garbage.attestation', JSON.stringify(a));
    failed(
      await verify([SDIST(), '--attestation', p, '--trusted-root', PUBLIC_GOOD_ROOT()]),
      2,
      'SCHEMA_INVALID',
      p,
      '/envelope/statement',
    );
    const c = att();
    c.verification_material.certificate = Buffer.from('not a certificate').toString('base64');
    const q = tmpFile('badcert.attestation', JSON.stringify(c));
    failed(
      await verify([SDIST(), '--attestation', q, '--trusted-root', PUBLIC_GOOD_ROOT()]),
      2,
      'BUNDLE_MALFORMED',
      q,
      '/verification_material/certificate',
    );
  });

  test('a provenance given as --attestation', async () => {
    failed(
      await verify([SDIST(), '--attestation', PROV(), '--trusted-root', PUBLIC_GOOD_ROOT()]),
      2,
      'SCHEMA_INVALID',
      PROV(),
      '/',
    );
  });

  test('a file that is not a distribution, or missing', async () => {
    const p = tmpFile('notes.txt', 'x');
    failed(
      await verify([p, '--attestation', PUBLISH(), '--trusted-root', PUBLIC_GOOD_ROOT()]),
      2,
      'DIST_FILENAME_INVALID',
      p,
    );
    const missing = join(tmp, 'pypi_attestations-0.0.19.tar.gz');
    failed(
      await verify([missing, '--attestation', PUBLISH(), '--trusted-root', PUBLIC_GOOD_ROOT()]),
      2,
      'INPUT_UNREADABLE',
      missing,
    );
  });

  test('usage errors', async () => {
    const base = [SDIST(), '--attestation', PUBLISH()];
    const cases: Array<[string[], RegExp]> = [
      [
        [...base, '--provenance', PROV(), '--trusted-root', PUBLIC_GOOD_ROOT()],
        /exactly one of --provenance or --attestation/,
      ],
      [base, /exactly one of --trusted-root or --trust-dir/],
      [
        [...base, '--trusted-root', PUBLIC_GOOD_ROOT(), '--trust-dir', TUF_2026()],
        /exactly one of --trusted-root or --trust-dir/,
      ],
      [[...base, '--trusted-root', PUBLIC_GOOD_ROOT(), '--instance', 'staging'], /--instance goes with --trust-dir/],
      [
        [
          ...base,
          '--trusted-root',
          PUBLIC_GOOD_ROOT(),
          '--repository',
          'https://example.com/a/b',
          '--workflow',
          'w.yml',
        ],
        /github\.com or gitlab\.com/,
      ],
      [[...base, '--trusted-root', PUBLIC_GOOD_ROOT(), '--identity', 'a@b'], /--identity and --issuer go together/],
      [[...base, '--trusted-root', PUBLIC_GOOD_ROOT(), '--now', 'yesterday'], /--now must be/],
    ];
    const results = await Promise.all(cases.map(([args]) => verify(args)));
    for (const [i, r] of results.entries()) assert.match(failed(r, 2, 'USAGE'), cases[i]![1]);
  });

  test('with --json an error is one JSON object on stdout too', async () => {
    const r = await verify([
      SDIST(),
      '--provenance',
      PROV(),
      '--trusted-root',
      PUBLIC_GOOD_ROOT(),
      '--repository',
      'https://github.com/a/b',
      '--workflow',
      'release.yml',
      '--json',
    ]);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; file: string; field: string } };
    assert.deepEqual(
      [out.ok, out.error.code, out.error.file, out.error.field],
      [false, 'PUBLISHER_MISMATCH', PROV(), '/attestation_bundles/0/attestations/0'],
    );
  });
});

describe('attest inspect', { concurrency: 4 }, () => {
  test('shows publisher, certificate, extensions, log entries, subject and predicate, unverified', async () => {
    const r = await runCli(['attest', 'inspect', PROV()]);
    ok(r);
    assert.match(r.stdout, /NOT VERIFIED/);
    assert.match(r.stdout, /publisher \(claimed\): .*"kind":"GitHub".*"repository":"trailofbits\/pypi-attestations"/);
    assert.match(r.stdout, /sourceRepositoryRef: refs\/tags\/v0\.0\.19/);
    assert.match(
      r.stdout,
      new RegExp(
        String.raw`buildConfigURI: https:\/\/github\.com\/trailofbits\/pypi-attestations\/\.github\/workflows\/rel` +
          String.raw`ease\.yml@refs\/tags\/v0\.0\.19`,
      ),
    );
    assert.match(r.stdout, /log entry: dsse 0\.0\.1, index 153454663, integrated 2024-12-04T23:14:01\.000Z/);
    assert.match(
      r.stdout,
      new RegExp(
        String.raw`subject: pypi_attestations-0\.0\.19\.tar\.gz ` +
          `sha256:9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3`,
      ),
    );
    assert.match(r.stdout, /predicate type: https:\/\/docs\.pypi\.org\/attestations\/publish\/v1/);
  });

  test('a bare attestation, as JSON matching the report schema', async () => {
    const r = await runCli([
      'attest',
      'inspect',
      PYPI('spt3g-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.publish.attestation'),
      '--json',
    ]);
    ok(r);
    const report = validateSchema<{
      verified: boolean;
      attestations: Array<{ publisher: unknown; certificate: { identity: string }; subjects: Array<{ name: string }> }>;
    }>('attest-report', JSON.parse(r.stdout), 'stdout');
    assert.equal(report.verified, false);
    assert.equal(report.attestations[0]!.publisher, null);
    assert.equal(report.attestations[0]!.certificate.identity, 'william@yossarian.net');
    assert.equal(
      report.attestations[0]!.subjects[0]!.name,
      'spt3g-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
    );
  });

  test('a statement that is not JSON is shown as unreadable, not hidden', async () => {
    const a = JSON.parse(readFileSync(PUBLISH(), 'utf8')) as Json;
    a.envelope.statement = Buffer.from('not json').toString('base64');
    const r = await runCli(['attest', 'inspect', tmpFile('nonjson.attestation', JSON.stringify(a))]);
    ok(r);
    assert.match(r.stdout, /statement: unreadable/);
  });

  test('bad input is exit 2', async () => {
    const p = tmpFile('inspect-bad.json', 'nope');
    failed(await runCli(['attest', 'inspect', p]), 2, 'MALFORMED_JSON', p);
    const q = tmpFile(
      'inspect-schema.json',
      JSON.stringify({ version: 1, attestation_bundles: [{ publisher: { kind: 'GitHub' }, attestations: [] }] }),
    );
    failed(await runCli(['attest', 'inspect', q]), 2, 'SCHEMA_INVALID', q, '/attestation_bundles/0/publisher');
  });
});
