import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  checkIdentity,
  loadTrustMaterial,
  parseBundle,
  verifyBundle,
  type SigstoreTrust,
} from '../../lib/sigstore/index.ts';
import { PYPI } from '../helpers/fixtures.ts';
import { assertCode } from '../helpers/sigstore-assert.ts';
import { PUBLIC_GOOD_ROOT, REAL, STAGING_ROOT, realBundle } from '../helpers/sigstore-bundles.ts';
import type { Json } from '../helpers/loose-json.ts';

// Real bundles (PyPI attestations converted to Sigstore bundles v0.3) against
// the real public-good and staging trusted roots, then one mutation per test.

const rootJson = (f: () => string) => JSON.parse(readFileSync(f(), 'utf8')) as Json;
const PUBLIC = loadTrustMaterial(readFileSync(PUBLIC_GOOD_ROOT()), 'public-good.json');
const STAGING = loadTrustMaterial(readFileSync(STAGING_ROOT()), 'staging.json');
const GH = REAL.github;

function verify(bundle: unknown, trust: SigstoreTrust = PUBLIC, artifact?: { sha256?: string; bytes?: Uint8Array }) {
  return verifyBundle(parseBundle(bundle, 'b.json'), trust, { file: 'b.json', ...(artifact ? { artifact } : {}) });
}

function flipB64(b64: string, at: number): string {
  const buf = Buffer.from(b64, 'base64');
  const i = at < 0 ? buf.length + at : at;
  buf[i] = buf[i]! ^ 0x01;
  return buf.toString('base64');
}

function entry0(b: Json): Json {
  return b.verificationMaterial.tlogEntries[0];
}

describe('real bundles verify', () => {
  for (const [name, r] of Object.entries(REAL)) {
    it(`${name}: ${r.file}`, () => {
      const trust = r.root === PUBLIC_GOOD_ROOT ? PUBLIC : STAGING;
      const v = verify(realBundle(r.file), trust);
      checkIdentity(v.signer, { identity: r.identity, issuer: r.issuer }, 'b.json');
      assert.equal(v.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
      assert.equal(v.tlogEntries.length, 1);
      assert.equal(v.tlogEntries[0]!.hasSignedEntryTimestamp, true);
      assert.deepEqual(
        v.timestamps.map((t) => t.kind),
        ['transparency-log'],
      );
      assert.equal(v.dsse?.payloadType, 'application/vnd.in-toto+json');
      assert.match(Buffer.from(v.dsse!.payload).toString(), /in-toto\.io\/Statement\/v1/);
    });
  }

  it('exposes Fulcio extensions by name (v2 DER strings and legacy raw strings)', () => {
    const s = verify(realBundle(GH.file)).signer;
    assert.equal(s.identityType, 'uri');
    assert.equal(s.issuer, 'https://token.actions.githubusercontent.com');
    assert.equal(s.extensions.sourceRepositoryURI, 'https://github.com/trailofbits/pypi-attestations');
    assert.equal(s.extensions.sourceRepositoryRef, 'refs/tags/v0.0.19');
    assert.equal(s.extensions.sourceRepositoryDigest, '08802efe1f8e5fec4ad842d6b8ce97656092ee72');
    assert.equal(s.extensions.sourceRepositoryOwnerURI, 'https://github.com/trailofbits');
    assert.equal(s.extensions.sourceRepositoryVisibilityAtSigning, 'public');
    assert.equal(s.extensions.runnerEnvironment, 'github-hosted');
    assert.equal(
      s.extensions.buildConfigURI,
      'https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19',
    );
    assert.equal(s.extensions.buildTrigger, 'release');
    assert.match(
      s.extensions.runInvocationURI ?? '',
      /^https:\/\/github\.com\/trailofbits\/pypi-attestations\/actions\/runs\/\d+\/attempts\/1$/,
    );
    assert.equal(s.extensions.githubWorkflowRepository, 'trailofbits/pypi-attestations');
    assert.equal(s.extensions.githubWorkflowRef, 'refs/tags/v0.0.19');
    assert.equal(s.extensions.githubWorkflowTrigger, 'release');
    assert.equal(s.notBefore, '2024-12-04T23:14:01.000Z');
  });

  it('e-mail identity', () => {
    const s = verify(realBundle(REAL.email.file), STAGING).signer;
    assert.equal(s.identityType, 'email');
    assert.equal(s.identity, 'william@yossarian.net');
  });

  it('binds a DSSE bundle to its artifact through the statement subject', () => {
    const bytes = readFileSync(PYPI('pypi_attestations-0.0.19.tar.gz'));
    verify(realBundle(GH.file), PUBLIC, { bytes });
    verify(realBundle(GH.file), PUBLIC, { sha256: createHash('sha256').update(bytes).digest('hex') });
    assertCode(
      () => verify(realBundle(GH.file), PUBLIC, { sha256: '0'.repeat(64) }),
      'DIGEST_MISMATCH',
      '/dsseEnvelope/payload',
    );
  });
});

describe('wrong trusted root', () => {
  it('public-good bundle against staging root: TLOG_MISSING', () => {
    assertCode(() => verify(realBundle(GH.file), STAGING), 'TLOG_MISSING', '/verificationMaterial/tlogEntries/0/logId');
  });
  it('staging bundle against public-good root: TLOG_MISSING', () => {
    assertCode(
      () => verify(realBundle(REAL.email.file), PUBLIC),
      'TLOG_MISSING',
      '/verificationMaterial/tlogEntries/0/logId',
    );
  });
  it('a root with the right logs but another CA: CERT_CHAIN', () => {
    const mixed = rootJson(PUBLIC_GOOD_ROOT);
    mixed.certificateAuthorities = rootJson(STAGING_ROOT).certificateAuthorities;
    assertCode(
      () => verify(realBundle(GH.file), loadTrustMaterial(mixed, 'mixed.json')),
      'CERT_CHAIN',
      '/verificationMaterial/certificate',
    );
  });
  it('a root with the right logs and CA but another CT log: SCT_INVALID', () => {
    const mixed = rootJson(PUBLIC_GOOD_ROOT);
    mixed.ctlogs = rootJson(STAGING_ROOT).ctlogs;
    assertCode(() => verify(realBundle(GH.file), loadTrustMaterial(mixed, 'mixed.json')), 'SCT_INVALID');
  });
  it('a root whose log validity window excludes the signing time: TLOG_MISSING', () => {
    const r = rootJson(PUBLIC_GOOD_ROOT);
    for (const t of r.tlogs) t.publicKey.validFor = { start: '2025-01-01T00:00:00Z' };
    const e = assertCode(() => verify(realBundle(GH.file), loadTrustMaterial(r, 'r.json')), 'TLOG_MISSING');
    assert.match(e.message, /not trusted at 2024-12-04T23:14:01/);
  });
  it('a root whose CA validity window excludes the signing time: CERT_CHAIN', () => {
    const r = rootJson(PUBLIC_GOOD_ROOT);
    for (const ca of r.certificateAuthorities)
      ca.validFor = { start: '2021-01-01T00:00:00Z', end: '2024-12-01T00:00:00Z' };
    assertCode(() => verify(realBundle(GH.file), loadTrustMaterial(r, 'r.json')), 'CERT_CHAIN');
  });
});

describe('tampering, one mutation each', () => {
  it('certificate bytes (its signature): CERT_CHAIN', () => {
    const b = realBundle(GH.file);
    b.verificationMaterial.certificate.rawBytes = flipB64(b.verificationMaterial.certificate.rawBytes, -3);
    assertCode(() => verify(b), 'CERT_CHAIN', '/verificationMaterial/certificate');
  });
  it('certificate replaced by another valid Fulcio certificate: SIGNATURE_INVALID', () => {
    const b = realBundle(GH.file);
    b.verificationMaterial.certificate = realBundle(REAL.githubSlsa.file).verificationMaterial.certificate;
    assertCode(() => verify(b), 'SIGNATURE_INVALID', '/dsseEnvelope/signatures/0/sig');
  });
  it('DSSE signature: SIGNATURE_INVALID', () => {
    const b = realBundle(GH.file);
    b.dsseEnvelope.signatures[0].sig = flipB64(b.dsseEnvelope.signatures[0].sig, -2);
    assertCode(() => verify(b), 'SIGNATURE_INVALID', '/dsseEnvelope/signatures/0/sig');
  });
  it('DSSE payload: SIGNATURE_INVALID', () => {
    const b = realBundle(GH.file);
    const stmt = Buffer.from(b.dsseEnvelope.payload, 'base64')
      .toString()
      .replace('pypi_attestations-0.0.19', 'pypi_attestations-0.0.20');
    b.dsseEnvelope.payload = Buffer.from(stmt).toString('base64');
    assertCode(() => verify(b), 'SIGNATURE_INVALID');
  });
  it('DSSE payload type: SIGNATURE_INVALID (the PAE covers it)', () => {
    const b = realBundle(GH.file);
    b.dsseEnvelope.payloadType = 'application/json';
    assertCode(() => verify(b), 'SIGNATURE_INVALID');
  });
  it('log entry body (canonicalizedBody): TLOG_SET (the SET signs the body)', () => {
    const b = realBundle(GH.file);
    const body = JSON.parse(Buffer.from(entry0(b).canonicalizedBody, 'base64').toString());
    body.spec.payloadHash.value = '0'.repeat(64);
    entry0(b).canonicalizedBody = Buffer.from(JSON.stringify(body)).toString('base64');
    assertCode(() => verify(b), 'TLOG_SET', '/verificationMaterial/tlogEntries/0/inclusionPromise');
  });
  it('log entry body without SET: TLOG_PROOF (the leaf hash no longer matches)', () => {
    const b = realBundle(GH.file);
    delete entry0(b).inclusionPromise;
    entry0(b).canonicalizedBody = flipB64(entry0(b).canonicalizedBody, 40);
    assertCode(() => verify(b), 'TLOG_PROOF', '/verificationMaterial/tlogEntries/0/inclusionProof');
  });
  it('inclusion-proof hash: TLOG_PROOF', () => {
    const b = realBundle(GH.file);
    entry0(b).inclusionProof.hashes[3] = flipB64(entry0(b).inclusionProof.hashes[3], 0);
    assertCode(() => verify(b), 'TLOG_PROOF', '/verificationMaterial/tlogEntries/0/inclusionProof');
  });
  it('inclusion-proof hash removed: TLOG_PROOF', () => {
    const b = realBundle(GH.file);
    entry0(b).inclusionProof.hashes.pop();
    assertCode(() => verify(b), 'TLOG_PROOF');
  });
  it('checkpoint root hash: TLOG_PROOF', () => {
    const b = realBundle(GH.file);
    const cp: string = entry0(b).inclusionProof.checkpoint.envelope;
    const lines = cp.split('\n');
    lines[2] = flipB64(lines[2]!, 0);
    entry0(b).inclusionProof.checkpoint.envelope = lines.join('\n');
    assertCode(() => verify(b), 'TLOG_PROOF');
  });
  it('checkpoint signature: TLOG_PROOF', () => {
    const b = realBundle(GH.file);
    const cp: string = entry0(b).inclusionProof.checkpoint.envelope;
    const m = /(\u2014 \S+ )(\S+)\n/.exec(cp)!;
    entry0(b).inclusionProof.checkpoint.envelope = cp.replace(m[2]!, flipB64(m[2]!, -2));
    assertCode(() => verify(b), 'TLOG_PROOF');
  });
  it('signed entry timestamp: TLOG_SET', () => {
    const b = realBundle(GH.file);
    entry0(b).inclusionPromise.signedEntryTimestamp = flipB64(entry0(b).inclusionPromise.signedEntryTimestamp, -2);
    assertCode(() => verify(b), 'TLOG_SET', '/verificationMaterial/tlogEntries/0/inclusionPromise');
  });
  it('integrated time moved outside the certificate validity: TLOG_SET (the SET signs the time)', () => {
    const b = realBundle(GH.file);
    entry0(b).integratedTime = String(Number(entry0(b).integratedTime) + 3600);
    assertCode(() => verify(b), 'TLOG_SET');
  });
  it('log index: TLOG_SET', () => {
    const b = realBundle(GH.file);
    entry0(b).logIndex = String(Number(entry0(b).logIndex) + 1);
    assertCode(() => verify(b), 'TLOG_SET');
  });
  it('inclusion proof but no SET and no TSA timestamp: NO_TRUSTED_TIME', () => {
    const b = realBundle(GH.file);
    delete entry0(b).inclusionPromise;
    const e = assertCode(() => verify(b), 'NO_TRUSTED_TIME');
    assert.match(e.message, /not vouched for/);
  });
  it('no transparency-log entry: TLOG_MISSING', () => {
    const b = realBundle(GH.file);
    b.verificationMaterial.tlogEntries = [];
    assertCode(() => verify(b), 'TLOG_MISSING', '/verificationMaterial/tlogEntries');
  });
  it('the same entry twice: TLOG_DUPLICATE', () => {
    const b = realBundle(GH.file);
    b.verificationMaterial.tlogEntries.push(structuredClone(entry0(b)));
    assertCode(() => verify(b), 'TLOG_DUPLICATE', '/verificationMaterial/tlogEntries/1');
  });
  it('every entry is verified: a second entry from an untrusted log fails', () => {
    const b = realBundle(GH.file);
    b.verificationMaterial.tlogEntries.push(entry0(realBundle(REAL.email.file)));
    assertCode(() => verify(b), 'TLOG_MISSING', '/verificationMaterial/tlogEntries/1/logId');
  });
  it('every entry is verified: a valid entry for another signature fails on its body', () => {
    // The SLSA certificate (23:13:46-23:23:46) is valid at the publish entry's time (23:14:01).
    const b = realBundle(REAL.githubSlsa.file);
    b.verificationMaterial.tlogEntries.push(entry0(realBundle(GH.file)));
    assertCode(() => verify(b), 'TLOG_BODY_MISMATCH', '/verificationMaterial/tlogEntries/1/canonicalizedBody');
  });
  it('every verified time counts: a second genuine entry integrated before the certificate: CERT_VALIDITY', () => {
    // The SLSA entry (23:13:46) predates the publish certificate (23:14:01-23:24:01).
    const b = realBundle(GH.file);
    b.verificationMaterial.tlogEntries.push(entry0(realBundle(REAL.githubSlsa.file)));
    const e = assertCode(() => verify(b), 'CERT_VALIDITY', '/verificationMaterial/certificate');
    assert.match(e.message, /signed at 2024-12-04T23:13:46.000Z/);
  });
  it('every entry is verified: a second entry with a broken SET fails', () => {
    const b = realBundle(GH.file);
    const second = entry0(realBundle(REAL.githubSlsa.file));
    second.inclusionPromise.signedEntryTimestamp = flipB64(second.inclusionPromise.signedEntryTimestamp, -2);
    b.verificationMaterial.tlogEntries.push(second);
    assertCode(() => verify(b), 'TLOG_SET', '/verificationMaterial/tlogEntries/1/inclusionPromise');
  });
});

describe('identity is matched exactly', () => {
  const signer = verify(realBundle(GH.file)).signer;
  const ok = { identity: GH.identity, issuer: GH.issuer };
  it('accepts the exact identity and issuer', () => checkIdentity(signer, ok, 'b.json'));
  for (const [what, exp] of [
    ['a prefix of the SAN', { ...ok, identity: 'https://github.com/trailofbits/pypi-attestations/' }],
    ['the SAN plus a suffix', { ...ok, identity: `${GH.identity}x` }],
    ['a regular expression matching the SAN', { ...ok, identity: 'https://github.com/trailofbits/.*' }],
    ['the SAN in another case', { ...ok, identity: GH.identity.toUpperCase() }],
    ['another issuer', { ...ok, issuer: 'https://token.actions.githubusercontent.com/' }],
    ['an empty identity', { ...ok, identity: '' }],
  ] as const) {
    it(`rejects ${what}: IDENTITY_MISMATCH`, () => {
      assertCode(() => checkIdentity(signer, exp, 'b.json'), 'IDENTITY_MISMATCH', '/verificationMaterial/certificate');
    });
  }
});
