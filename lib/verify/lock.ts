import { LOCK_PATH } from '../bundle/types.ts';
import type { SignatureStatus } from '../bundle/signature.ts';
import { PolicyError } from '../errors.ts';
import { parseLockFile, type LockFile } from '../lock/index.ts';
import type { LockRule, Policy } from '../policy/index.ts';
import { sha256Hex } from '../util/digest.ts';
import type { LockReport } from './types.ts';

// Which lock decides (issue 12 item 2), pure. A lock that travels in the
// bundle is as untrusted as the bundle: whoever could change the bundle could
// delete its identities. So only something on the air-gapped side makes a
// lock decide: the operator's own copy (--lock), or the bundle's copy when its
// sha256 is the one the policy names, or when a trusted signer signed the
// bundle. A carried lock nobody vouches for decides nothing, and the report
// says so.

export interface LockChoice {
  rule?: LockRule;
  report: LockReport;
}

function rule(lock: LockFile, source: LockRule['source'], vouchedBy: string): LockRule {
  return { file: lock.file, sha256: lock.sha256, source, vouchedBy, entries: lock.entries };
}

function checkDigest(policy: Policy, sha256: string, what: string): void {
  const want = policy.defaults.lock;
  if (want !== undefined && want !== sha256) {
    throw new PolicyError(
      'LOCK_DIGEST_MISMATCH',
      `${what} has sha256 ${sha256}; ${policy.file} [defaults] lock names sha256:${want}`,
      { file: policy.file, field: 'defaults.lock' },
    );
  }
}

/**
 * Throws LOCK_DIGEST_MISMATCH or LOCK_MISSING when the policy names a lock that is not the one given, and
 * LOCK_INVALID when the lock that would decide cannot be read.
 */
export function chooseLock(opts: {
  reviewed: LockFile | undefined;
  carried: Uint8Array | undefined;
  policy: Policy;
  signature: SignatureStatus | undefined;
}): LockChoice {
  const { reviewed, carried, policy, signature } = opts;
  const carriedSha = carried === undefined ? undefined : sha256Hex(carried);
  const carriedReport = (used: boolean, note: string) =>
    carriedSha === undefined ? {} : { carried: { sha256: carriedSha, used, note } };
  if (reviewed) {
    checkDigest(policy, reviewed.sha256, `--lock ${reviewed.file}`);
    return {
      rule: rule(reviewed, 'reviewed', '--lock'),
      report: {
        decides: true,
        source: 'reviewed',
        file: reviewed.file,
        sha256: reviewed.sha256,
        vouchedBy: '--lock',
        ...carriedReport(false, 'not used: the reviewed lock given with --lock decides'),
      },
    };
  }
  if (carried === undefined || carriedSha === undefined) {
    if (policy.defaults.lock !== undefined) {
      throw new PolicyError(
        'LOCK_MISSING',
        `${policy.file} [defaults] lock names sha256:${policy.defaults.lock}, and neither --lock nor the bundle ` +
          'gives a lock',
        { file: policy.file, field: 'defaults.lock' },
      );
    }
    return { report: { decides: false, source: null } };
  }
  checkDigest(policy, carriedSha, `the bundle's ${LOCK_PATH}`);
  let vouchedBy: string | undefined;
  if (policy.defaults.lock !== undefined) vouchedBy = 'policy:defaults.lock';
  else if (signature?.status === 'verified' && signature.trustedSigner) vouchedBy = `signer:${signature.keyid}`;
  if (vouchedBy === undefined) {
    return {
      report: {
        decides: false,
        source: null,
        ...carriedReport(
          false,
          'decides nothing: neither the policy ([defaults] lock) nor a trusted signer vouches for it; give the ' +
            'reviewed lock with --lock',
        ),
      },
    };
  }
  const lock = parseLockFile(carried, LOCK_PATH, carriedSha);
  return {
    rule: rule(lock, 'bundled', vouchedBy),
    report: {
      decides: true,
      source: 'bundled',
      file: LOCK_PATH,
      sha256: lock.sha256,
      vouchedBy,
      ...carriedReport(true, `decides: vouched for by ${vouchedBy}`),
    },
  };
}
