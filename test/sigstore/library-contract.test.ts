import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { bundleFromJSON } from '@sigstore/bundle';
import { RFC3161Timestamp } from '@sigstore/core';
import { Verifier, toSignedEntity } from '@sigstore/verify';
// The internals lib/sigstore calls (tlog.ts, time.ts, key.ts): not part of
// @sigstore/verify's public API, so a minor upgrade may change them without notice.
import { verifyCertificate } from '@sigstore/verify/dist/key/index.js';
import { getTSATimestamp } from '@sigstore/verify/dist/timestamp/index.js';
import { verifyTLogBody, verifyTLogInclusion } from '@sigstore/verify/dist/tlog/index.js';
import { loadTrustMaterial } from '../../lib/sigstore/index.ts';
import { createSigstoreInstance } from '../helpers/sigstore-fixtures.ts';
import { PUBLIC_GOOD_ROOT, REAL, realBundle } from '../helpers/sigstore-bundles.ts';

// The contract lib/sigstore relies on when it reaches into @sigstore/verify's
// dist/ modules. lib/sigstore ignores their return values and counts on each
// one THROWING on a bad input (verifyTLogInclusion, verifyTLogBody) or on a
// particular shape (verifyCertificate's `scts`, empty for a certificate
// without SCT; getTSATimestamp's `timestamp`). If an upgrade made one of them
// return `false` instead of throwing, lib/sigstore's own step would pass
// silently and only the library's Verifier (step 7) would still stand; the
// end-to-end tampering tests would not notice, because that second opinion
// maps to the same codes. These tests call the internals directly, so such
// an upgrade fails here, by name.

const PUBLIC = loadTrustMaterial(readFileSync(PUBLIC_GOOD_ROOT()), 'public-good.json');

function flipB64(b64: string, at: number): string {
  const buf = Buffer.from(b64, 'base64');
  const i = at < 0 ? buf.length + at : at;
  buf[i] = buf[i]! ^ 0x01;
  return buf.toString('base64');
}

function entity(json: Record<string, any>) {
  return toSignedEntity(bundleFromJSON(json));
}

/** `fn` must throw an error carrying the library code `code`. */
function throwsCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.equal((e as { code?: unknown }).code, code, String(e));
    if (message) assert.match((e as Error).message, message);
    return true;
  });
}

describe('@sigstore/verify internals lib/sigstore relies on', () => {
  it('verifyTLogInclusion throws on a bad SET even when the inclusion proof is good', () => {
    const b = realBundle(REAL.github.file);
    assert.equal(verifyTLogInclusion(entity(b).tlogEntries[0]!, PUBLIC.material.tlogs), undefined);
    const e = b.verificationMaterial.tlogEntries[0];
    e.inclusionPromise.signedEntryTimestamp = flipB64(e.inclusionPromise.signedEntryTimestamp, -2);
    throwsCode(
      () => verifyTLogInclusion(entity(b).tlogEntries[0]!, PUBLIC.material.tlogs),
      'TLOG_INCLUSION_PROMISE_ERROR',
    );
  });

  it('verifyTLogInclusion throws on a bad inclusion proof even when the SET is good', () => {
    const b = realBundle(REAL.github.file);
    const e = b.verificationMaterial.tlogEntries[0];
    e.inclusionProof.hashes[3] = flipB64(e.inclusionProof.hashes[3], 0);
    throwsCode(
      () => verifyTLogInclusion(entity(b).tlogEntries[0]!, PUBLIC.material.tlogs),
      'TLOG_INCLUSION_PROOF_ERROR',
    );
  });

  it('verifyTLogInclusion throws when an entry has neither SET nor inclusion proof', () => {
    const b = realBundle(REAL.github.file);
    const en = entity(b).tlogEntries[0]!;
    const bare = { ...en, inclusionPromise: undefined, inclusionProof: undefined };
    throwsCode(() => verifyTLogInclusion(bare, PUBLIC.material.tlogs), 'TLOG_MISSING_INCLUSION_ERROR');
  });

  it('verifyTLogBody throws for an entry that records another signature', () => {
    const b = realBundle(REAL.githubSlsa.file);
    const other = entity(realBundle(REAL.github.file)).tlogEntries[0]!;
    const e = entity(b);
    assert.equal(verifyTLogBody(e.tlogEntries[0]!, e.signature), undefined);
    throwsCode(() => verifyTLogBody(other, e.signature), 'TLOG_BODY_ERROR');
  });

  it('verifyCertificate checks the chain at every time given, in any order, and verifies the SCTs', () => {
    const b = realBundle(REAL.github.file);
    const en = entity(b);
    const leaf = en.key.$case === 'certificate' ? en.key.certificate : assert.fail('certificate bundle expected');
    const signed = new Date(Number(en.tlogEntries[0]!.integratedTime) * 1000);
    const r = verifyCertificate(leaf, [signed], PUBLIC.material);
    assert.ok(Array.isArray(r.scts) && r.scts.length >= 1, 'scts lists the verified SCTs');
    const before = new Date('2000-01-01T00:00:00Z'); // no Fulcio CA was valid then
    throwsCode(() => verifyCertificate(leaf, [signed, before], PUBLIC.material), 'CERTIFICATE_ERROR');
    // ... and a chain failure does not mention SCTs, or it would be read as SCT_INVALID.
    assert.throws(
      () => verifyCertificate(leaf, [signed, before], PUBLIC.material),
      (e: Error) => !/\bSCTs?\b/.test(e.message),
    );
    throwsCode(() => verifyCertificate(leaf, [before, signed], PUBLIC.material), 'CERTIFICATE_ERROR');
    // An SCT from no trusted CT log throws, with "SCT" in the message (lib/sigstore/errors.ts tells SCT_INVALID from CERT_CHAIN by it).
    throwsCode(
      () => verifyCertificate(leaf, [signed], { ...PUBLIC.material, ctlogs: [] }),
      'CERTIFICATE_ERROR',
      /\bSCTs?\b/,
    );
  });

  it('verifyCertificate returns no SCT (rather than throwing or inventing one) for a certificate without SCT', async () => {
    const inst = await createSigstoreInstance();
    const trust = loadTrustMaterial(inst.trustedRoot(), 'root.json');
    const b = await inst.signDsse('{}', { sct: false });
    const en = entity(b);
    const leaf = en.key.$case === 'certificate' ? en.key.certificate : assert.fail('certificate bundle expected');
    assert.deepEqual(verifyCertificate(leaf, [inst.time], trust.material).scts, []);
  });

  it('getTSATimestamp throws for a timestamp over another signature, and returns the signed time otherwise', async () => {
    const inst = await createSigstoreInstance();
    const trust = loadTrustMaterial(inst.trustedRoot(), 'root.json');
    const b = await inst.signDsse('{}', { logs: ['v2'] });
    const ts = RFC3161Timestamp.parse(
      Buffer.from(b.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp, 'base64'),
    );
    const sig = entity(b).signature.signature;
    const r = getTSATimestamp(ts, sig, trust.material.timestampAuthorities);
    assert.ok(r.timestamp instanceof Date && !Number.isNaN(r.timestamp.getTime()));
    const other = Buffer.from(sig);
    other[other.length - 1]! ^= 1;
    assert.throws(
      () => getTSATimestamp(ts, other, trust.material.timestampAuthorities),
      (e: unknown) => typeof (e as { code?: unknown }).code === 'string',
    );
  });

  it('the library Verifier verifies every entry, whatever the threshold: one bad entry among good ones fails', async () => {
    const inst = await createSigstoreInstance();
    const trust = loadTrustMaterial(inst.trustedRoot(), 'root.json');
    const b = await inst.signDsse('{}', { logs: ['v2', 'v1'] });
    const verifier = new Verifier(trust.material, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
    verifier.verify(entity(structuredClone(b)));
    const e1 = b.verificationMaterial.tlogEntries[1];
    e1.inclusionPromise.signedEntryTimestamp = flipB64(e1.inclusionPromise.signedEntryTimestamp, -2);
    throwsCode(() => verifier.verify(entity(b)), 'TLOG_INCLUSION_PROMISE_ERROR');
  });
});
