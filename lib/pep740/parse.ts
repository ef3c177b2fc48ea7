import { validateSchema } from '../schemas.ts';
import type { Attestation, Provenance } from './types.ts';

// Structural validation of PEP 740 objects (schemas/pep740-*.schema.json).
// The schemas check versions, required fields and strict base64; what the
// bytes mean is checked later, after the signature over them verified.

export function parseAttestation(json: unknown, file: string): Attestation {
  return validateSchema<Attestation>('pep740-attestation', json, file);
}

export function parseProvenance(json: unknown, file: string): Provenance {
  return validateSchema<Provenance>('pep740-provenance', json, file);
}
