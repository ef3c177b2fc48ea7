import { InputError } from '../errors.ts';
import { parseDocument, verifyProvenance, type AttestationResult, type Distribution } from '../pep740/index.ts';
import type { SigstoreTrust } from '../sigstore/index.ts';
import { parseJson } from '../util/json.ts';

// One file's provenance member, from its verified bytes to its verified
// attestations: what a pool worker runs (workers.ts), or the main thread with
// --jobs 1. Pure: bytes and trust material in, results or a coded error out.

/** The task a worker is sent: plain data, so that it crosses threads by structured clone. */
export interface ProvenanceTask {
  /** The provenance member's verified bytes. */
  bytes: Uint8Array;
  /** Its path in the archive, for messages. */
  file: string;
  dist: Distribution;
}

export function checkProvenanceBytes(task: ProvenanceTask, trust: SigstoreTrust): AttestationResult[] {
  const { file } = task;
  const doc = parseDocument(parseJson(task.bytes, file), file);
  if (doc.kind !== 'provenance')
    throw new InputError('SCHEMA_INVALID', 'is a bare attestation, not a provenance object', { file, field: '/' });
  // No expected publisher here: the certificates are judged against the policy and pins afterwards.
  return verifyProvenance(doc.provenance, trust, { dist: task.dist, file });
}
