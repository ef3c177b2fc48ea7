import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadTrustMaterial, parseBundle, verifyBundle } from '../../lib/sigstore/index.ts';
import { assertCode } from '../helpers/sigstore-assert.ts';
import { PUBLIC_GOOD_ROOT, REAL, realBundle } from '../helpers/sigstore-bundles.ts';
import type { Json } from '../helpers/loose-json.ts';

// Structure: media types and versions, and malformed input (exit 2) for both
// the bundle and the trusted root.

const PUBLIC = loadTrustMaterial(readFileSync(PUBLIC_GOOD_ROOT()), 'root.json');
const GH = REAL.github;
const root = () => JSON.parse(readFileSync(PUBLIC_GOOD_ROOT(), 'utf8')) as Json;

describe('bundle versions', () => {
  it('v0.1 and v0.2 media types, with an x509CertificateChain, verify', () => {
    for (const mediaType of [
      'application/vnd.dev.sigstore.bundle+json;version=0.1',
      'application/vnd.dev.sigstore.bundle+json;version=0.2',
      'application/vnd.dev.sigstore.bundle+json;version=0.3',
    ]) {
      const b = realBundle(GH.file);
      b.mediaType = mediaType;
      if (!mediaType.endsWith('0.3'))
        b.verificationMaterial = {
          x509CertificateChain: { certificates: [b.verificationMaterial.certificate] },
          tlogEntries: b.verificationMaterial.tlogEntries,
        };
      const parsed = parseBundle(b, 'b.json');
      assert.equal(parsed.version, mediaType.slice(-3));
      verifyBundle(parsed, PUBLIC, { file: 'b.json' });
    }
  });
  it('v0.1 requires a SET, v0.2 an inclusion proof, v0.3 a single certificate', () => {
    const v01 = realBundle(GH.file);
    v01.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
    delete v01.verificationMaterial.tlogEntries[0].inclusionPromise;
    assertCode(
      () => parseBundle(v01, 'b.json'),
      'BUNDLE_MALFORMED',
      'verificationMaterial.tlogEntries[0].inclusionPromise',
    );
    const v02 = realBundle(GH.file);
    v02.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.2';
    delete v02.verificationMaterial.tlogEntries[0].inclusionProof;
    assertCode(
      () => parseBundle(v02, 'b.json'),
      'BUNDLE_MALFORMED',
      'verificationMaterial.tlogEntries[0].inclusionProof',
    );
    const v03 = realBundle(GH.file);
    v03.verificationMaterial = {
      x509CertificateChain: { certificates: [v03.verificationMaterial.certificate] },
      tlogEntries: v03.verificationMaterial.tlogEntries,
    };
    assertCode(() => parseBundle(v03, 'b.json'), 'BUNDLE_MALFORMED', 'verificationMaterial.content.$case');
  });
  it('unknown media types: BUNDLE_UNSUPPORTED', () => {
    for (const mt of ['application/vnd.dev.sigstore.bundle.v0.4+json', 'application/json', '']) {
      const b = realBundle(GH.file);
      b.mediaType = mt;
      assertCode(() => parseBundle(b, 'b.json'), 'BUNDLE_UNSUPPORTED', '/mediaType');
    }
  });
});

describe('malformed bundles: BUNDLE_MALFORMED with the field', () => {
  const cases: [string, (b: Json) => unknown, string][] = [
    ['not an object', () => [], ''],
    ['both contents', (b) => (b.messageSignature = { messageDigest: { digest: 'AAAA' }, signature: 'AAAA' }), '/'],
    ['two key materials', (b) => (b.verificationMaterial.publicKey = { hint: 'x' }), '/verificationMaterial'],
    ['bad base64 payload', (b) => (b.dsseEnvelope.payload = 'ab$d'), '/dsseEnvelope/payload'],
    [
      'two DSSE signatures',
      (b) => b.dsseEnvelope.signatures.push(b.dsseEnvelope.signatures[0]),
      '/dsseEnvelope/signatures',
    ],
    [
      'integratedTime not an integer',
      (b) => (b.verificationMaterial.tlogEntries[0].integratedTime = '12.5'),
      '/verificationMaterial/tlogEntries/0/integratedTime',
    ],
    [
      'bad base64 proof hash',
      (b) => (b.verificationMaterial.tlogEntries[0].inclusionProof.hashes[0] = '@@@@'),
      '/verificationMaterial/tlogEntries/0/inclusionProof/hashes/0',
    ],
    [
      'a certificate that is DER but not X.509',
      (b) => (b.verificationMaterial.certificate.rawBytes = 'MAIwAA=='),
      '/verificationMaterial/certificate/rawBytes',
    ],
    [
      'a timestamp that is not RFC 3161',
      (b) => (b.verificationMaterial.timestampVerificationData = { rfc3161Timestamps: [{ signedTimestamp: 'MAA=' }] }),
      '/verificationMaterial/timestampVerificationData/rfc3161Timestamps/0/signedTimestamp',
    ],
  ];
  for (const [name, mutate, field] of cases) {
    it(name, () => {
      let b: unknown = realBundle(GH.file);
      const r = mutate(b as Json);
      if (Array.isArray(r)) b = r;
      const e = assertCode(() => parseBundle(b, 'b.json'), 'BUNDLE_MALFORMED');
      assert.equal(e.field ?? '', field);
      assert.equal(e.file, 'b.json');
    });
  }
  it('bytes that are not JSON', () => {
    assertCode(() => parseBundle(new TextEncoder().encode('{'), 'b.json'), 'BUNDLE_MALFORMED');
  });
});

describe('trusted roots: TRUSTED_ROOT_INVALID', () => {
  it('bytes and parsed JSON both load', () => {
    loadTrustMaterial(readFileSync(PUBLIC_GOOD_ROOT()), 'r.json');
    loadTrustMaterial(root(), 'r.json');
  });
  const cases: [string, (r: Json) => unknown, string | undefined][] = [
    ['unknown media type', (r) => (r.mediaType = 'application/json'), '/mediaType'],
    ['no tlogs', (r) => (r.tlogs = []), '/tlogs'],
    ['bad base64 key', (r) => (r.tlogs[0].publicKey.rawBytes = 'a!b='), '/tlogs/0/publicKey/rawBytes'],
    ['a key that is not a key', (r) => (r.tlogs[0].publicKey.rawBytes = 'AAAAAAAA'), undefined],
    [
      'a CA certificate that is not a certificate',
      (r) => (r.certificateAuthorities[0].certChain.certificates[0].rawBytes = 'AAAAAAAA'),
      undefined,
    ],
    [
      'a bad date',
      (r) => (r.certificateAuthorities[0].validFor.start = 'yesterday'),
      '/certificateAuthorities/0/validFor/start',
    ],
    [
      'an impossible date',
      (r) => (r.certificateAuthorities[1].validFor.start = '2022-13-45T20:06:15Z'),
      '/certificateAuthorities/1/validFor/start',
    ],
    [
      'an impossible log date',
      (r) => (r.tlogs[0].publicKey.validFor.start = '2021-02-30T25:00:00Z'),
      '/tlogs/0/publicKey/validFor/start',
    ],
  ];
  for (const [name, mutate, field] of cases) {
    it(name, () => {
      const r = root();
      mutate(r);
      const e = assertCode(() => loadTrustMaterial(r, 'r.json'), 'TRUSTED_ROOT_INVALID');
      assert.equal(e.field, field);
      assert.equal(e.file, 'r.json');
    });
  }
  it('bytes that are not JSON', () => {
    assertCode(() => loadTrustMaterial(new TextEncoder().encode('nope'), 'r.json'), 'TRUSTED_ROOT_INVALID');
  });
});
