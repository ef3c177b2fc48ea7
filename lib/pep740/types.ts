import type { PublisherCheck, PublisherClaim } from '../publisher/types.ts';

// PEP 740 objects as the PyPI Integrity API serves them, and what verifying
// them establishes.

export const ATTESTATION_VERSION = 1;
export const PROVENANCE_VERSION = 1;
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const PYPI_PUBLISH_V1 = 'https://docs.pypi.org/attestations/publish/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const PREDICATE_TYPES: readonly string[] = [PYPI_PUBLISH_V1, SLSA_PROVENANCE_V1];

export interface Attestation {
  version: 1;
  verification_material: {
    /** base64(DER) leaf certificate. */
    certificate: string;
    /** Rekor TransparencyLogEntry objects (protobuf JSON). */
    transparency_entries: Array<Record<string, unknown>>;
  };
  envelope: {
    /** base64 of the in-toto statement bytes (the DSSE payload). */
    statement: string;
    /** base64 of the DSSE signature. */
    signature: string;
  };
}

export interface AttestationBundle {
  publisher: PublisherClaim;
  attestations: Attestation[];
}

export interface Provenance {
  version: 1;
  attestation_bundles: AttestationBundle[];
}

/** The distribution an attestation must be about. */
export interface Distribution {
  /** File name (base name); compared as pypi-attestations "ultranormalises" it. */
  filename: string;
  /** Lower-case hex sha256 of the file's bytes. */
  sha256: string;
}

export interface StatementFacts {
  predicateType: string;
  subject: { name: string; sha256: string };
}

export interface CertificateFacts {
  identity: string;
  identityType: string;
  issuer: string | null;
  notBefore: string;
  notAfter: string;
  /** Fulcio extensions by name. */
  extensions: Record<string, string>;
}

export interface LogEntryFacts {
  logIndex: string;
  logId: string;
  kind: string;
  kindVersion: string;
  /** ISO time of integration into the log, when the entry has one. */
  integratedTime: string | null;
}

export interface AttestationResult {
  /** JSON pointer of the attestation in its file (`/` for a bare attestation). */
  pointer: string;
  predicateType: string;
  subject: { name: string; sha256: string };
  publisher: PublisherCheck;
  certificate: CertificateFacts;
  tlogEntries: LogEntryFacts[];
  timestamps: Array<{ kind: string; time: string; source: string }>;
}
