import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { loadTrustMaterial, parseBundle, verifyBundle, type SigstoreTrust } from '../../lib/sigstore/index.ts';
import { assertCode } from '../helpers/sigstore-assert.ts';
import { PUBLIC_GOOD_ROOT, REAL, realBundle } from '../helpers/sigstore-bundles.ts';
import { createSigstoreInstance, type SigstoreTestInstance } from '../helpers/sigstore-fixtures.ts';

// The checks lib/sigstore does itself since the library's Verifier no longer
// runs as a second opinion (what that Verifier added to steps 1-6), and the
// trust cache: it holds what is the same for every leaf, never a verdict.

const STATEMENT = JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [], predicate: null });
let inst: SigstoreTestInstance;
let trust: SigstoreTrust;
before(async () => {
  inst = await createSigstoreInstance();
  trust = loadTrustMaterial(inst.trustedRoot(), 'root.json');
});
const verify = (b: unknown, t = trust) => verifyBundle(parseBundle(b, 'b.json'), t, { file: 'b.json' });

describe('checks the library Verifier made that steps 1-6 now make', () => {
  it('one TSA timestamp given twice: TIMESTAMP_INVALID (one time is not two witnesses)', async () => {
    const b = await inst.signDsse(STATEMENT, { logs: ['v2'] });
    verify(structuredClone(b));
    const ts = b.verificationMaterial.timestampVerificationData.rfc3161Timestamps;
    ts.push(ts[0]);
    const e = assertCode(() => verify(b), 'TIMESTAMP_INVALID');
    assert.match(e.message, /same time/);
  });
  it('the same log entry twice: TLOG_DUPLICATE', async () => {
    const b = await inst.signDsse(STATEMENT);
    b.verificationMaterial.tlogEntries.push(structuredClone(b.verificationMaterial.tlogEntries[0]));
    assertCode(() => verify(b), 'TLOG_DUPLICATE');
  });
  it('a SET over integrated time 0: TLOG_SET on integratedTime', async () => {
    const b = await inst.signDsse(STATEMENT);
    b.verificationMaterial.tlogEntries[0].integratedTime = '0';
    assertCode(() => verify(b), 'TLOG_SET', '/verificationMaterial/tlogEntries/0/integratedTime');
  });
  it('an SCT from a CT log missing from the root: SCT_INVALID', async () => {
    const b = await inst.signDsse(STATEMENT);
    const root = inst.trustedRoot();
    root.ctlogs = [];
    const e = assertCode(() => verify(b, loadTrustMaterial(root, 'root.json')), 'SCT_INVALID');
    assert.match(e.message, /SCT from log/);
  });
  it('a certificate from a CA missing from the root: CERT_CHAIN', async () => {
    const b = await inst.signDsse(STATEMENT);
    const root = inst.trustedRoot();
    root.certificateAuthorities = root.certificateAuthorities.slice(1);
    assertCode(
      () => verify(b, loadTrustMaterial(root, 'root.json')),
      'CERT_CHAIN',
      '/verificationMaterial/certificate',
    );
  });
  it('a CA not valid at the signing time: CERT_CHAIN', async () => {
    const b = await inst.signDsse(STATEMENT);
    const root = inst.trustedRoot();
    for (const ca of root.certificateAuthorities)
      ca.validFor = { start: '2020-01-01T00:00:00Z', end: '2021-01-01T00:00:00Z' };
    const e = assertCode(() => verify(b, loadTrustMaterial(root, 'root.json')), 'CERT_CHAIN');
    assert.match(e.message, /no trusted CA valid at/);
  });
});

describe('the trust cache', () => {
  it(
    'holds CA-to-parent checks and CA keys only, keyed by bytes: a second leaf adds nothing, a bad leaf is still ' +
      'refused',
    () => {
      const t = loadTrustMaterial(readFileSync(PUBLIC_GOOD_ROOT()), 'root.json');
      verify(realBundle(REAL.github.file), t);
      const pairs = t.cache.caSignatures.size;
      const keys = t.cache.keys.size;
      assert.ok(pairs > 0 && [...t.cache.caSignatures.values()].every((v) => v === true));
      verify(realBundle(REAL.gitlab.file), t);
      assert.equal(t.cache.caSignatures.size, pairs);
      assert.equal(t.cache.keys.size, keys);
      const bad = realBundle(REAL.github.file);
      const cert = Buffer.from(bad.verificationMaterial.certificate.rawBytes, 'base64');
      cert[cert.length - 3]! ^= 1; // the leaf's signature
      bad.verificationMaterial.certificate.rawBytes = cert.toString('base64');
      assertCode(() => verify(bad, t), 'CERT_CHAIN');
    },
  );
});
