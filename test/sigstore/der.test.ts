import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ASN1Obj, EXTENSION_OID_SCT, X509Certificate } from '@sigstore/core';
import fc from 'fast-check';
import { encodeDer } from '../../lib/sigstore/der.ts';
import { loadTrustMaterial } from '../../lib/sigstore/index.ts';
import { PUBLIC_GOOD_ROOT, REAL, realBundle } from '../helpers/sigstore-bundles.ts';

// lib/sigstore/der.ts re-encodes parsed ASN.1 as @sigstore/core's toDER() does (signatures are checked over
// that re-encoding, so the bytes must be the same), in one buffer.

function certificates(): X509Certificate[] {
  const trust = loadTrustMaterial(readFileSync(PUBLIC_GOOD_ROOT()), 'public-good.json');
  const cas = trust.material.certificateAuthorities.flatMap((c) => c.certChain);
  const leaves = Object.values(REAL).map((r) => {
    const vm = realBundle(r.file).verificationMaterial;
    const raw = (vm.certificate ?? vm.x509CertificateChain.certificates[0]).rawBytes;
    return X509Certificate.parse(Buffer.from(raw, 'base64'));
  });
  return [...cas, ...leaves];
}

test('real certificates: the same bytes as toDER(), whole and TBS', () => {
  for (const c of certificates()) {
    assert.deepEqual(encodeDer(c.root), c.root.toDER());
    assert.deepEqual(encodeDer(c.tbsCertificate), c.tbsCertificate.toDER());
  }
});

test('a node left out (the SCT extension of a precertificate): the lengths around it shrink by its size', () => {
  for (const c of certificates()) {
    const sct = c.extensions.find((e) => e.subs[0]?.toOID() === EXTENSION_OID_SCT);
    if (sct === undefined) continue;
    const full = encodeDer(c.tbsCertificate);
    const pre = encodeDer(c.tbsCertificate, sct);
    assert.ok(pre.length <= full.length - sct.toDER().length);
    // Parsed again, the precertificate has every extension but the SCT list.
    const again = ASN1Obj.parseBuffer(Buffer.from(pre));
    const exts = again.subs.at(-1)!.subs[0]!.subs.map((e) => e.subs[0]!.toOID());
    assert.ok(!exts.includes(EXTENSION_OID_SCT));
    assert.equal(exts.length, c.extensions.length - 1);
  }
});

test('any DER the library parses: the same bytes as toDER()', () => {
  const tlv = (tag: number, body: Uint8Array): Uint8Array => {
    const n = body.length;
    const len = n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
    return Uint8Array.from([tag, ...len, ...body]);
  };
  const node: fc.Memo<Uint8Array> = fc.memo((depth) =>
    depth <= 1
      ? fc
          .tuple(fc.constantFrom(0x02, 0x04, 0x06, 0x0c, 0x13, 0x80), fc.uint8Array({ maxLength: 300 }))
          .map(([t, b]) => tlv(t, b))
      : fc.oneof(
          node(1),
          fc
            .tuple(fc.constantFrom(0x30, 0x31, 0xa0, 0xa3, 0x04), fc.array(node(depth - 1), { maxLength: 4 }))
            .map(([t, subs]) => tlv(t, Buffer.concat(subs))),
        ),
  );
  fc.assert(
    fc.property(node(4), (der) => {
      let obj: ASN1Obj;
      try {
        obj = ASN1Obj.parseBuffer(Buffer.from(der));
      } catch {
        return;
      }
      assert.deepEqual(encodeDer(obj), obj.toDER());
    }),
    { numRuns: 300 },
  );
});
