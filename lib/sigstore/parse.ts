import { createPublicKey, type KeyObject } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { RFC3161Timestamp, X509Certificate } from '@sigstore/core';
import { type SigstoreError, errorMessage, isAirlockError } from '../errors.ts';
import { validateSchema } from '../schemas.ts';
import { fail, jsonInput } from './errors.ts';
import { normaliseProtoJson } from './proto-json.ts';
import { encodeDer } from './der.ts';
import { signerFromCertificate } from './signer.ts';
import type { SignerInfo } from './types.ts';

// Structural parsing of a Sigstore bundle: media type, required fields, real
// base64, parseable certificate and timestamps. Everything that fails here is
// malformed input (exit 2); everything cryptographic is in verify.ts.

export const MEDIA_TYPES = {
  'application/vnd.dev.sigstore.bundle+json;version=0.1': '0.1',
  'application/vnd.dev.sigstore.bundle+json;version=0.2': '0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.3': '0.3',
  'application/vnd.dev.sigstore.bundle.v0.3+json': '0.3',
} as const satisfies Record<string, string>;

export type BundleVersion = (typeof MEDIA_TYPES)[keyof typeof MEDIA_TYPES];

export interface ParsedBundle {
  readonly file: string;
  readonly mediaType: string;
  readonly version: BundleVersion;
  /** The bundle as @sigstore/bundle decodes it (validated for its version). */
  readonly bundle: Bundle;
  /** The leaf signing certificate, or undefined for a public-key bundle. */
  readonly certificate?: X509Certificate;
  /** What verification reads of the leaf, computed once while parsing it (set with `certificate`). */
  readonly leaf?: LeafFacts;
  /** RFC 3161 timestamps, parsed (not yet verified). */
  readonly rfc3161: RFC3161Timestamp[];
}

export interface LeafFacts {
  /** Its public key. */
  readonly key: KeyObject;
  readonly signer: SignerInfo;
  /** The DER re-encoding of the whole certificate and of its TBS part (der.ts). */
  readonly der: Buffer;
  readonly tbsDer: Buffer;
}

function malformed(message: string, file: string, field?: string, cause?: unknown): SigstoreError {
  return fail('BUNDLE_MALFORMED', message, file, field, cause);
}

function exactlyOne(obj: Record<string, unknown>, keys: string[], file: string, field: string): void {
  const present = keys.filter((k) => obj[k] !== undefined && obj[k] !== null);
  if (present.length !== 1) {
    const what = present.length === 0 ? 'none' : present.join(' and ');
    throw malformed(`needs exactly one of ${keys.join(', ')} (found ${what})`, file, field);
  }
}

function leafCertificate(bundle: Bundle, file: string): { cert: X509Certificate; leaf: LeafFacts } | undefined {
  const vm = bundle.verificationMaterial.content;
  let raw: Uint8Array | undefined;
  let field = '/verificationMaterial/certificate/rawBytes';
  if (vm.$case === 'certificate') raw = vm.certificate.rawBytes;
  else if (vm.$case === 'x509CertificateChain') {
    raw = vm.x509CertificateChain.certificates[0]?.rawBytes;
    field = '/verificationMaterial/x509CertificateChain/certificates/0/rawBytes';
  } else return undefined;
  try {
    const cert = X509Certificate.parse(Buffer.from(raw ?? []));
    // The parser is lazy: read what verification and the signer report use, so
    // a certificate that is garbage inside is malformed input here, not a
    // TypeError later.
    const key = createPublicKey({ key: cert.publicKey, format: 'der', type: 'spki' });
    const tbsDer = encodeDer(cert.tbsCertificate);
    void [cert.signatureValue, cert.signatureAlgorithm, cert.notBefore, cert.notAfter, cert.issuer, cert.subject];
    const signer = signerFromCertificate(cert);
    return { cert, leaf: { key, signer, der: Buffer.from(signer.certificate), tbsDer } };
  } catch (e) {
    throw malformed(`not a DER X.509 certificate (${errorMessage(e)})`, file, field, e);
  }
}

/**
 * The certificates a bundle carries are never trust anchors (the trusted root
 * holds those): a self-signed one, wherever it sits in the chain, is refused,
 * as sigstore-python refuses it, rather than silently ignored.
 */
function refuseSelfSigned(bundle: Bundle, file: string, leaf: X509Certificate | undefined): void {
  const vm = bundle.verificationMaterial.content;
  const chain =
    vm.$case === 'x509CertificateChain'
      ? vm.x509CertificateChain.certificates.map((c, i) => ({
          raw: c.rawBytes,
          field: `/verificationMaterial/x509CertificateChain/certificates/${i}`,
        }))
      : vm.$case === 'certificate'
        ? [{ raw: vm.certificate.rawBytes, field: '/verificationMaterial/certificate' }]
        : [];
  for (const [i, { raw, field }] of chain.entries()) {
    let cert: X509Certificate;
    try {
      // The first is the leaf, parsed already (leafCertificate): the same bytes.
      cert = i === 0 && leaf !== undefined ? leaf : X509Certificate.parse(Buffer.from(raw));
      if (!cert.subject.equals(cert.issuer) || !selfVerifies(cert)) continue;
    } catch (e) {
      throw malformed(`not a DER X.509 certificate (${errorMessage(e)})`, file, `${field}/rawBytes`, e);
    }
    throw malformed(
      'a self-signed certificate: the certificates of a bundle are never trust anchors (trusted_root.json holds them)',
      file,
      field,
    );
  }
}

function selfVerifies(cert: X509Certificate): boolean {
  try {
    return cert.verify();
  } catch {
    // A key or signature node:crypto cannot use: not a working self-signature.
    return false;
  }
}

function timestamps(bundle: Bundle, file: string): RFC3161Timestamp[] {
  const list = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? [];
  return list.map((ts, i) => {
    try {
      const parsed = RFC3161Timestamp.parse(Buffer.from(ts.signedTimestamp));
      // The parser is lazy: read every field verification uses now, so that a
      // malformed token is malformed input here rather than a TypeError later.
      void [
        parsed.status,
        parsed.contentType,
        parsed.eContentType,
        parsed.signingTime,
        parsed.signerIssuer,
        parsed.signerSerialNumber,
        parsed.signatureValue,
      ];
      return parsed;
    } catch (e) {
      const field = `/verificationMaterial/timestampVerificationData/rfc3161Timestamps/${i}/signedTimestamp`;
      throw malformed(`not an RFC 3161 timestamp token (${errorMessage(e)})`, file, field, e);
    }
  });
}

/** Parses and structurally validates a Sigstore bundle JSON (v0.1, v0.2, v0.3). */
export function parseBundle(json: unknown, file: string): ParsedBundle {
  const input = jsonInput(json, file, 'BUNDLE_MALFORMED');
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw malformed('not a JSON object', file);
  const obj = normaliseProtoJson('Bundle', input, (m, field) => malformed(m, file, field));
  const mediaType = obj.mediaType;
  if (typeof mediaType !== 'string') throw malformed('missing mediaType', file, '/mediaType');
  const version = (MEDIA_TYPES as Record<string, BundleVersion>)[mediaType];
  if (version === undefined) {
    throw fail('BUNDLE_UNSUPPORTED', `unknown bundle media type ${JSON.stringify(mediaType)}`, file, '/mediaType');
  }
  exactlyOne(obj, ['messageSignature', 'dsseEnvelope'], file, '/');
  const vm = obj.verificationMaterial;
  if (vm === null || typeof vm !== 'object' || Array.isArray(vm))
    throw malformed('missing verificationMaterial', file, '/verificationMaterial');
  exactlyOne(
    vm as Record<string, unknown>,
    ['publicKey', 'x509CertificateChain', 'certificate'],
    file,
    '/verificationMaterial',
  );
  try {
    validateSchema('sigstore-bundle', obj, file, 'BUNDLE_MALFORMED');
  } catch (e) {
    if (isAirlockError(e)) throw malformed(e.message, file, e.field, e);
    throw e;
  }
  let bundle: Bundle;
  try {
    // Validated for its version by bundleFromJSON, so the narrower type holds.
    bundle = bundleFromJSON(obj) as Bundle;
  } catch (e) {
    // @sigstore/bundle's ValidationError lists the offending fields.
    const fields = (e as { fields?: unknown }).fields;
    const field = Array.isArray(fields) && typeof fields[0] === 'string' ? fields[0] : undefined;
    throw malformed(`invalid v${version} bundle (${errorMessage(e)}${field ? `: ${field}` : ''})`, file, field, e);
  }
  const leaf = leafCertificate(bundle, file);
  refuseSelfSigned(bundle, file, leaf?.cert);
  return {
    file,
    mediaType,
    version,
    bundle,
    ...(leaf ? { certificate: leaf.cert, leaf: leaf.leaf } : {}),
    rfc3161: timestamps(bundle, file),
  };
}
