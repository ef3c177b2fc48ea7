// lib/sigstore: offline verification of Sigstore bundles against a
// trusted_root.json. Parse (parse.ts, trust.ts), verify (verify.ts), then
// apply policy (identity.ts); nothing here reads files or the network.

export * from './types.ts';
export { loadTrustMaterial, parsePublicKeyPem, withPublicKey, type SigstoreTrust } from './trust.ts';
export { parseBundle, MEDIA_TYPES, type ParsedBundle, type BundleVersion } from './parse.ts';
export { verifyBundle, type VerifyOptions } from './verify.ts';
export type { ArtifactInput } from './artifact.ts';
export { checkIdentity } from './identity.ts';
export { fulcioExtensions, signerFromCertificate } from './signer.ts';
export { decodeProtoBytes, normaliseProtoJson, type MessageName } from './proto-json.ts';
