import { ASN1Obj, type X509Certificate } from '@sigstore/core';
import { encodeDer } from './der.ts';
import type { SignerInfo } from './types.ts';

// Certificate facts for policy, with Fulcio's extensions by name. Names and
// OIDs follow Fulcio's OID registry (docs/oid-info.md in sigstore/fulcio).

/** The v2 extensions: each value is a DER-encoded UTF8String. */
const FULCIO_V2: Record<string, string> = {
  '1.3.6.1.4.1.57264.1.8': 'issuer',
  '1.3.6.1.4.1.57264.1.9': 'buildSignerURI',
  '1.3.6.1.4.1.57264.1.10': 'buildSignerDigest',
  '1.3.6.1.4.1.57264.1.11': 'runnerEnvironment',
  '1.3.6.1.4.1.57264.1.12': 'sourceRepositoryURI',
  '1.3.6.1.4.1.57264.1.13': 'sourceRepositoryDigest',
  '1.3.6.1.4.1.57264.1.14': 'sourceRepositoryRef',
  '1.3.6.1.4.1.57264.1.15': 'sourceRepositoryIdentifier',
  '1.3.6.1.4.1.57264.1.16': 'sourceRepositoryOwnerURI',
  '1.3.6.1.4.1.57264.1.17': 'sourceRepositoryOwnerIdentifier',
  '1.3.6.1.4.1.57264.1.18': 'buildConfigURI',
  '1.3.6.1.4.1.57264.1.19': 'buildConfigDigest',
  '1.3.6.1.4.1.57264.1.20': 'buildTrigger',
  '1.3.6.1.4.1.57264.1.21': 'runInvocationURI',
  '1.3.6.1.4.1.57264.1.22': 'sourceRepositoryVisibilityAtSigning',
};

/** The deprecated v1 extensions: each value is the raw string, not DER. */
const FULCIO_LEGACY: Record<string, string> = {
  '1.3.6.1.4.1.57264.1.1': 'issuerV1',
  '1.3.6.1.4.1.57264.1.2': 'githubWorkflowTrigger',
  '1.3.6.1.4.1.57264.1.3': 'githubWorkflowSha',
  '1.3.6.1.4.1.57264.1.4': 'githubWorkflowName',
  '1.3.6.1.4.1.57264.1.5': 'githubWorkflowRepository',
  '1.3.6.1.4.1.57264.1.6': 'githubWorkflowRef',
};

const UTF8_STRING_TAG = 0x0c;
const SAN_OTHERNAME_USERNAME = '1.3.6.1.4.1.57264.1.7';

// A v2 value that is not a well-formed DER UTF8String is left out rather than
// guessed at: a policy that needs it then fails, which is the safe direction.
function decodeUtf8String(der: Buffer): string | undefined {
  try {
    const obj = ASN1Obj.parseBuffer(Buffer.from(der));
    if (obj.tag.number !== UTF8_STRING_TAG || obj.tag.constructed) return undefined;
    return new TextDecoder('utf-8', { fatal: true }).decode(obj.value);
  } catch {
    return undefined;
  }
}

function decodeLegacy(raw: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return undefined;
  }
}

/** The value (extnValue contents) of each extension by OID; the first of two with one OID, as the library's lookup. */
function extensionValues(cert: X509Certificate): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const ext of cert.extensions) {
    // Throws on an extension with no OID, as the library's lookup does: the certificate is then malformed.
    const oid = ext.subs[0]!.toOID();
    if (!out.has(oid)) out.set(oid, ext.subs[ext.subs.length - 1]!.value);
  }
  return out;
}

/** Reads the Fulcio extensions of a certificate, by name (one pass over its extensions, not one per name). */
export function fulcioExtensions(cert: X509Certificate): Record<string, string> {
  const out: Record<string, string> = {};
  const values = extensionValues(cert);
  for (const [oid, name] of Object.entries(FULCIO_V2)) {
    const raw = values.get(oid);
    const v = raw && decodeUtf8String(raw);
    if (v !== undefined) out[name] = v;
  }
  for (const [oid, name] of Object.entries(FULCIO_LEGACY)) {
    const raw = values.get(oid);
    const v = raw && decodeLegacy(raw);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

const SAN_OID = '2.5.29.17';

// The SAN is read here, not with @sigstore/core's extSubjectAltName: that
// decodes with Buffer 'ascii', which clears the high bit of every byte, so a
// SAN `https://github.com/acme/app/\xF7x` came out as `.../wx` and compared
// equal to a different identity. rfc822Name and URI are IA5String (RFC 5280):
// any byte above 0x7F makes the certificate malformed, never a near-match.
function ia5(bytes: Buffer, what: string): string {
  const bad = bytes.findIndex((b) => b > 0x7f);
  if (bad >= 0)
    throw new Error(`the certificate SAN ${what} is not an IA5String (byte 0x${bytes[bad]!.toString(16)} at ${bad})`);
  return bytes.toString('latin1');
}

function utf8(bytes: Buffer, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`the certificate SAN ${what} is not UTF-8`);
  }
}

function identityOf(cert: X509Certificate): Pick<SignerInfo, 'identity' | 'identityType'> {
  const ext = cert.extension(SAN_OID);
  if (!ext) return { identity: '', identityType: 'other' };
  const names = ASN1Obj.parseBuffer(Buffer.from(ext.value)).subs;
  const first = (tag: number) => names.find((n) => n.tag.isContextSpecific(tag));
  const uri = first(6);
  if (uri !== undefined) return { identity: ia5(uri.value, 'URI'), identityType: 'uri' };
  const email = first(1);
  if (email !== undefined) return { identity: ia5(email.value, 'e-mail'), identityType: 'email' };
  // otherName: SEQUENCE { type-id OID, [0] EXPLICIT value }; Fulcio's username is a UTF8String.
  const other = first(0);
  if (other !== undefined && other.subs[0]?.toOID() === SAN_OTHERNAME_USERNAME) {
    const value = other.subs[1]?.subs[0];
    if (value === undefined || value.tag.number !== UTF8_STRING_TAG)
      throw new Error('the certificate SAN username is not a UTF8String');
    return { identity: utf8(value.value, 'username'), identityType: 'other' };
  }
  return { identity: '', identityType: 'other' };
}

/** SignerInfo for a (verified) Fulcio leaf certificate. */
export function signerFromCertificate(cert: X509Certificate): SignerInfo {
  const extensions = fulcioExtensions(cert);
  const issuer = extensions.issuer ?? extensions.issuerV1;
  return {
    ...identityOf(cert),
    ...(issuer === undefined ? {} : { issuer }),
    extensions,
    certificate: new Uint8Array(encodeDer(cert.root)),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
  };
}

/** SignerInfo for a bundle signed with a bare public key (no certificate). */
export function signerFromPublicKey(fingerprint: string): SignerInfo {
  return {
    identity: `key:sha256:${fingerprint}`,
    identityType: 'other',
    extensions: {},
    certificate: new Uint8Array(0),
    notBefore: new Date(0).toISOString(),
    notAfter: new Date(8640000000000000).toISOString(),
  };
}
