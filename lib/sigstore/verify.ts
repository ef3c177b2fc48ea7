import type { KeyObject } from 'node:crypto';
import { isSha256Hex } from '../util/digest.ts';
import { InternalError, errorMessage } from '../errors.ts';
import { signatureContent, type SignatureContent, type SignedEntity } from './adapter.ts';
import { checkDsseSubject, checkMessageArtifact, type ArtifactInput } from './artifact.ts';
import { fail } from './errors.ts';
import type { ParsedBundle } from './parse.ts';
import { checkCertificate, resolveKey } from './key.ts';
import {
  checkBody,
  checkInclusion,
  checkLogValidAt,
  checkNoDuplicates,
  checkTrustedLog,
  hasSignedTime,
} from './tlog.ts';
import { checkDistinctTimes, requireTrustedTime, tlogTimes, tsaTimes } from './time.ts';
import type { SigstoreTrust } from './trust.ts';
import type { VerifiedBundle, VerifiedTlogEntry } from './types.ts';

// The verification pipeline, pure (no I/O). Each step trusts only what the
// steps before it verified, so each failure has a precise code:
//   1. every tlog entry is from a log of the trusted root,
//      and none is listed twice                                TLOG_MISSING, TLOG_DUPLICATE
//   2. every entry's SET and inclusion proof verify             TLOG_SET, TLOG_PROOF
//   3. trusted times: every TSA timestamp, and SET'd times,
//      none counted twice                                      TIMESTAMP_INVALID, TLOG_DUPLICATE, NO_TRUSTED_TIME
//   4. the certificate is valid at every trusted time, chains
//      to a CA valid then, and every SCT verifies (at least one) CERT_VALIDITY, CERT_CHAIN, SCT_INVALID
//   5. the artifact digest and the signature                   DIGEST_MISMATCH, SIGNATURE_INVALID
//   6. every entry body matches signature, payload and signer  TLOG_BODY_MISMATCH
// Each check runs once. Everything @sigstore/verify's Verifier checks (with
// every entry, one SCT and one timestamp required) is here, and more (the
// body's signer, the proof against its checkpoint, a leaf that is no CA);
// test/sigstore/differential.test.ts runs the Verifier beside it as an oracle.

export interface VerifyOptions {
  artifact?: ArtifactInput;
  file: string;
}

function entryReport(e: SignedEntity['tlogEntries'][number]): VerifiedTlogEntry {
  const t = Number(e.integratedTime);
  return {
    logIndex: e.logIndex,
    logId: e.logId.keyId.toString('base64'),
    kind: e.kindVersion.kind,
    kindVersion: e.kindVersion.version,
    // Only a SET-signed integrated time is reported: without a SET it is an
    // unsigned number anyone could have written, and a verified report must
    // not show it as a fact.
    ...(t > 0 && hasSignedTime(e) ? { integratedTime: new Date(t * 1000).toISOString() } : {}),
    hasSignedEntryTimestamp: e.inclusionPromise !== undefined,
  };
}

function checkSignature(
  content: SignatureContent,
  key: KeyObject,
  kind: 'dsseEnvelope' | 'messageSignature',
  file: string,
): void {
  const field = kind === 'dsseEnvelope' ? '/dsseEnvelope/signatures/0/sig' : '/messageSignature/signature';
  let ok: boolean;
  try {
    ok = content.verifySignature(key);
  } catch (e) {
    // node:crypto throws rather than returning false for some key and digest pairs.
    throw fail(
      'SIGNATURE_INVALID',
      `the signature cannot be verified with the signing key (${errorMessage(e)})`,
      file,
      field,
      e,
    );
  }
  if (!ok) throw fail('SIGNATURE_INVALID', 'the signature does not verify with the signing key', file, field);
}

/** Verifies everything cryptographic, offline, no I/O. See the README section for the codes. */
export function verifyBundle(parsed: ParsedBundle, trust: SigstoreTrust, opts: VerifyOptions): VerifiedBundle {
  const { file } = opts;
  if (opts.artifact?.sha256 !== undefined && !isSha256Hex(opts.artifact.sha256)) {
    // The CLI checks and lowercases sha256:HEX: a caller that does not is a bug.
    throw new InternalError(`artifact sha256 must be 64 lowercase hex digits, got '${opts.artifact.sha256}'`);
  }
  const { bundle } = parsed;
  const tlogs = trust.material.tlogs;
  const bytes = opts.artifact?.bytes === undefined ? undefined : Buffer.from(opts.artifact.bytes);
  const content = signatureContent(bundle, bytes);
  const entries: SignedEntity['tlogEntries'] = bundle.verificationMaterial.tlogEntries;

  // 1-2. Transparency-log entries: all of them, not only the first.
  if (entries.length === 0)
    throw fail('TLOG_MISSING', 'the bundle has no transparency-log entry', file, '/verificationMaterial/tlogEntries');
  entries.forEach((e, i) => {
    checkTrustedLog(e, i, tlogs, file);
  });
  checkNoDuplicates(entries, file);
  entries.forEach((e, i) => {
    checkInclusion(e, i, tlogs, file);
  });

  // 3. Trusted times.
  const tsa = tsaTimes(parsed.rfc3161, content.signature, trust.material.timestampAuthorities, file);
  const times = [...tlogTimes(entries), ...tsa];
  requireTrustedTime(times, file);
  checkDistinctTimes(times, file);
  entries.forEach((e, i) => {
    // An entry without a signed time (Rekor v2, or v1 without SET): its log
    // must have been trusted at every trusted time.
    if (!hasSignedTime(e)) for (const t of times) checkLogValidAt(e, i, tlogs, t.time, file);
  });

  // 4. Signing certificate or key.
  const { key, signer } = resolveKey(parsed, trust, file);
  checkCertificate(parsed, trust, times, file);

  // 5. Artifact and signature.
  let overBytes = true;
  if (bundle.content.$case === 'messageSignature') {
    checkMessageArtifact(bundle as Parameters<typeof checkMessageArtifact>[0], opts.artifact, key, file);
    // Over a bare digest the signature was checked by checkMessageArtifact.
    overBytes = bytes !== undefined;
  } else if (opts.artifact) {
    checkDsseSubject(bundle.content.dsseEnvelope.payloadType, bundle.content.dsseEnvelope.payload, opts.artifact, file);
  }
  if (overBytes) checkSignature(content, key, bundle.content.$case, file);

  // 6. Entry bodies.
  const signerKey = {
    ...(parsed.certificate ? { cert: parsed.certificate } : {}),
    ...(parsed.leaf ? { certDer: parsed.leaf.der } : {}),
    key,
  };
  entries.forEach((e, i) => {
    checkBody(e, i, content, signerKey, file);
  });

  const dsse =
    bundle.content.$case === 'dsseEnvelope'
      ? {
          payloadType: bundle.content.dsseEnvelope.payloadType,
          payload: new Uint8Array(bundle.content.dsseEnvelope.payload),
        }
      : undefined;
  return {
    mediaType: parsed.mediaType,
    signer,
    timestamps: times.map((t) => t.report),
    tlogEntries: entries.map(entryReport),
    ...(dsse ? { dsse } : {}),
  };
}
