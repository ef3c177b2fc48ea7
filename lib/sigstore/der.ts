import type { ASN1Obj } from '@sigstore/core';

// The DER encoding of a parsed ASN.1 object, byte for byte what @sigstore/core's
// ASN1Obj.toDER() gives (the library verifies certificate signatures over that
// re-encoding, and so must we to reach the same verdicts), built with one
// allocation instead of two growing buffers per node: toDER() was most of the
// time of a certificate check.

function lengthBytes(len: number): Buffer {
  if (len < 128) return Buffer.from([len]);
  const bytes: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function encodeInto(obj: ASN1Obj, parts: Buffer[], skip: ASN1Obj | undefined): number {
  const at = parts.length;
  parts.push(Buffer.alloc(0)); // header, once the content length is known
  let len = 0;
  if (obj.subs.length > 0) {
    for (const sub of obj.subs) if (sub !== skip) len += encodeInto(sub, parts, skip);
  } else {
    parts.push(obj.value);
    len = obj.value.length;
  }
  const header = Buffer.concat([Buffer.from([obj.tag.toDER() & 0xff]), lengthBytes(len)]);
  parts[at] = header;
  return header.length + len;
}

/** `skip`: a node left out (with the lengths around it adjusted), as for an RFC 6962 precertificate. */
export function encodeDer(obj: ASN1Obj, skip?: ASN1Obj): Buffer {
  const parts: Buffer[] = [];
  encodeInto(obj, parts, skip);
  return Buffer.concat(parts);
}
