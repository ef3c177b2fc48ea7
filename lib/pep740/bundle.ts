import { IN_TOTO_PAYLOAD_TYPE, type Attestation } from './types.ts';

// PEP 740 attestation → Sigstore bundle v0.3, as pypi-attestations'
// Attestation.to_bundle builds it: the certificate as the single verification
// certificate, the transparency entries as the bundle's tlog entries (Rekor
// TransparencyLogEntry JSON in both), and a DSSE envelope whose payload is the
// statement and whose one signature is the attestation's. The base64 strings
// pass through unchanged, so the bytes verified are the bytes served.

export const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

export function attestationToBundle(att: Attestation): Record<string, unknown> {
  return {
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: {
      certificate: { rawBytes: att.verification_material.certificate },
      tlogEntries: att.verification_material.transparency_entries,
    },
    dsseEnvelope: {
      payload: att.envelope.statement,
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: [{ sig: att.envelope.signature, keyid: '' }],
    },
  };
}
