import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLockFile } from '../../lib/lock/index.ts';
import { parsePolicy } from '../../lib/policy/index.ts';
import { chooseLock } from '../../lib/verify/lock.ts';
import { sha256 } from './helpers.ts';

// Which lock decides (issue 12 item 2), pure: only what the air-gapped side
// vouches for. Each case changes one input of a good choice.

const SHA = 'a'.repeat(64);
const LOCK = `lock-version = "1.0"
[[packages]]
name = "demo"
version = "1.0"
sdist = { name = "demo-1.0.tar.gz", hashes = { sha256 = "${SHA}" } }
`;
const bytes = (s: string) => new TextEncoder().encode(s);
const carried = bytes(LOCK);
const reviewed = parseLockFile(bytes(LOCK.replace('created', 'x')), 'reviewed.toml');
const policy = (text = '') => parsePolicy(bytes(text), 'policy.toml');
const pinning = (digest: string) => policy(`[defaults]\nlock = "sha256:${digest}"\n`);
const TRUSTED = { status: 'verified', keyid: 'b'.repeat(64), trustedSigner: true } as const;
const UNTRUSTED = { ...TRUSTED, trustedSigner: false } as const;

test('--lock decides; the carried copy is reported unused', () => {
  const c = chooseLock({ reviewed, carried, policy: policy(), signature: undefined });
  assert.equal(c.rule?.source, 'reviewed');
  assert.equal(c.rule?.vouchedBy, '--lock');
  assert.deepEqual(c.report.carried, {
    sha256: sha256(carried),
    used: false,
    note: 'not used: the reviewed lock given with --lock decides',
  });
});

test('the carried copy decides only when vouched for: by the policy digest or a trusted signer', () => {
  assert.equal(chooseLock({ reviewed: undefined, carried, policy: policy(), signature: undefined }).rule, undefined);
  assert.equal(chooseLock({ reviewed: undefined, carried, policy: policy(), signature: UNTRUSTED }).rule, undefined);
  const byDigest = chooseLock({ reviewed: undefined, carried, policy: pinning(sha256(carried)), signature: undefined });
  assert.equal(byDigest.rule?.vouchedBy, 'policy:defaults.lock');
  assert.equal(byDigest.rule?.file, 'lock/pylock.toml');
  const bySigner = chooseLock({ reviewed: undefined, carried, policy: policy(), signature: TRUSTED });
  assert.equal(bySigner.rule?.vouchedBy, `signer:${'b'.repeat(64)}`);
  assert.deepEqual(chooseLock({ reviewed: undefined, carried: undefined, policy: policy(), signature: TRUSTED }), {
    report: { decides: false, source: null },
  });
});

test('the policy digest: another lock is LOCK_DIGEST_MISMATCH, none is LOCK_MISSING', () => {
  const p = pinning(SHA);
  assert.throws(() => chooseLock({ reviewed, carried, policy: p, signature: undefined }), {
    code: 'LOCK_DIGEST_MISMATCH',
    field: 'defaults.lock',
    message: new RegExp(
      `^--lock reviewed\\.toml has sha256 ${reviewed.sha256}; policy\\.toml \\[defaults\\] lock names`,
    ),
  });
  assert.throws(() => chooseLock({ reviewed: undefined, carried, policy: p, signature: TRUSTED }), {
    code: 'LOCK_DIGEST_MISMATCH',
    message: /^the bundle's lock\/pylock\.toml has sha256/,
  });
  assert.throws(() => chooseLock({ reviewed: undefined, carried: undefined, policy: p, signature: undefined }), {
    code: 'LOCK_MISSING',
  });
});

test('a carried copy that is vouched for but malformed: LOCK_INVALID naming the member and key', () => {
  const bad = bytes(LOCK.replace('version = "1.0"\nsdist', 'sdist'));
  assert.throws(() => chooseLock({ reviewed: undefined, carried: bad, policy: policy(), signature: TRUSTED }), {
    code: 'LOCK_INVALID',
    file: 'lock/pylock.toml',
    field: 'packages[0].version',
  });
  // Not vouched for: never parsed, so it cannot fail the run either.
  assert.equal(
    chooseLock({ reviewed: undefined, carried: bad, policy: policy(), signature: undefined }).rule,
    undefined,
  );
});
