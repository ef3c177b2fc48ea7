import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { PYPI, TUF_2026 } from '../helpers/fixtures.ts';
import { PUBLIC_GOOD_ROOT, REAL, STAGING_ROOT, realBundle } from '../helpers/sigstore-bundles.ts';
import { createSigstoreInstance, type SigstoreTestInstance } from '../helpers/sigstore-fixtures.ts';

// `airlock sigstore verify-bundle`, spawned as a user runs it: exit code and
// the one stderr line `airlock: CODE: file: field: message`.

const GH = REAL.github;
let dir: string;
let inst: SigstoreTestInstance;
const p = (name: string) => join(dir, name);
const write = (name: string, data: unknown) => {
  writeFileSync(p(name), typeof data === 'string' || data instanceof Uint8Array ? data : JSON.stringify(data));
  return p(name);
};
const TARBALL = () => PYPI('pypi_attestations-0.0.19.tar.gz');
const ghArgs = (bundle: string, extra: string[] = []) => [
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
  ...extra,
  TARBALL(),
];

function assertFails(
  r: { code: number | null; stderr: string; stdout: string },
  exit: number,
  line: RegExp | string,
): void {
  assert.equal(r.code, exit, `stderr: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line, got: ${r.stderr}`);
  if (typeof line === 'string') assert.equal(lines[0], line);
  else assert.match(lines[0]!, line);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stdout, '', 'no partial output');
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'airlock-sigstore-cli-'));
  inst = await createSigstoreInstance();
  write('gh.json', realBundle(GH.file));
  write('root.json', inst.trustedRoot());
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sigstore verify-bundle: verified', () => {
  it('real GitHub bundle, artifact path: exit 0', async () => {
    const r = await runCli(ghArgs(p('gh.json')));
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        String.raw`^OK: .*gh\.json: verified\n {2}signer: ` +
          String.raw`https:\/\/github\.com\/trailofbits\/pypi-attestations\/\.github\/workflows\/release\.yml@refs\/` +
          String.raw`tags\/v0\.0\.19 \(issuer https:\/\/token\.actions\.githubusercontent\.com\)`,
      ),
    );
    assert.equal(r.stderr, '');
  });
  it('--trust-dir: the trusted root comes from a TUF copy checked at --now', async () => {
    const args = ghArgs(p('gh.json')).filter((a, i, all) => a !== '--trusted-root' && all[i - 1] !== '--trusted-root');
    const ok = await runCli([
      ...args,
      '--trust-dir',
      TUF_2026(),
      '--now',
      '2026-08-22T00:00:00Z',
      '--state',
      p('state'),
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assertFails(
      await runCli([...args, '--trust-dir', TUF_2026(), '--now', '2026-11-25T00:00:00Z', '--state', p('state2')]),
      1,
      /^airlock: TUF_EXPIRED: metadata\/15\.root\.json: /,
    );
  });
  it('--json report', async () => {
    const r = await runCli([...ghArgs(p('gh.json')), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.ok, true);
    assert.equal(j.signer.extensions.sourceRepositoryRef, 'refs/tags/v0.0.19');
    assert.equal(j.tlogEntries[0].logIndex, '153454663');
  });
  it('artifact given as sha256:HEX: exit 0', async () => {
    const hex = createHash('sha256').update(readFileSync(TARBALL())).digest('hex');
    const args = ghArgs(p('gh.json'));
    args[args.length - 1] = `sha256:${hex}`;
    const r = await runCli(args);
    assert.equal(r.code, 0, r.stderr);
  });
  it('staging e-mail bundle against the staging root: exit 0', async () => {
    const b = write('email.json', realBundle(REAL.email.file));
    const r = await runCli([
      'sigstore',
      'verify-bundle',
      '--bundle',
      b,
      '--certificate-identity',
      REAL.email.identity,
      '--certificate-oidc-issuer',
      REAL.email.issuer,
      '--trusted-root',
      STAGING_ROOT(),
      PYPI('rfc8785-0.1.2-py3-none-any.whl'),
    ]);
    assert.equal(r.code, 0, r.stderr);
  });
  it('generated Rekor v2 + TSA message signature, file and digest: exit 0', async () => {
    const art = write('artifact.txt', 'hello artifact\n');
    const b = write('v2.json', await inst.signMessage('hello artifact\n', { logs: ['v2'] }));
    const base = [
      'sigstore',
      'verify-bundle',
      '--bundle',
      b,
      '--certificate-identity',
      'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1',
      '--certificate-oidc-issuer',
      'https://token.actions.githubusercontent.com',
      '--trusted-root',
      p('root.json'),
    ];
    assert.equal((await runCli([...base, art])).code, 0);
    const hex = createHash('sha256').update('hello artifact\n').digest('hex');
    assert.equal((await runCli([...base, `sha256:${hex}`])).code, 0);
    assertFails(
      await runCli([...base, write('other.txt', 'other\n')]),
      1,
      /^airlock: DIGEST_MISMATCH: .*v2\.json: \/messageSignature\/messageDigest\/digest: the artifact's sha256 /,
    );
  });
  it('--key for a key-signed bundle: exit 0; another key: exit 1', async () => {
    const art = write('k.txt', 'keyed\n');
    const b = write('k.json', await inst.signMessage('keyed\n', { keyOnly: true }));
    const key = write('k.pem', inst.publicKeyPem);
    const r = await runCli([
      'sigstore',
      'verify-bundle',
      '--bundle',
      b,
      '--key',
      key,
      '--trusted-root',
      p('root.json'),
      art,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /signer: key:sha256:[0-9a-f]{64}/);
    const other = write('other.pem', (await createSigstoreInstance()).publicKeyPem);
    assertFails(
      await runCli(['sigstore', 'verify-bundle', '--bundle', b, '--key', other, '--trusted-root', p('root.json'), art]),
      1,
      /^airlock: SIGNATURE_INVALID: /,
    );
  });
  it('--key does not replace the identity check of a certificate bundle: exit 2', async () => {
    const key = write('k2.pem', inst.publicKeyPem);
    assertFails(
      await runCli([
        'sigstore',
        'verify-bundle',
        '--bundle',
        p('gh.json'),
        '--key',
        key,
        '--trusted-root',
        PUBLIC_GOOD_ROOT(),
        TARBALL(),
      ]),
      2,
      `airlock: USAGE: ${p('gh.json')} is signed with a certificate: --certificate-identity and ` +
        `--certificate-oidc-issuer are required`,
    );
  });
});

describe('sigstore verify-bundle: refused (exit 1)', () => {
  it('another identity', async () => {
    const args = ghArgs(p('gh.json'));
    args[5] = 'https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.1';
    assertFails(
      await runCli(args),
      1,
      `airlock: IDENTITY_MISMATCH: ${p('gh.json')}: /verificationMaterial/certificate: certificate identity is ` +
        `'${GH.identity}', expected '${args[5]}'`,
    );
  });
  it('--json: the error as one JSON object on stdout, and the line on stderr', async () => {
    const args = [...ghArgs(p('gh.json')), '--json'];
    args[5] = 'https://example.com/other';
    const r = await runCli(args);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), {
      ok: false,
      error: {
        code: 'IDENTITY_MISMATCH',
        file: p('gh.json'),
        field: '/verificationMaterial/certificate',
        message: `certificate identity is '${GH.identity}', expected 'https://example.com/other'`,
      },
    });
    assert.match(r.stderr, /^airlock: IDENTITY_MISMATCH: /);
  });
  it('another issuer', async () => {
    const args = ghArgs(p('gh.json'));
    args[7] = 'https://gitlab.com';
    assertFails(
      await runCli(args),
      1,
      `airlock: IDENTITY_MISMATCH: ${p('gh.json')}: /verificationMaterial/certificate: certificate OIDC issuer is ` +
        `'${GH.issuer}', expected 'https://gitlab.com'`,
    );
  });
  it('the wrong trusted root', async () => {
    const args = ghArgs(p('gh.json'));
    args[9] = STAGING_ROOT();
    assertFails(
      await runCli(args),
      1,
      `airlock: TLOG_MISSING: ${p('gh.json')}: /verificationMaterial/tlogEntries/0/logId: log ` +
        `wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0= is not a log of the trusted root`,
    );
  });
  it('another artifact than the statement names', async () => {
    const args = ghArgs(p('gh.json'));
    args[args.length - 1] = PYPI('gitlab_oidc_project-0.0.3.tar.gz');
    assertFails(
      await runCli(args),
      1,
      new RegExp(
        String.raw`^airlock: DIGEST_MISMATCH: .*gh\.json: \/dsseEnvelope\/payload: no subject of the in-toto ` +
          `statement has sha256 [0-9a-f]{64}$`,
      ),
    );
  });
  it('a tampered signature', async () => {
    const b = realBundle(GH.file);
    const sig = Buffer.from(b.dsseEnvelope.signatures[0].sig, 'base64');
    sig[sig.length - 2] = sig[sig.length - 2]! ^ 1;
    b.dsseEnvelope.signatures[0].sig = sig.toString('base64');
    assertFails(
      await runCli(ghArgs(write('bad-sig.json', b))),
      1,
      `airlock: SIGNATURE_INVALID: ${p('bad-sig.json')}: /dsseEnvelope/signatures/0/sig: the signature does not ` +
        `verify with the signing key`,
    );
  });
  it('no SET and no TSA timestamp', async () => {
    const b = realBundle(GH.file);
    delete b.verificationMaterial.tlogEntries[0].inclusionPromise;
    assertFails(
      await runCli(ghArgs(write('noset.json', b))),
      1,
      /^airlock: NO_TRUSTED_TIME: .*noset\.json: \/verificationMaterial: /,
    );
  });
});

describe('sigstore verify-bundle: malformed input and usage (exit 2)', () => {
  it('no --trusted-root', async () => {
    const args = ghArgs(p('gh.json')).filter((a, i, all) => a !== '--trusted-root' && all[i - 1] !== '--trusted-root');
    assertFails(
      await runCli(args),
      2,
      /^airlock: USAGE: give exactly one of --trusted-root or --trust-dir: airlock never fetches a trusted root/,
    );
  });
  it('no identity and no key', async () => {
    assertFails(
      await runCli([
        'sigstore',
        'verify-bundle',
        '--bundle',
        p('gh.json'),
        '--trusted-root',
        PUBLIC_GOOD_ROOT(),
        TARBALL(),
      ]),
      2,
      /^airlock: USAGE: --certificate-identity and --certificate-oidc-issuer are required/,
    );
  });
  it('bundle is not JSON', async () => {
    assertFails(
      await runCli(ghArgs(write('notjson.json', '{"mediaType": '))),
      2,
      /^airlock: BUNDLE_MALFORMED: .*notjson\.json: not valid JSON/,
    );
  });
  it('bundle does not exist', async () => {
    assertFails(
      await runCli(ghArgs(p('missing.json'))),
      2,
      /^airlock: INPUT_UNREADABLE: .*missing\.json: cannot read \(ENOENT\)$/,
    );
  });
  it('unknown media type', async () => {
    const b = realBundle(GH.file);
    b.mediaType = 'application/vnd.dev.sigstore.bundle.v0.9+json';
    assertFails(
      await runCli(ghArgs(write('mt.json', b))),
      2,
      `airlock: BUNDLE_UNSUPPORTED: ${p('mt.json')}: /mediaType: unknown bundle media type ` +
        `"application/vnd.dev.sigstore.bundle.v0.9+json"`,
    );
  });
  it('neither dsseEnvelope nor messageSignature', async () => {
    const b = realBundle(GH.file);
    delete b.dsseEnvelope;
    assertFails(
      await runCli(ghArgs(write('nocontent.json', b))),
      2,
      `airlock: BUNDLE_MALFORMED: ${p('nocontent.json')}: /: needs exactly one of messageSignature, dsseEnvelope ` +
        `(found none)`,
    );
  });
  it('base64 garbage in the certificate', async () => {
    const b = realBundle(GH.file);
    b.verificationMaterial.certificate.rawBytes = 'not*base64!';
    assertFails(
      await runCli(ghArgs(write('b64.json', b))),
      2,
      /^airlock: BUNDLE_MALFORMED: .*b64\.json: \/verificationMaterial\/certificate\/rawBytes: must be base64/,
    );
  });
  it('valid base64 that is not a certificate', async () => {
    const b = realBundle(GH.file);
    b.verificationMaterial.certificate.rawBytes = Buffer.from('hello world').toString('base64');
    assertFails(
      await runCli(ghArgs(write('notcert.json', b))),
      2,
      new RegExp(
        String.raw`^airlock: BUNDLE_MALFORMED: .*notcert\.json: \/verificationMaterial\/certificate\/rawBytes: ` +
          String.raw`not a DER X\.509 certificate`,
      ),
    );
  });
  it('a tlog entry without logIndex (wrong schema)', async () => {
    const b = realBundle(GH.file);
    delete b.verificationMaterial.tlogEntries[0].logIndex;
    assertFails(
      await runCli(ghArgs(write('schema.json', b))),
      2,
      new RegExp(
        String.raw`^airlock: BUNDLE_MALFORMED: .*schema\.json: \/verificationMaterial\/tlogEntries\/0: must have ` +
          `required property 'logIndex'`,
      ),
    );
  });
  it('trusted root is not a trusted root', async () => {
    const args = ghArgs(p('gh.json'));
    args[9] = write('badroot.json', {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [
        {
          baseUrl: 'x',
          hashAlgorithm: 'SHA2_256',
          publicKey: {
            rawBytes: 'AAAA',
            keyDetails: 'PKIX_ECDSA_P256_SHA_256',
            validFor: { start: '2020-01-01T00:00:00Z' },
          },
          logId: { keyId: 'AAAA' },
        },
      ],
    });
    assertFails(
      await runCli(args),
      2,
      /^airlock: TRUSTED_ROOT_INVALID: .*badroot\.json: cannot parse keys or certificates/,
    );
  });
});
