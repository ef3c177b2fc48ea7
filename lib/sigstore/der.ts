import type { ASN1Obj } from '@sigstore/core';

// The DER encoding of a parsed ASN.1 object, byte for byte what @sigstore/core's
// ASN1Obj.toDER() gives (the library verifies certificate signatures over that
// re-encoding, and so must we to reach the same verdicts), written in two
// passes into one buffer: the sizes first, then the bytes. toDER() grows a
// buffer per node and was most of the time of a certificate check.

function lengthSize(len: number): number {
  let n = 1;
  if (len >= 128) for (let v = len; v > 0; v = Math.floor(v / 256)) n++;
  return n;
}

/** Content length of every node (skipped node left out), by node; returns the node's whole encoded size. */
function measure(obj: ASN1Obj, skip: ASN1Obj | undefined, sizes: Map<ASN1Obj, number>): number {
  let len = 0;
  if (obj.subs.length > 0) {
    for (const sub of obj.subs) if (sub !== skip) len += measure(sub, skip, sizes);
  } else len = obj.value.length;
  sizes.set(obj, len);
  return 1 + lengthSize(len) + len;
}

function write(obj: ASN1Obj, skip: ASN1Obj | undefined, sizes: Map<ASN1Obj, number>, out: Buffer, at: number): number {
  const len = sizes.get(obj)!;
  out[at++] = obj.tag.toDER() & 0xff;
  if (len < 128) out[at++] = len;
  else {
    const n = lengthSize(len) - 1;
    out[at++] = 0x80 | n;
    for (let i = n - 1, v = len; i >= 0; i--, v = Math.floor(v / 256)) out[at + i] = v % 256;
    at += n;
  }
  if (obj.subs.length > 0) {
    for (const sub of obj.subs) if (sub !== skip) at = write(sub, skip, sizes, out, at);
  } else {
    out.set(obj.value, at);
    at += obj.value.length;
  }
  return at;
}

/** `skip`: a node left out (with the lengths around it adjusted), as for an RFC 6962 precertificate. */
export function encodeDer(obj: ASN1Obj, skip?: ASN1Obj): Buffer {
  const sizes = new Map<ASN1Obj, number>();
  const out = Buffer.allocUnsafe(measure(obj, skip, sizes));
  write(obj, skip, sizes, out, 0);
  return out;
}
