// The one module of airlock that imports @sigstore/verify. Its public API
// gives the parsed trust material and the signed-entity view of a bundle; the
// rest reaches into its dist/ modules, which are not part of that API and may
// change in any upgrade (the version is pinned exactly in package.json).
// test/sigstore/library-contract.test.ts checks each import here by name, so
// an upgrade that changes one fails there and not as a silently weaker check.
//
// The library's Verifier is not used at run time: lib/sigstore runs each check
// once (verify.ts); the Verifier is the oracle of test/sigstore/differential.test.ts.

export { toTrustMaterial } from '@sigstore/verify';
export type { SignedEntity, TrustMaterial } from '@sigstore/verify';
// The signature part of toSignedEntity alone: toSignedEntity also parses the leaf certificate and every
// RFC 3161 token again, which lib/sigstore/parse.ts has parsed already (per leaf, that was a fifth of the work).
export { signatureContent } from '@sigstore/verify/dist/bundle/index.js';
export type { SignatureContent } from '@sigstore/verify/dist/shared.types.js';
// SET, checkpoint signature and RFC 6962 inclusion proof of one entry (throws on failure).
export { verifyTLogInclusion } from '@sigstore/verify/dist/tlog/index.js';
// The entry body records this signature and payload digest (throws on mismatch).
export { verifyTLogBody } from '@sigstore/verify/dist/tlog/index.js';
// An RFC 3161 timestamp over the signature, chained to a trusted TSA valid then (throws on failure).
export { getTSATimestamp } from '@sigstore/verify/dist/timestamp/index.js';
