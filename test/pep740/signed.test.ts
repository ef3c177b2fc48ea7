import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseAttestation,
  parseProvenance,
  verifyAttestation,
  verifyProvenance,
  PYPI_PUBLISH_V1,
  SLSA_PROVENANCE_V1,
  type Attestation,
} from '../../lib/pep740/index.ts';
import { loadTrustMaterial, type SigstoreTrust } from '../../lib/sigstore/index.ts';
import type { PublisherPolicy } from '../../lib/publisher/index.ts';
import { createSigstoreInstance, type SigstoreTestInstance } from '../helpers/sigstore-fixtures.ts';
import { assertCode } from '../helpers/sigstore-assert.ts';
import { runCli } from '../helpers/cli.ts';

// Statements that are validly signed but wrong: signed with a generated
// Sigstore instance (real keys, CA, CT log and Rekor log) and its trusted
// root, so that only the PEP 740 checks can reject them.

const DIST_BYTES = new TextEncoder().encode('not really a tarball, but bytes with a digest\n');
const DIST = { filename: 'acme_app-1.0.tar.gz', sha256: createHash('sha256').update(DIST_BYTES).digest('hex') };
const REPO = 'https://github.com/acme/app';
const BUILD_CONFIG = `${REPO}/.github/workflows/release.yml@refs/tags/v1`;
const GITHUB_EXTENSIONS = [
  { oid: '1.3.6.1.4.1.57264.1.12', value: REPO },
  { oid: '1.3.6.1.4.1.57264.1.13', value: 'a'.repeat(40) },
  { oid: '1.3.6.1.4.1.57264.1.14', value: 'refs/tags/v1' },
  { oid: '1.3.6.1.4.1.57264.1.18', value: BUILD_CONFIG },
];
const GH: PublisherPolicy = { kind: 'github', repository: 'acme/app', workflow: 'release.yml' };
const CLAIM = { kind: 'GitHub', repository: 'acme/app', workflow: 'release.yml', environment: null };

function statement(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: DIST.filename, digest: { sha256: DIST.sha256 } }],
    predicateType: PYPI_PUBLISH_V1,
    predicate: null,
    ...over,
  });
}

let sig: SigstoreTestInstance;
let trust: SigstoreTrust;
let tmp = '';

/** pypi-attestations' Attestation.from_bundle: the inverse of the conversion under test. */
async function attest(
  payload: string,
  opts: Parameters<SigstoreTestInstance['signDsse']>[1] = {},
): Promise<Attestation> {
  const b = await sig.signDsse(payload, { identity: BUILD_CONFIG, extensions: GITHUB_EXTENSIONS, ...opts });
  return parseAttestation(
    {
      version: 1,
      verification_material: {
        certificate: b.verificationMaterial.certificate.rawBytes,
        transparency_entries: b.verificationMaterial.tlogEntries,
      },
      envelope: { statement: b.dsseEnvelope.payload, signature: b.dsseEnvelope.signatures[0].sig },
    },
    'signed.attestation',
  );
}

const opts = (expected?: PublisherPolicy) => ({
  dist: DIST,
  file: 'signed.attestation',
  ...(expected ? { expected } : {}),
});

before(async () => {
  sig = await createSigstoreInstance();
  trust = loadTrustMaterial(sig.trustedRoot(), 'test-trusted-root.json');
  tmp = mkdtempSync(join(tmpdir(), 'airlock-signed-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('validly signed attestations from a generated Sigstore instance', () => {
  test('a correct statement verifies, for both predicate types, pinned to its GitHub publisher', async () => {
    const r = verifyAttestation(await attest(statement()), trust, opts(GH));
    assert.equal(r.predicateType, PYPI_PUBLISH_V1);
    assert.equal(r.publisher.pinned, true);
    assert.equal(
      verifyAttestation(
        await attest(statement({ predicateType: SLSA_PROVENANCE_V1, predicate: { buildDefinition: {} } })),
        trust,
        opts(GH),
      ).predicateType,
      SLSA_PROVENANCE_V1,
    );
  });

  test('wrong _type → STATEMENT_TYPE', async () => {
    const a = await attest(statement({ _type: 'https://in-toto.io/Statement/v0.1' }));
    assertCode(() => verifyAttestation(a, trust, opts(GH)), 'STATEMENT_TYPE');
    const b = await attest('this is signed, but it is not JSON');
    assertCode(() => verifyAttestation(b, trust, opts(GH)), 'STATEMENT_TYPE');
  });

  test('a payload signed as another DSSE type does not verify as in-toto (SIGNATURE_INVALID)', async () => {
    const a = await attest(statement(), { payloadType: 'application/json' });
    assertCode(() => verifyAttestation(a, trust, opts(GH)), 'SIGNATURE_INVALID');
  });

  test('wrong subject name → SUBJECT_NAME; a normalised-equal name passes', async () => {
    const wrong = await attest(
      statement({ subject: [{ name: 'acme_app-1.1.tar.gz', digest: { sha256: DIST.sha256 } }] }),
    );
    assertCode(() => verifyAttestation(wrong, trust, opts(GH)), 'SUBJECT_NAME');
    const other = await attest(
      statement({ subject: [{ name: 'acme_app-1.0-py3-none-any.whl', digest: { sha256: DIST.sha256 } }] }),
    );
    assertCode(() => verifyAttestation(other, trust, opts(GH)), 'SUBJECT_NAME');
    const same = await attest(
      statement({ subject: [{ name: 'Acme.App-1.0.tar.gz', digest: { sha256: DIST.sha256 } }] }),
    );
    verifyAttestation(same, trust, opts(GH));
  });

  test('two subjects → SUBJECT_NAME', async () => {
    const s = { name: DIST.filename, digest: { sha256: DIST.sha256 } };
    const a = await attest(statement({ subject: [s, { ...s, name: 'acme_app-1.0.zip' }] }));
    assertCode(() => verifyAttestation(a, trust, opts(GH)), 'SUBJECT_NAME');
  });

  test('a digest that is not the file sha256 → DIGEST_MISMATCH', async () => {
    const a = await attest(
      statement({ subject: [{ name: DIST.filename, digest: { sha256: DIST.sha256.toUpperCase() } }] }),
    );
    assertCode(() => verifyAttestation(a, trust, opts(GH)), 'DIGEST_MISMATCH');
  });

  test('wrong predicate type → PREDICATE_TYPE', async () => {
    const a = await attest(statement({ predicateType: 'https://slsa.dev/provenance/v0.2' }));
    assertCode(() => verifyAttestation(a, trust, opts(GH)), 'PREDICATE_TYPE');
  });

  test('a provenance publisher claim that differs from the certificate → PUBLISHER_MISMATCH', async () => {
    const a = await attest(statement());
    const good = parseProvenance(
      { version: 1, attestation_bundles: [{ publisher: CLAIM, attestations: [a] }] },
      'p.provenance',
    );
    assert.equal(verifyProvenance(good, trust, { dist: DIST, file: 'p.provenance' })[0]!.publisher.pinned, false);
    for (const publisher of [
      { ...CLAIM, repository: 'acme/other' },
      { ...CLAIM, workflow: 'publish.yml' },
      { kind: 'GitLab', repository: 'acme/app', workflow_filepath: 'release.yml' },
      { kind: 'Google', email: 'x@acme.iam.gserviceaccount.com' },
    ]) {
      const bad = parseProvenance(
        { version: 1, attestation_bundles: [{ publisher, attestations: [a] }] },
        'p.provenance',
      );
      assertCode(
        () => verifyProvenance(bad, trust, { dist: DIST, file: 'p.provenance', expected: GH }),
        'PUBLISHER_MISMATCH',
        '/attestation_bundles/0/attestations/0',
      );
    }
  });

  test('every attestation of a provenance must pass: one bad one fails the whole', async () => {
    const good = await attest(statement());
    const bad = await attest(statement({ predicateType: 'https://example.com/predicate' }));
    const p = parseProvenance(
      { version: 1, attestation_bundles: [{ publisher: CLAIM, attestations: [good, bad] }] },
      'p.provenance',
    );
    assertCode(
      () => verifyProvenance(p, trust, { dist: DIST, file: 'p.provenance' }),
      'PREDICATE_TYPE',
      '/attestation_bundles/0/attestations/1',
    );
    const q = parseProvenance(
      {
        version: 1,
        attestation_bundles: [
          { publisher: CLAIM, attestations: [good] },
          { publisher: { ...CLAIM, repository: 'acme/evil' }, attestations: [good] },
        ],
      },
      'p.provenance',
    );
    assertCode(
      () => verifyProvenance(q, trust, { dist: DIST, file: 'p.provenance' }),
      'PUBLISHER_MISMATCH',
      '/attestation_bundles/1/attestations/0',
    );
  });

  test('a certificate from another issuer fails the GitHub policy even with GitHub extensions', async () => {
    const a = await attest(statement(), { issuer: 'https://gitlab.com' });
    assertCode(() => verifyAttestation(a, trust, opts(GH)), 'PUBLISHER_MISMATCH');
  });

  test('through the CLI: the exact line a user sees', async () => {
    const root = join(tmp, 'trusted_root.json');
    writeFileSync(root, JSON.stringify(sig.trustedRoot()));
    const dist = join(tmp, DIST.filename);
    writeFileSync(dist, DIST_BYTES);
    const good = join(tmp, 'good.attestation');
    writeFileSync(good, JSON.stringify(await attest(statement())));
    const bad = join(tmp, 'two-subjects.attestation');
    const s = { name: DIST.filename, digest: { sha256: DIST.sha256 } };
    writeFileSync(bad, JSON.stringify(await attest(statement({ subject: [s, s] }))));
    const [ok, ko] = await Promise.all([
      runCli([
        'attest',
        'verify',
        dist,
        '--attestation',
        good,
        '--trusted-root',
        root,
        '--repository',
        REPO,
        '--workflow',
        'release.yml',
      ]),
      runCli([
        'attest',
        'verify',
        dist,
        '--attestation',
        bad,
        '--trusted-root',
        root,
        '--repository',
        REPO,
        '--workflow',
        'release.yml',
      ]),
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ko.code, 1);
    assert.equal(ko.stderr, `airlock: SUBJECT_NAME: ${bad}: the statement must have exactly one subject, it has 2\n`);
  });
});
