import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { before, describe, it } from 'node:test';
import {
  checkIdentity,
  loadTrustMaterial,
  parseBundle,
  verifyBundle,
  withPublicKey,
  type SigstoreTrust,
} from '../../lib/sigstore/index.ts';
import { assertCode } from '../helpers/sigstore-assert.ts';
import { OID, createSigstoreInstance, type SigstoreTestInstance } from '../helpers/sigstore-fixtures.ts';

// Generated CA, CT log, Rekor v1 and v2 logs and TSA (test/helpers/sigstore-fixtures.ts):
// the cases real data cannot show (Rekor v2 + TSA, properly signed bad times).

const STATEMENT = JSON.stringify({
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: 'a.whl', digest: { sha256: '1'.repeat(64) } }],
  predicateType: 'https://docs.pypi.org/attestations/publish/v1',
  predicate: null,
});
const ARTIFACT = Buffer.from('the artifact bytes\n');
let inst: SigstoreTestInstance;
let trust: SigstoreTrust;

before(async () => {
  inst = await createSigstoreInstance();
  trust = loadTrustMaterial(inst.trustedRoot(), 'root.json');
});

const verify = (
  b: unknown,
  t: SigstoreTrust = trust,
  artifact: { bytes?: Uint8Array; sha256?: string } | undefined = undefined,
) => verifyBundle(parseBundle(b, 'b.json'), t, { file: 'b.json', ...(artifact ? { artifact } : {}) });
const flip = (s: string, at: number) => {
  const b = Buffer.from(s, 'base64');
  const i = at < 0 ? b.length + at : at;
  b[i] = b[i]! ^ 1;
  return b.toString('base64');
};

describe('generated: Rekor v1 (and v1 + v2)', () => {
  it('DSSE and message signatures verify; extensions by name', async () => {
    const b = await inst.signDsse(STATEMENT, {
      extensions: [
        { oid: OID.sourceRepositoryURI, value: 'https://github.com/acme/app' },
        { oid: OID.githubWorkflowRepository, value: 'acme/app', legacy: true },
      ],
    });
    const v = verify(b);
    assert.equal(v.signer.extensions.sourceRepositoryURI, 'https://github.com/acme/app');
    assert.equal(v.signer.extensions.githubWorkflowRepository, 'acme/app');
    assert.equal(v.signer.issuer, 'https://token.actions.githubusercontent.com');
    verify(await inst.signMessage(ARTIFACT), trust, { bytes: ARTIFACT });
  });
  it('a SET-signed integrated time outside the certificate validity: CERT_VALIDITY', async () => {
    const b = await inst.signDsse(STATEMENT, { integratedTime: new Date(inst.time.getTime() + 20 * 60_000) });
    assertCode(() => verify(b), 'CERT_VALIDITY', '/verificationMaterial/certificate');
  });
  it('another valid certificate than the signing one: SIGNATURE_INVALID', async () => {
    const b = await inst.signDsse(STATEMENT);
    b.verificationMaterial.certificate = (await inst.signDsse(STATEMENT)).verificationMaterial.certificate;
    assertCode(() => verify(b), 'SIGNATURE_INVALID');
  });
  it('a certificate without SCT: SCT_INVALID', async () => {
    const b = await inst.signDsse(STATEMENT, { sct: false });
    const e = assertCode(() => verify(b), 'SCT_INVALID', '/verificationMaterial/certificate');
    assert.match(e.message, /no signed certificate timestamp/);
  });
  it('inclusion proof rootHash or treeSize that differ from the signed checkpoint: TLOG_PROOF', async () => {
    const b = await inst.signDsse(STATEMENT, { logs: ['v2'] });
    const c = structuredClone(b);
    b.verificationMaterial.tlogEntries[0].inclusionProof.rootHash = flip(
      b.verificationMaterial.tlogEntries[0].inclusionProof.rootHash,
      0,
    );
    assertCode(() => verify(b), 'TLOG_PROOF', '/verificationMaterial/tlogEntries/0/inclusionProof');
    c.verificationMaterial.tlogEntries[0].inclusionProof.treeSize = '1000';
    assertCode(() => verify(c), 'TLOG_PROOF', '/verificationMaterial/tlogEntries/0/inclusionProof');
  });
  it('two entries where the second is bad: TLOG_SET on entry 1', async () => {
    const b = await inst.signDsse(STATEMENT, { logs: ['v2', 'v1'] });
    verify(structuredClone(b));
    const e1 = b.verificationMaterial.tlogEntries[1];
    e1.inclusionPromise.signedEntryTimestamp = flip(e1.inclusionPromise.signedEntryTimestamp, -2);
    assertCode(() => verify(b), 'TLOG_SET', '/verificationMaterial/tlogEntries/1/inclusionPromise');
  });
  it('two entries where the second has a bad inclusion proof: TLOG_PROOF on entry 1', async () => {
    const b = await inst.signMessage(ARTIFACT, { logs: ['v1', 'v2'] });
    const e1 = b.verificationMaterial.tlogEntries[1];
    e1.inclusionProof.hashes[0] = flip(e1.inclusionProof.hashes[0], 3);
    assertCode(
      () => verify(b, trust, { bytes: ARTIFACT }),
      'TLOG_PROOF',
      '/verificationMaterial/tlogEntries/1/inclusionProof',
    );
  });
  it('inclusion proof without SET or TSA timestamp: NO_TRUSTED_TIME', async () => {
    const b = await inst.signDsse(STATEMENT, { set: false });
    assertCode(() => verify(b), 'NO_TRUSTED_TIME');
  });
  it(
    'without SET an integrated time is not believed: outside the certificate validity, a TSA time still ' + 'verifies',
    async () => {
      const b = await inst.signDsse(STATEMENT, {
        set: false,
        tsa: 'trusted',
        integratedTime: new Date(inst.time.getTime() + 20 * 60_000),
      });
      const v = verify(b);
      assert.deepEqual(
        v.timestamps.map((t) => t.kind),
        ['timestamp-authority'],
      );
      assert.equal(v.tlogEntries[0]!.hasSignedEntryTimestamp, false);
    },
  );
  it('without SET the unsigned integrated time is not reported either (only the TSA time is)', async () => {
    const forged = new Date(inst.time.getTime() + 20 * 60_000);
    const v = verify(await inst.signDsse(STATEMENT, { set: false, tsa: 'trusted', integratedTime: forged }));
    assert.equal(v.tlogEntries[0]!.hasSignedEntryTimestamp, false);
    assert.equal(v.tlogEntries[0]!.integratedTime, undefined);
    assert.ok(!v.timestamps.some((t) => t.time === forged.toISOString()));
    // With a SET, the signed time is reported.
    const s = verify(await inst.signDsse(STATEMENT));
    assert.equal(s.tlogEntries[0]!.integratedTime, s.timestamps[0]!.time);
  });
  it('without SET the log must be trusted at the TSA time: TLOG_MISSING', async () => {
    const r = inst.trustedRoot();
    r.tlogs[0].publicKey.validFor = { start: '2020-01-01T00:00:00Z', end: '2021-01-01T00:00:00Z' };
    const b = await inst.signDsse(STATEMENT, {
      set: false,
      tsa: 'trusted',
      integratedTime: new Date('2020-06-01T00:00:00Z'),
    });
    assertCode(
      () => verify(b, loadTrustMaterial(r, 'r.json')),
      'TLOG_MISSING',
      '/verificationMaterial/tlogEntries/0/logId',
    );
  });
  it('inclusion proof without SET but with a trusted TSA timestamp verifies', async () => {
    const v = verify(await inst.signDsse(STATEMENT, { set: false, tsa: 'trusted' }));
    assert.deepEqual(
      v.timestamps.map((t) => t.kind),
      ['timestamp-authority'],
    );
  });
});

describe('generated: Rekor v2 with RFC 3161 timestamps', () => {
  it('DSSE and message signatures verify with a TSA time', async () => {
    const v = verify(await inst.signDsse(STATEMENT, { logs: ['v2'] }));
    assert.deepEqual(
      v.timestamps.map((t) => t.kind),
      ['timestamp-authority'],
    );
    assert.equal(v.tlogEntries[0]!.kindVersion, '0.0.2');
    assert.equal(v.tlogEntries[0]!.integratedTime, undefined);
    verify(await inst.signMessage(ARTIFACT, { logs: ['v2'] }), trust, { bytes: ARTIFACT });
  });
  it('message signature verified from the sha256 alone', async () => {
    const b = await inst.signMessage(ARTIFACT, { logs: ['v2'] });
    verify(b, trust, { sha256: createHash('sha256').update(ARTIFACT).digest('hex') });
    assertCode(() => verify(b, trust, { sha256: '2'.repeat(64) }), 'DIGEST_MISMATCH');
    assertCode(() => verify(b, trust, { bytes: Buffer.from('other') }), 'DIGEST_MISMATCH');
  });
  it('Rekor v1 and v2 entries together verify', async () => {
    const v = verify(await inst.signDsse(STATEMENT, { logs: ['v1', 'v2'] }));
    assert.equal(v.tlogEntries.length, 2);
  });
  it('no TSA timestamp: NO_TRUSTED_TIME (an inclusion proof gives no time)', async () => {
    const b = await inst.signDsse(STATEMENT, { logs: ['v2'], tsa: 'none' });
    assertCode(() => verify(b), 'NO_TRUSTED_TIME');
  });
  it('a bad TSA signature: TIMESTAMP_INVALID', async () => {
    const b = await inst.signDsse(STATEMENT, { logs: ['v2'] });
    const ts = b.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0];
    ts.signedTimestamp = flip(ts.signedTimestamp, -3);
    assertCode(
      () => verify(b),
      'TIMESTAMP_INVALID',
      '/verificationMaterial/timestampVerificationData/rfc3161Timestamps/0',
    );
  });
  it('a TSA not in the trusted root: TIMESTAMP_INVALID', async () => {
    const b = await inst.signDsse(STATEMENT, { logs: ['v2'], tsa: 'untrusted' });
    assertCode(() => verify(b), 'TIMESTAMP_INVALID');
  });
  it('a timestamp over another signature: TIMESTAMP_INVALID', async () => {
    const b = await inst.signDsse(STATEMENT, { logs: ['v2'] });
    const other = await inst.signDsse(STATEMENT, { logs: ['v2'] });
    b.verificationMaterial.timestampVerificationData = other.verificationMaterial.timestampVerificationData;
    assertCode(() => verify(b), 'TIMESTAMP_INVALID');
  });
  it('a trusted root without the TSA: TIMESTAMP_INVALID', async () => {
    const r = inst.trustedRoot();
    r.timestampAuthorities = [];
    const b = await inst.signDsse(STATEMENT, { logs: ['v2'] });
    assertCode(() => verify(b, loadTrustMaterial(r, 'r.json')), 'TIMESTAMP_INVALID');
  });
  it('a v2 log not trusted at the TSA time: TLOG_MISSING', async () => {
    const r = inst.trustedRoot();
    r.tlogs[1].publicKey.validFor = { start: '2020-01-01T00:00:00Z', end: '2021-01-01T00:00:00Z' };
    const b = await inst.signDsse(STATEMENT, { logs: ['v2'] });
    assertCode(() => verify(b, loadTrustMaterial(r, 'r.json')), 'TLOG_MISSING');
  });
  it('checkpoint signature: TLOG_PROOF', async () => {
    const b = await inst.signDsse(STATEMENT, { logs: ['v2'] });
    const e = b.verificationMaterial.tlogEntries[0];
    e.inclusionProof.checkpoint.envelope = e.inclusionProof.checkpoint.envelope.replace(
      / (\S+)\n$/,
      (_: string, s: string) => ` ${flip(s, -2)}\n`,
    );
    assertCode(() => verify(b), 'TLOG_PROOF');
  });
  it('entry body for another payload (validly logged): TLOG_BODY_MISMATCH', async () => {
    const b = await inst.signDsse(STATEMENT, { logs: ['v2'] });
    const other = await inst.signDsse(`${STATEMENT} `, { logs: ['v2'] });
    b.verificationMaterial.tlogEntries = other.verificationMaterial.tlogEntries;
    assertCode(() => verify(b), 'TLOG_BODY_MISMATCH', '/verificationMaterial/tlogEntries/0/canonicalizedBody');
  });
});

describe('generated: key-signed bundles', () => {
  it('verify with the key; without it: SIGNATURE_INVALID', async () => {
    const b = await inst.signMessage(ARTIFACT, { keyOnly: true });
    const v = verify(b, withPublicKey(trust, inst.publicKeyPem, 'key.pem'), { bytes: ARTIFACT });
    assert.match(v.signer.identity, /^key:sha256:[0-9a-f]{64}$/);
    assertCode(() => verify(b, trust, { bytes: ARTIFACT }), 'SIGNATURE_INVALID', '/verificationMaterial/publicKey');
  });
  it('a key of another type (Ed25519): SIGNATURE_INVALID, also from a digest', async () => {
    const b = await inst.signMessage(ARTIFACT, { keyOnly: true });
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const t = withPublicKey(trust, ed, 'ed.pem');
    assertCode(() => verify(b, t, { bytes: ARTIFACT }), 'SIGNATURE_INVALID', '/messageSignature/signature');
    // Was USAGE, thrown from pure verification code; the bundle cannot be checked from what was given (exit 2 still).
    assertCode(
      () => verify(b, t, { sha256: createHash('sha256').update(ARTIFACT).digest('hex') }),
      'BUNDLE_UNSUPPORTED',
    );
  });
  it('another key: SIGNATURE_INVALID', async () => {
    const b = await inst.signDsse(STATEMENT, { keyOnly: true });
    const other = await createSigstoreInstance();
    assertCode(() => verify(b, withPublicKey(trust, other.publicKeyPem, 'k.pem')), 'SIGNATURE_INVALID');
  });
});

describe('generated: the certificate SAN is read exactly', () => {
  it('a SAN with a byte above 0x7F is malformed, not read with its high bit cleared (÷ was read as w)', async () => {
    // @sigstore/core decodes the SAN as Buffer 'ascii', which turns 0xF7 into 'w':
    // this certificate would have matched --certificate-identity https://github.com/acme/app/wx.
    const b = await inst.signDsse(STATEMENT, { identity: 'https://github.com/acme/app/\u00f7x' });
    const e = assertCode(() => verify(b), 'BUNDLE_MALFORMED', '/verificationMaterial/certificate/rawBytes');
    assert.match(e.message, /the certificate SAN URI is not an IA5String \(byte 0xf7 at 28\)/);
    const c = await inst.signDsse(STATEMENT, { identity: 'https://github.com/acme/app/\u00e9x' });
    assertCode(() => verify(c), 'BUNDLE_MALFORMED', '/verificationMaterial/certificate/rawBytes');
  });
  it('an ASCII SAN is read as it is, and compared exactly', async () => {
    const v = verify(await inst.signDsse(STATEMENT, { identity: 'https://github.com/acme/app/wx' }));
    assert.equal(v.signer.identity, 'https://github.com/acme/app/wx');
    assert.equal(v.signer.identityType, 'uri');
    checkIdentity(
      v.signer,
      { identity: 'https://github.com/acme/app/wx', issuer: 'https://token.actions.githubusercontent.com' },
      'b.json',
    );
    assertCode(
      () =>
        checkIdentity(
          v.signer,
          { identity: 'https://github.com/acme/app/WX', issuer: 'https://token.actions.githubusercontent.com' },
          'b.json',
        ),
      'IDENTITY_MISMATCH',
    );
  });
});
