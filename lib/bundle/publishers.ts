import type { Readable } from 'node:stream';
import { CAPS } from '../util/caps.ts';
import { parseJson } from '../util/json.ts';
import { readStreamBounded } from '../util/read.ts';

// The publisher a PEP 740 provenance object names, for `airlock inspect`:
// read from the bundle without verifying anything, so it is only a claim.

/** Provenance objects are a few KiB; the one provenance cap of every command (lib/util/caps.ts). */
export const PROVENANCE_CAP = CAPS.provenance;

export type Publisher = Record<string, string | null>;

export interface ProvenanceInfo {
  path: string;
  /** The publisher each attestation bundle names (PEP 740 `attestation_bundles[].publisher`), unverified. */
  publishers: Publisher[];
  /** Why the publishers could not be read, when they could not. */
  error?: string;
}

/** Collects the publishers a provenance object names; never fails, a bad object gives `error`. */
export function publishersOf(bytes: Buffer | undefined): { publishers: Publisher[]; error?: string } {
  if (bytes === undefined) return { publishers: [], error: `larger than ${PROVENANCE_CAP} bytes, not read` };
  let doc: unknown;
  try {
    doc = parseJson(bytes, 'provenance');
  } catch {
    return { publishers: [], error: 'not valid JSON' };
  }
  const bundles = (doc as { attestation_bundles?: unknown })?.attestation_bundles;
  if (!Array.isArray(bundles)) return { publishers: [], error: 'no attestation_bundles list' };
  const publishers: Publisher[] = [];
  for (const b of bundles) {
    const p = (b as { publisher?: unknown })?.publisher;
    if (p === null || typeof p !== 'object' || typeof (p as { kind?: unknown }).kind !== 'string') continue;
    const clean: Publisher = {};
    for (const [k, v] of Object.entries(p)) if (typeof v === 'string' || v === null) clean[k] = v;
    publishers.push(clean);
  }
  return publishers.length ? { publishers } : { publishers, error: 'no publisher named' };
}

export function readCapped(stream: Readable): Promise<Buffer | undefined> {
  // Read to the end in every case: the reader checks the member's digest at its end.
  return readStreamBounded(stream, PROVENANCE_CAP);
}
