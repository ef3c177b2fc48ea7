import { type ErrorCode, InputError } from '../errors.ts';
import { parseDocument, verifyProvenance, type AttestationResult, type Distribution } from '../pep740/index.ts';
import { describeEntries, publisherOfCertificate, uniqueEntries } from '../policy/entry.ts';
import type { PublisherEntry } from '../policy/types.ts';
import type { SigstoreTrust } from '../sigstore/index.ts';
import { parseJson } from '../util/json.ts';
import type { LockIdentity } from './annotate-text.ts';

// `lock annotate`: which identities a locked package gets, from the verified
// provenance of its files. Pure: provenance bytes, the trust material and the
// lock's digests in, a decision per package out (the handler does the I/O).

export type VerifiedAttestation = Pick<AttestationResult, 'certificate' | 'publisher'>;

/**
 * Verifies one file's provenance exactly as `verify` does (lib/pep740 against
 * the TUF-verified trusted root, the subject against the lock's digest); any
 * failure throws with its code.
 */
export function verifyLockedProvenance(
  bytes: Uint8Array,
  file: string,
  dist: Distribution,
  trust: SigstoreTrust,
): AttestationResult[] {
  const doc = parseDocument(parseJson(bytes, file), file);
  if (doc.kind !== 'provenance')
    throw new InputError('SCHEMA_INVALID', 'is a bare attestation, not a provenance object', { file, field: '/' });
  return verifyProvenance(doc.provenance, trust, { dist, file });
}

/**
 * The publisher a verified attestation shows, as a lock identity would name
 * it: from the certificate (lib/policy/entry.ts), plus the environment, which
 * certificates do not carry, from the provenance's publisher claim, which
 * lib/pep740 has checked against the certificate.
 */
export function identityOf(a: VerifiedAttestation): PublisherEntry {
  const e = publisherOfCertificate(a.certificate);
  const claimed = a.publisher.claimed;
  if (e.kind === 'GitHub' && claimed?.kind === 'github' && claimed.environment !== undefined)
    return { ...e, environment: claimed.environment };
  if (e.kind === 'GitLab' && claimed?.kind === 'gitlab' && claimed.environment !== undefined)
    return { ...e, environment: claimed.environment };
  return e;
}

export interface LockedFileFacts {
  filename: string;
  /** null: the index has no provenance for the file. */
  attestations: readonly VerifiedAttestation[] | null;
}

export type PackageDecision =
  | { outcome: 'annotate'; identities: LockIdentity[] }
  | { outcome: 'not-annotated'; code: ErrorCode; message: string; publishers: PublisherEntry[] };

function isLockIdentity(e: PublisherEntry): e is LockIdentity {
  return e.kind !== 'Identity';
}

/**
 * A package is annotated only when every one of its files has provenance and
 * all of them show one and the same publisher: the lock then asks of each
 * file exactly what each file showed.
 */
export function decidePackage(files: readonly LockedFileFacts[]): PackageDecision {
  const bare = files.filter((f) => f.attestations === null).map((f) => f.filename);
  const shown = uniqueEntries(files.flatMap((f) => (f.attestations ?? []).map(identityOf)));
  if (bare.length > 0) {
    const message =
      bare.length === files.length
        ? 'no file of it has provenance on the index'
        : `${bare.join(', ')} ${bare.length === 1 ? 'has' : 'have'} no provenance on the index`;
    return {
      outcome: 'not-annotated',
      code: 'LOCK_NO_PROVENANCE',
      message,
      publishers: shown,
    };
  }
  if (shown.length !== 1) {
    const perFile = files
      .map((f) => `${f.filename}: ${describeEntries(uniqueEntries((f.attestations ?? []).map(identityOf)))}`)
      .join('; ');
    return {
      outcome: 'not-annotated',
      code: 'LOCK_PUBLISHERS_DIFFER',
      message: `its files show ${shown.length} publishers (${perFile})`,
      publishers: shown,
    };
  }
  const only = shown[0]!;
  if (!isLockIdentity(only)) {
    return {
      outcome: 'not-annotated',
      code: 'LOCK_IDENTITY_UNSUPPORTED',
      message: `its certificates show ${describeEntries(shown)}, not a Trusted Publisher attestation-identities can name`,
      publishers: shown,
    };
  }
  return { outcome: 'annotate', identities: [only] };
}
