import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { bundleFromJSON } from '@sigstore/bundle';
import { createPublicKey } from 'node:crypto';
import { RFC3161Timestamp, X509Certificate } from '@sigstore/core';
import { Verifier, toSignedEntity } from '@sigstore/verify';
// Every import of lib/sigstore from @sigstore/verify goes through lib/sigstore/adapter.ts;
// the dist/ internals there are not public API, so a minor upgrade may change them without notice.
import * as adapter from '../../lib/sigstore/adapter.ts';
import { getTSATimestamp, signatureContent, verifyTLogBody, verifyTLogInclusion } from '../../lib/sigstore/adapter.ts';
import { loadTrustMaterial } from '../../lib/sigstore/index.ts';
import { createSigstoreInstance } from '../helpers/sigstore-fixtures.ts';
import { PUBLIC_GOOD_ROOT, REAL, realBundle } from '../helpers/sigstore-bundles.ts';
import type { Json } from '../helpers/loose-json.ts';

// The contract lib/sigstore relies on when it reaches into @sigstore/verify
// (lib/sigstore/adapter.ts, the one module that imports it). lib/sigstore
// ignores the return values of verifyTLogInclusion and verifyTLogBody and
// counts on each THROWING on a bad input, and on getTSATimestamp's
// `timestamp`. If an upgrade made one of them return `false` instead of
// throwing, lib/sigstore's step would pass silently (the library's Verifier
// no longer runs as a second opinion: it is only the oracle of
// differential.test.ts). These tests call each adapter export by name, so such
// an upgrade fails here, naming the function.

const PUBLIC = loadTrustMaterial(readFileSync(PUBLIC_GOOD_ROOT()), 'public-good.json');

function flipB64(b64: string, at: number): string {
  const buf = Buffer.from(b64, 'base64');
  const i = at < 0 ? buf.length + at : at;
  buf[i] = buf[i]! ^ 0x01;
  return buf.toString('base64');
}

function leafDer(json: Json): Buffer<ArrayBuffer> {
  const vm = json.verificationMaterial;
  return Buffer.from((vm.certificate ?? vm.x509CertificateChain.certificates[0]).rawBytes, 'base64');
}

function entity(json: Json) {
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

describe('@sigstore/verify internals lib/sigstore relies on (lib/sigstore/adapter.ts)', () => {
  it('the adapter exports exactly the functions lib/sigstore uses, each a function', () => {
    assert.deepEqual(Object.keys(adapter).sort(), [
      'getTSATimestamp',
      'signatureContent',
      'toTrustMaterial',
      'verifyTLogBody',
      'verifyTLogInclusion',
    ]);
    for (const [name, fn] of Object.entries(adapter)) assert.equal(typeof fn, 'function', name);
  });

  it('toTrustMaterial parses keys and certificates into the shape lib/sigstore reads', () => {
    const m = PUBLIC.material;
    assert.ok(m.certificateAuthorities.length > 0 && m.ctlogs.length > 0 && m.tlogs.length > 0);
    const ca = m.certificateAuthorities[0]!;
    assert.ok(ca.validFor.start instanceof Date && ca.validFor.end instanceof Date);
    assert.ok(ca.certChain.every((c) => typeof c.verify === 'function'));
    for (const l of [...m.ctlogs, ...m.tlogs]) {
      assert.ok(Buffer.isBuffer(l.logID), 'logID is a Buffer');
      assert.equal(l.publicKey.type, 'public', 'publicKey is a KeyObject');
      assert.ok(l.validFor.start instanceof Date);
    }
  });

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

  it('signatureContent gives the signature and a verifySignature that is false for a changed signature', () => {
    const b = realBundle(REAL.github.file);
    const content = signatureContent(bundleFromJSON(b));
    assert.deepEqual(content.signature, toSignedEntity(bundleFromJSON(b)).signature.signature);
    const key = createPublicKey({ key: X509Certificate.parse(leafDer(b)).publicKey, format: 'der', type: 'spki' });
    assert.equal(content.verifySignature(key), true);
    const bad = structuredClone(b);
    (bad.dsseEnvelope as Json).signatures[0].sig = flipB64((bad.dsseEnvelope as Json).signatures[0].sig, -3);
    assert.equal(signatureContent(bundleFromJSON(bad)).verifySignature(key), false);
  });

  it('verifyTLogBody throws for an entry that records another signature', () => {
    const b = realBundle(REAL.githubSlsa.file);
    const other = entity(realBundle(REAL.github.file)).tlogEntries[0]!;
    const e = entity(b);
    assert.equal(verifyTLogBody(e.tlogEntries[0]!, e.signature), undefined);
    throwsCode(() => verifyTLogBody(other, e.signature), 'TLOG_BODY_ERROR');
  });

  it(
    'getTSATimestamp throws for a timestamp over another signature, and returns the signed time ' + 'otherwise',
    async () => {
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
    },
  );

  it(
    'the library Verifier verifies every entry, whatever the threshold: one bad entry among good ones ' + 'fails',
    async () => {
      const inst = await createSigstoreInstance();
      const trust = loadTrustMaterial(inst.trustedRoot(), 'root.json');
      const b = await inst.signDsse('{}', { logs: ['v2', 'v1'] });
      const verifier = new Verifier(trust.material, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
      verifier.verify(entity(structuredClone(b)));
      const e1 = b.verificationMaterial.tlogEntries[1];
      e1.inclusionPromise.signedEntryTimestamp = flipB64(e1.inclusionPromise.signedEntryTimestamp, -2);
      throwsCode(() => verifier.verify(entity(b)), 'TLOG_INCLUSION_PROMISE_ERROR');
    },
  );
});
