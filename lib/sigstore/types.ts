// The public shape of lib/sigstore, fixed first so that lib/pep740 can build on
// it while the verifier is written.

/** Certificate facts the policy checks read; extensions by name, not OID. */
export interface SignerInfo {
  /** The SAN: a URI (CI workflow, SPIFFE) or an e-mail address. */
  identity: string;
  identityType: 'uri' | 'email' | 'other';
  /** Fulcio OIDC issuer extension (1.3.6.1.4.1.57264.1.8, or .1.1 for old certificates). */
  issuer?: string;
  /**
   * Fulcio extensions by their names in Fulcio's OID registry, e.g.
   * sourceRepositoryURI, sourceRepositoryRef, buildSignerURI, buildConfigURI,
   * runnerEnvironment, sourceRepositoryOwnerURI, githubWorkflowRepository ...
   */
  extensions: Record<string, string>;
  /** Leaf certificate, DER. */
  certificate: Uint8Array;
  notBefore: string;
  notAfter: string;
}

export interface VerifiedTimestamp {
  kind: 'transparency-log' | 'timestamp-authority';
  time: string;
  /** Log ID or TSA subject, for the report. */
  source: string;
}

export interface VerifiedTlogEntry {
  logIndex: string;
  logId: string;
  kind: string;
  kindVersion: string;
  /** The integrated time, only when a verified SET signs it (never an unsigned one). */
  integratedTime?: string;
  /** Whether the entry's time is vouched for by a signed entry timestamp. */
  hasSignedEntryTimestamp: boolean;
}

export interface VerifiedBundle {
  mediaType: string;
  signer: SignerInfo;
  timestamps: VerifiedTimestamp[];
  tlogEntries: VerifiedTlogEntry[];
  /** For DSSE bundles: the verified envelope payload and its type. */
  dsse?: { payloadType: string; payload: Uint8Array };
}
