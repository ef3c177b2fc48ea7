import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VerificationError } from '@sigstore/verify';
import { SigstoreError } from '../../lib/errors.ts';
import { wrapStep } from '../../lib/sigstore/errors.ts';

// The mapping from @sigstore/verify's error codes to airlock codes.

describe('wrapStep', () => {
  const cases: [string, string, string][] = [
    ['TLOG_INCLUSION_PROMISE_ERROR', 'inclusion promise could not be verified', 'TLOG_SET'],
    ['TLOG_INCLUSION_PROOF_ERROR', 'invalid checkpoint signature', 'TLOG_PROOF'],
    ['TLOG_MISSING_INCLUSION_ERROR', 'inclusion could not be verified', 'TLOG_PROOF'],
    ['TLOG_BODY_ERROR', 'signature mismatch', 'TLOG_BODY_MISMATCH'],
    ['TLOG_ERROR', 'expected 2 tlog entries, got 1', 'TLOG_MISSING'],
    ['TIMESTAMP_ERROR', 'timestamp could not be verified', 'TIMESTAMP_INVALID'],
    ['SIGNATURE_ERROR', 'signature verification failed', 'SIGNATURE_INVALID'],
    ['PUBLIC_KEY_ERROR', 'key not found: x', 'SIGNATURE_INVALID'],
    ['CERTIFICATE_ERROR', 'Failed to verify certificate chain', 'CERT_CHAIN'],
    ['CERTIFICATE_ERROR', 'SCT verification failed', 'SCT_INVALID'],
    ['CERTIFICATE_ERROR', 'expected 1 SCTs, got 0', 'SCT_INVALID'],
  ];
  for (const [libCode, message, code] of cases) {
    it(`${libCode} (${message}) -> ${code}, original kept as cause`, () => {
      const original = new VerificationError({ code: libCode as never, message });
      const e = wrapStep(original, 'INTERNAL_ERROR', 'b.json', '/x');
      assert.ok(e instanceof SigstoreError);
      assert.equal(e.code, code);
      assert.equal(e.message, message);
      assert.equal(e.cause, original);
      assert.equal(e.file, 'b.json');
      assert.equal(e.field, '/x');
    });
  }
  it('an unknown library error takes the step code', () => {
    assert.equal(wrapStep(new TypeError('boom'), 'TLOG_PROOF', 'b.json').code, 'TLOG_PROOF');
  });
  it('our own errors pass through', () => {
    const own = new SigstoreError('TLOG_SET', 'x');
    assert.equal(wrapStep(own, 'TLOG_PROOF', 'b.json'), own);
  });
});
