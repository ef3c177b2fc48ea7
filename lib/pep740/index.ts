// PEP 740 attestations and provenance objects: parse, convert to Sigstore
// bundles, verify against a distribution and a publisher policy, inspect.
// The top-level object's `version` selects the format; only version 1 exists.

import { InputError } from '../errors.ts';
import { isObject } from '../util/json.ts';
import { parseAttestation, parseProvenance } from './parse.ts';
import type { Attestation, Provenance } from './types.ts';

export * from './types.ts';
export { parseAttestation, parseProvenance } from './parse.ts';
export { attestationToBundle, BUNDLE_V03_MEDIA_TYPE } from './bundle.ts';
export { checkStatement, decodeStatement } from './statement.ts';
export { verifyAttestation, verifyProvenance, type VerifyOptions } from './verify.ts';
export { inspectAttestation, inspectProvenance, type InspectedAttestation } from './inspect.ts';

export type Pep740Document =
  | { kind: 'provenance'; provenance: Provenance }
  | { kind: 'attestation'; attestation: Attestation };

/**
 * Tells a provenance object from a bare attestation by its keys, then
 * validates it; throws on an unknown shape or version.
 */
export function parseDocument(json: unknown, file: string): Pep740Document {
  if (!isObject(json))
    throw new InputError('SCHEMA_INVALID', 'must be a JSON object (a PEP 740 provenance or attestation)', {
      file,
      field: '/',
    });
  if (json.version !== 1) {
    throw new InputError(
      'SCHEMA_INVALID',
      `unsupported PEP 740 version ${JSON.stringify(json.version)} (only 1 exists)`,
      { file, field: '/version' },
    );
  }
  if ('attestation_bundles' in json) return { kind: 'provenance', provenance: parseProvenance(json, file) };
  if ('envelope' in json || 'verification_material' in json)
    return { kind: 'attestation', attestation: parseAttestation(json, file) };
  throw new InputError(
    'SCHEMA_INVALID',
    'neither a provenance (attestation_bundles) nor an attestation (envelope, verification_material)',
    { file, field: '/' },
  );
}
