// lib/bundle: the portable bundle archive (see README "The bundle format").
// writer.ts packs (connected side); reader.ts unpacks and checks every entry
// as it streams past (air-gapped side); manifest.ts and paths.ts hold the
// rules both sides share.

export * from './types.ts';
export { writeBundle, buildManifest } from './writer.ts';
export { readBundle, readManifest, DEFAULT_CAPS } from './reader.ts';
export { parseManifest, verifyManifest } from './manifest.ts';
export { layoutRole, unsafePathReason, collisionKey, comparePaths } from './paths.ts';
export { compressionFromPath, detectCompression } from './compression.ts';
export { inspectBundle, type InspectReport } from './inspect.ts';
