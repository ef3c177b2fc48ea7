import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { attestationToBundle, parseAttestation, parseProvenance } from '../../lib/pep740/index.ts';
import { decodeProtoBytes, loadTrustMaterial, parseBundle, verifyBundle } from '../../lib/sigstore/index.ts';
import { PYPI } from '../helpers/fixtures.ts';
import { createSigstoreInstance } from '../helpers/sigstore-fixtures.ts';
import { assertCode } from '../helpers/sigstore-assert.ts';
import { PUBLIC_GOOD_ROOT, REAL } from '../helpers/sigstore-bundles.ts';
import type { Json } from '../helpers/loose-json.ts';

// Sigstore's JSON read as the proto3 JSON mapping defines it, and the
// trusted-root and bundle rules of the specification, each tested with one
// change to a real trusted root or a real bundle (a PyPI attestation
// converted by lib/pep740).

const ROOT_TEXT = readFileSync(PUBLIC_GOOD_ROOT(), 'utf8');
const realRoot = (): Json => JSON.parse(ROOT_TEXT) as Json;
const realBundle = (): Json =>
  structuredClone(
    attestationToBundle(parseAttestation(JSON.parse(readFileSync(PYPI(REAL.github.file), 'utf8')), 'a')),
  ) as Json;

function refused(fn: () => unknown, code: string, field: string, message: string | RegExp): void {
  const e = assertCode(fn, code, field);
  if (typeof message === 'string') assert.equal(e.message, message);
  else assert.match(e.message, message);
}

const load = (root: unknown) => loadTrustMaterial(root, 'root.json');
const rootRefused = (root: unknown, field: string, message: string | RegExp) =>
  refused(() => load(root), 'TRUSTED_ROOT_INVALID', field, message);
const bundleRefused = (bundle: unknown, field: string, message: string | RegExp) =>
  refused(() => parseBundle(bundle, 'b.json'), 'BUNDLE_MALFORMED', field, message);

/** Verifies a (mutated) real bundle end to end against the real public-good root. */
function verifies(bundle: unknown, root: unknown = ROOT_TEXT): void {
  const v = verifyBundle(parseBundle(bundle, 'b.json'), load(root), { file: 'b.json' });
  assert.equal(v.signer.identity, REAL.github.identity);
}

/** proto field name of a lowerCamelCase JSON name. */
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
function toSnake(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toSnake);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k === 'payloadType' ? k : snake(k), toSnake(x)]));
}

const toSnakeEntry = (e: Json) => toSnake(e) as Json;

/** base64 of the same bytes, URL-safe and unpadded. */
const urlSafe = (b64: string) => Buffer.from(b64, 'base64').toString('base64url');
/** base64 wrapped at 64 columns, as PEM bodies are. */
const wrapped = (b64: string, eol = '\n') => b64.replace(/(.{64})/g, `$1${eol}`);

describe('trusted root: proto3 JSON forms are accepted', () => {
  it('the real root loads', () => assert.equal(load(ROOT_TEXT).material.tlogs.length, 2));

  it('null means absent: checkpointKeyId, validFor end, operator, a whole list', () => {
    const r = realRoot();
    r.tlogs[0].checkpointKeyId = null;
    r.tlogs[0].operator = null;
    r.certificateAuthorities[1].validFor.end = null;
    r.ctlogs[0].publicKey.validFor.end = null;
    r.timestampAuthorities = null;
    const t = load(r);
    assert.equal(t.material.timestampAuthorities.length, 0);
    verifies(realBundle(), r);
  });

  it('proto field names (snake_case) everywhere', () => {
    const t = load(toSnake(realRoot()));
    const base = load(ROOT_TEXT);
    assert.deepEqual(
      t.material.tlogs.map((l) => l.logID.toString('hex')),
      base.material.tlogs.map((l) => l.logID.toString('hex')),
    );
    assert.equal(t.material.certificateAuthorities.length, base.material.certificateAuthorities.length);
    verifies(realBundle(), toSnake(realRoot()));
  });

  it('bytes URL-safe unpadded, and line-wrapped with LF or CRLF', () => {
    const r = realRoot();
    r.tlogs[0].publicKey.rawBytes = urlSafe(r.tlogs[0].publicKey.rawBytes);
    r.tlogs[0].logId.keyId = urlSafe(r.tlogs[0].logId.keyId).replace(/=+$/, '');
    for (const ca of r.certificateAuthorities)
      for (const c of ca.certChain.certificates) c.rawBytes = wrapped(c.rawBytes, '\r\n');
    r.ctlogs[0].publicKey.rawBytes = wrapped(r.ctlogs[0].publicKey.rawBytes);
    verifies(realBundle(), r);
  });

  it('the media type application/vnd.dev.sigstore.trustedroot.v0.1+json', () => {
    const r = realRoot();
    r.mediaType = 'application/vnd.dev.sigstore.trustedroot.v0.1+json';
    verifies(realBundle(), r);
  });

  it('enums by number, timestamps with an offset', () => {
    const r = realRoot();
    r.tlogs[0].hashAlgorithm = 1;
    r.tlogs[0].publicKey.keyDetails = 5; // PKIX_ECDSA_P256_SHA_256
    r.tlogs[0].publicKey.validFor.start = '2021-01-12T12:53:27+01:00';
    const t = load(r);
    assert.equal(t.material.tlogs[0]!.validFor.start.toISOString(), '2021-01-12T11:53:27.000Z');
    verifies(realBundle(), r);
  });
});

describe('trusted root: what the mapping does not allow is refused', () => {
  it('one field under both names', () => {
    const r = realRoot();
    r.tlogs[0].publicKey.raw_bytes = r.tlogs[0].publicKey.rawBytes;
    rootRefused(r, '/tlogs/0/publicKey/rawBytes', 'given twice, as rawBytes and raw_bytes: one field, one value');
  });

  it('one field under both names, even when one of them is null', () => {
    const r = realRoot();
    r.tlogs[0].log_id = null;
    rootRefused(r, '/tlogs/0/logId', 'given twice, as logId and log_id: one field, one value');
  });

  it('a duplicate JSON key (JSON.parse would keep the last)', () => {
    const text = ROOT_TEXT.replace('"baseUrl":', '"baseUrl": "https://evil.example", "baseUrl":');
    assert.notEqual(text, ROOT_TEXT);
    rootRefused(text, '/tlogs/0/baseUrl', 'not valid JSON (key "baseUrl" given twice in one object)');
  });

  for (const [what, value] of [
    ['a space inside', 'MFkw EwYH'],
    ['a tab', 'MFkw\tEwYH'],
    ['both alphabets', 'MF-w/wYH'],
    ['padding in the middle', 'MF==MFkw'],
    ['wrong padding', 'MFkwEw='],
    ['one character too many', 'MFkwE'],
    ['a number', 42],
  ] as const) {
    it(`bytes with ${what}`, () => {
      const r = realRoot();
      r.tlogs[0].publicKey.rawBytes = value;
      rootRefused(
        r,
        '/tlogs/0/publicKey/rawBytes',
        'must be base64 (standard or URL-safe, padded or not, lines broken by CR/LF only)',
      );
    });
  }

  it('an unknown enum number or name', () => {
    const r = realRoot();
    r.tlogs[0].hashAlgorithm = 99;
    rootRefused(r, '/tlogs/0/hashAlgorithm', 'unknown hash algorithm 99');
    const s = realRoot();
    s.tlogs[0].publicKey.keyDetails = 'PKIX_ECDSA_P256_SHA256';
    rootRefused(s, '/tlogs/0/publicKey/keyDetails', 'unknown key type "PKIX_ECDSA_P256_SHA256"');
  });

  it('a long refused value is cut short in the message', () => {
    const r = realRoot();
    r.tlogs[0].publicKey.keyDetails = 'X'.repeat(10_000);
    rootRefused(r, '/tlogs/0/publicKey/keyDetails', `unknown key type "${'X'.repeat(76)}...`);
  });

  it('an impossible date, a date without a zone', () => {
    const r = realRoot();
    r.certificateAuthorities[0].validFor.start = '2021-02-30T00:00:00Z';
    rootRefused(r, '/certificateAuthorities/0/validFor/start', '"2021-02-30T00:00:00Z" is not a valid date-time');
    const s = realRoot();
    s.certificateAuthorities[0].validFor.start = '2021-03-07T03:20:29';
    rootRefused(
      s,
      '/certificateAuthorities/0/validFor/start',
      'must be an RFC 3339 date-time with a zone, e.g. 2025-01-01T00:00:00Z',
    );
  });

  it('a list element that is null', () => {
    const r = realRoot();
    r.tlogs.push(null);
    rootRefused(r, '/tlogs/2', 'a list element cannot be null');
  });

  it('a string field given a number', () => {
    const r = realRoot();
    r.tlogs[0].baseUrl = 1;
    rootRefused(r, '/tlogs/0/baseUrl', 'must be a string');
  });
});

describe('trusted root: what the specification requires', () => {
  const noStart = 'no validFor start: the trusted root must say since when this key or chain is trusted';
  it('a transparency log without validFor start', () => {
    const r = realRoot();
    delete r.tlogs[1].publicKey.validFor.start;
    rootRefused(r, '/tlogs/1/publicKey/validFor/start', noStart);
  });
  it('a transparency log without validFor at all', () => {
    const r = realRoot();
    r.tlogs[0].publicKey.validFor = null;
    rootRefused(r, '/tlogs/0/publicKey/validFor/start', noStart);
  });
  it('a CT log without validFor start', () => {
    const r = realRoot();
    r.ctlogs[0].publicKey.validFor.start = null;
    rootRefused(r, '/ctlogs/0/publicKey/validFor/start', noStart);
  });
  it('a CA without validFor start', () => {
    const r = realRoot();
    delete r.certificateAuthorities[0].validFor.start;
    rootRefused(r, '/certificateAuthorities/0/validFor/start', noStart);
  });
  it('a TSA without validFor', () => {
    const r = realRoot();
    delete r.timestampAuthorities[0].validFor;
    rootRefused(r, '/timestampAuthorities/0/validFor/start', noStart);
  });
  it('a validity that ends before it starts', () => {
    const r = realRoot();
    r.certificateAuthorities[0].validFor.end = '2020-01-01T00:00:00Z';
    rootRefused(
      r,
      '/certificateAuthorities/0/validFor/end',
      'validFor ends (2020-01-01T00:00:00.000Z) before it starts (2021-03-07T03:20:29.000Z)',
    );
  });
});

describe('bundle: proto3 JSON forms are accepted', () => {
  it('the real bundle verifies', () => verifies(realBundle()));

  it('proto field names (snake_case) everywhere', () => verifies(toSnake(realBundle())));

  it('int64 as numbers, bytes URL-safe or line-wrapped, nulls for absent fields', () => {
    const b = realBundle();
    const e = b.verificationMaterial.tlogEntries[0];
    e.logIndex = Number(e.logIndex);
    e.integratedTime = Number(e.integratedTime);
    e.inclusionProof.treeSize = Number(e.inclusionProof.treeSize);
    e.canonicalizedBody = urlSafe(e.canonicalizedBody);
    e.inclusionProof.hashes = e.inclusionProof.hashes.map(urlSafe);
    b.verificationMaterial.certificate.rawBytes = wrapped(b.verificationMaterial.certificate.rawBytes);
    b.verificationMaterial.timestampVerificationData = null;
    b.messageSignature = null;
    verifies(b);
  });
});

describe('bundle: enums by number', () => {
  it('a message signature whose digest algorithm is given as 1 (SHA2_256)', async () => {
    const inst = await createSigstoreInstance();
    const bundle = await inst.signMessage('hello');
    bundle.messageSignature.messageDigest.algorithm = 1;
    const v = verifyBundle(parseBundle(bundle, 'b.json'), load(inst.trustedRoot()), {
      file: 'b.json',
      artifact: { bytes: Buffer.from('hello') },
    });
    assert.equal(v.tlogEntries.length, 1);
    bundle.messageSignature.messageDigest.algorithm = 42;
    bundleRefused(bundle, '/messageSignature/messageDigest/algorithm', 'unknown hash algorithm 42');
  });
});

describe('PEP 740: transparency entries are read as proto3 JSON too', () => {
  const attestation = (): Json => JSON.parse(readFileSync(PYPI(REAL.github.file), 'utf8')) as Json;

  it('proto names, int64 numbers and URL-safe bytes in an entry: verified as the original', () => {
    const a = attestation();
    const e = a.verification_material.transparency_entries[0];
    a.verification_material.transparency_entries[0] = {
      ...toSnakeEntry(e),
      log_index: Number(e.logIndex),
      canonicalized_body: urlSafe(e.canonicalizedBody),
    };
    verifies(attestationToBundle(parseAttestation(a, 'a.json')));
  });

  it('an entry field given twice is SCHEMA_INVALID, naming the attestation field', () => {
    const a = attestation();
    a.verification_material.transparency_entries[0].integrated_time = '0';
    refused(
      () => parseAttestation(a, 'a.json'),
      'SCHEMA_INVALID',
      '/verification_material/transparency_entries/0/integratedTime',
      'given twice, as integratedTime and integrated_time: one field, one value',
    );
  });

  it('the same in a provenance object', () => {
    const p = JSON.parse(readFileSync(PYPI('pypi_attestations-0.0.19.tar.gz.provenance'), 'utf8')) as Json;
    p.attestation_bundles[0].attestations[0].verification_material.transparency_entries[0].logIndex = 1.5;
    refused(
      () => parseProvenance(p, 'p.json'),
      'SCHEMA_INVALID',
      '/attestation_bundles/0/attestations/0/verification_material/transparency_entries/0/logIndex',
      '1.5 is not an exact integer (give large int64 values as strings)',
    );
  });
});

describe('bundle: what the mapping does not allow is refused', () => {
  it('one field under both names', () => {
    const b = realBundle();
    b.verificationMaterial.tlogEntries[0].log_index = '1';
    bundleRefused(
      b,
      '/verificationMaterial/tlogEntries/0/logIndex',
      'given twice, as logIndex and log_index: one field, one value',
    );
  });

  it('a duplicate JSON key', () => {
    const text = JSON.stringify(realBundle()).replace('"payloadType":', '"payloadType":"text/plain","payloadType":');
    bundleRefused(text, '/dsseEnvelope/payloadType', 'not valid JSON (key "payloadType" given twice in one object)');
  });

  for (const [what, value, message] of [
    [
      'beyond 2^53 as a number',
      2 ** 53,
      '9007199254740992 is not an exact integer (give large int64 values as strings)',
    ],
    ['a fraction', 1.5, '1.5 is not an exact integer (give large int64 values as strings)'],
    ['leading zeros', '0123', 'must be an int64: a decimal string or an integer number'],
    ['a plus sign', '+1', 'must be an int64: a decimal string or an integer number'],
    ['beyond int64', '9223372036854775808', '9223372036854775808 is outside the int64 range'],
    ['a boolean', true, 'must be an int64: a decimal string or an integer number'],
  ] as const) {
    it(`an int64 with ${what}`, () => {
      const b = realBundle();
      b.verificationMaterial.tlogEntries[0].integratedTime = value;
      bundleRefused(b, '/verificationMaterial/tlogEntries/0/integratedTime', message);
    });
  }

  it('a message field that is not an object', () => {
    const b = realBundle();
    b.verificationMaterial.tlogEntries[0].kindVersion = 'dsse';
    bundleRefused(b, '/verificationMaterial/tlogEntries/0/kindVersion', 'must be a JSON object');
  });

  it('a list field that is not a list', () => {
    const b = realBundle();
    b.verificationMaterial.tlogEntries = b.verificationMaterial.tlogEntries[0];
    bundleRefused(b, '/verificationMaterial/tlogEntries', 'must be an array');
  });
});

describe('bundle: its certificates are never trust anchors', () => {
  const root = realRoot();
  // The public-good Fulcio chain of 2022: intermediate, then the self-signed root.
  const [intermediate, selfSigned] = root.certificateAuthorities[1].certChain.certificates.map(
    (c: Json) => c.rawBytes as string,
  );
  const withChain = (mediaType: string, extra: string[]): Json => {
    const b = realBundle();
    b.mediaType = mediaType;
    b.verificationMaterial.x509CertificateChain = {
      certificates: [b.verificationMaterial.certificate, ...extra.map((rawBytes) => ({ rawBytes }))],
    };
    delete b.verificationMaterial.certificate;
    return b;
  };
  const message =
    'a self-signed certificate: the certificates of a bundle are never trust anchors (trusted_root.json holds them)';

  it('a v0.2 chain with the intermediate only verifies', () => {
    verifies(withChain('application/vnd.dev.sigstore.bundle+json;version=0.2', [intermediate]));
  });

  it('a v0.2 chain that includes the self-signed root', () => {
    bundleRefused(
      withChain('application/vnd.dev.sigstore.bundle+json;version=0.2', [intermediate, selfSigned]),
      '/verificationMaterial/x509CertificateChain/certificates/2',
      message,
    );
  });

  it('a v0.1 chain with the root, whose entry has only a signed entry timestamp', () => {
    const b = withChain('application/vnd.dev.sigstore.bundle+json;version=0.1', [intermediate, selfSigned]);
    delete b.verificationMaterial.tlogEntries[0].inclusionProof;
    bundleRefused(b, '/verificationMaterial/x509CertificateChain/certificates/2', message);
  });

  it('a self-signed certificate as the leaf of a v0.3 bundle', () => {
    const b = realBundle();
    b.verificationMaterial.certificate.rawBytes = selfSigned;
    bundleRefused(b, '/verificationMaterial/certificate', message);
  });
});

describe('decodeProtoBytes', () => {
  it('reads every form other clients read, and nothing else', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0x00]);
    for (const s of ['+/+/AA==', '+/+/AA', '-_-_AA==', '-_-_AA', '+/+/\nAA==', '+/+/\r\nAA==\n'])
      assert.deepEqual(decodeProtoBytes(s), bytes, s);
    for (const s of ['+/-_AA==', '+/+/AA=', '+/+/A', ' +/+/AA==', '+/+/AA==\t', '+/+/AA==='])
      assert.equal(decodeProtoBytes(s), undefined, s);
    assert.deepEqual(decodeProtoBytes(''), Buffer.alloc(0));
  });
});
