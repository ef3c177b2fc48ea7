import type { TransparencyLogEntry } from '@sigstore/bundle';
import type { X509Certificate } from '@sigstore/core';
import { verifyTLogBody, verifyTLogInclusion, type SignatureContent, type TrustMaterial } from './adapter.ts';
import type { KeyObject } from 'node:crypto';
import { boundToSigner } from './body.ts';
import { fail, wrapStep } from './errors.ts';

// Per-entry transparency-log checks. @sigstore/verify checks every entry it is
// given (it loops over all of them, then applies a threshold), but it proves
// inclusion and compares the body in one call and with coarse codes; here the
// two are separate steps so each failure gets its own code, and the body is
// also bound to the signing certificate or key, which the library leaves out.

type TLogs = TrustMaterial['tlogs'];

export function entryField(i: number, sub?: string): string {
  return `/verificationMaterial/tlogEntries/${i}${sub ? `/${sub}` : ''}`;
}

/** The entry comes from a log of the trusted root (TLOG_MISSING otherwise). */
export function checkTrustedLog(entry: TransparencyLogEntry, i: number, tlogs: TLogs, file: string): void {
  const id = entry.logId.keyId;
  if (!tlogs.some((t) => t.logID.equals(id))) {
    throw fail(
      'TLOG_MISSING',
      `log ${id.toString('base64')} is not a log of the trusted root`,
      file,
      entryField(i, 'logId'),
    );
  }
  // With a SET, the integrated time is signed (the SET is checked next, and
  // the library only tries log keys valid at that time): check the window
  // here to say so plainly. Without one, the entry is checked against the
  // trusted times once they are known (verify.ts).
  if (hasSignedTime(entry)) checkLogValidAt(entry, i, tlogs, new Date(Number(entry.integratedTime) * 1000), file);
}

/** A Rekor v1 entry whose integrated time its SET vouches for (once the SET is verified). */
export function hasSignedTime(entry: TransparencyLogEntry): boolean {
  return entry.inclusionPromise !== undefined && Number(entry.integratedTime) > 0;
}

/** No entry is listed twice (same log, same body): a copy must not count as a second witness. */
export function checkNoDuplicates(entries: TransparencyLogEntry[], file: string): void {
  entries.forEach((e, i) => {
    const j = entries.findIndex(
      (o) => o.logId.keyId.equals(e.logId.keyId) && o.canonicalizedBody.equals(e.canonicalizedBody),
    );
    if (j !== i) throw fail('TLOG_DUPLICATE', `entry ${i} repeats entry ${j}`, file, entryField(i));
  });
}

/** The entry's log key was valid at `time` according to the trusted root. */
export function checkLogValidAt(entry: TransparencyLogEntry, i: number, tlogs: TLogs, time: Date, file: string): void {
  const logs = tlogs.filter((t) => t.logID.equals(entry.logId.keyId));
  if (!logs.some((l) => l.validFor.start <= time && time <= l.validFor.end)) {
    const windows = logs.map((l) => `${l.validFor.start.toISOString()}..${l.validFor.end.toISOString()}`).join(', ');
    throw fail(
      'TLOG_MISSING',
      `log ${entry.logId.keyId.toString('base64')} was not trusted at ${time.toISOString()} (trusted ${windows})`,
      file,
      entryField(i, 'logId'),
    );
  }
}

/**
 * Inclusion: the SET (Rekor v1) and the checkpoint-signed inclusion proof, each
 * when present; at least one must be present and every present one must verify.
 */
export function checkInclusion(entry: TransparencyLogEntry, i: number, tlogs: TLogs, file: string): void {
  // A SET over no integrated time would vouch for the epoch: refused rather than read as "no time".
  if (entry.inclusionPromise !== undefined && !hasSignedTime(entry))
    throw fail(
      'TLOG_SET',
      'the signed entry timestamp signs no integrated time',
      file,
      entryField(i, 'integratedTime'),
    );
  try {
    verifyTLogInclusion(entry, tlogs);
  } catch (e) {
    const sub =
      (e as { code?: string }).code === 'TLOG_INCLUSION_PROMISE_ERROR' ? 'inclusionPromise' : 'inclusionProof';
    throw wrapStep(e, 'TLOG_PROOF', file, entryField(i, sub));
  }
  if (entry.inclusionProof) checkProofMatchesCheckpoint(entry.inclusionProof, i, file);
}

/**
 * The library proves inclusion against the checkpoint's root and size and
 * ignores the proof's own rootHash and treeSize; a bundle where they disagree
 * with the signed checkpoint is inconsistent, so it is refused rather than
 * reported with numbers nobody signed.
 */
function checkProofMatchesCheckpoint(
  proof: NonNullable<TransparencyLogEntry['inclusionProof']>,
  i: number,
  file: string,
): void {
  const note = proof.checkpoint?.envelope.split('\n\n')[0]?.split('\n') ?? [];
  const size = note[1];
  const root = note[2] === undefined ? undefined : Buffer.from(note[2], 'base64');
  if (size !== proof.treeSize || !root?.equals(proof.rootHash)) {
    throw fail(
      'TLOG_PROOF',
      `the inclusion proof (size ${proof.treeSize}) does not match its signed checkpoint (size ${size ?? '?'})`,
      file,
      entryField(i, 'inclusionProof'),
    );
  }
}

/** The entry body records this signature, this payload or digest, and this certificate or key. */
export function checkBody(
  entry: TransparencyLogEntry,
  i: number,
  content: SignatureContent,
  signer: { cert?: X509Certificate; certDer?: Buffer; key: KeyObject },
  file: string,
): void {
  const field = entryField(i, 'canonicalizedBody');
  try {
    verifyTLogBody(entry, content);
  } catch (e) {
    throw wrapStep(e, 'TLOG_BODY_MISMATCH', file, field);
  }
  const bound = boundToSigner(entry, signer);
  if (bound === undefined) throw fail('TLOG_BODY_MISMATCH', 'the entry body names no certificate or key', file, field);
  if (!bound)
    throw fail('TLOG_BODY_MISMATCH', 'the entry body names another certificate or key than the bundle', file, field);
}
