import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePylock } from '../../lib/lock/index.ts';
import { evaluateLock, judgeFiles, parsePolicy, type LockRule } from '../../lib/policy/index.ts';
import { EMPTY_PINS } from '../../lib/pins/types.ts';
import { GITHUB_SIGNER, GITLAB_SIGNER, OTHER_SIGNER, SHA_A, SHA_B, file } from './facts.ts';

// The lock's word on one file (issue 12 item 3), pure: each test changes one
// thing of a good lock or file and asserts the code and the message.

const NOW = { time: '2026-08-22T00:00:00Z', source: '--now' as const };

function lockText(
  identities = 'kind = "GitHub"\nrepository = "trailofbits/pypi-attestations"\nworkflow = "release.yml"',
) {
  return `lock-version = "1.0"
created-by = "test"

[[packages]]
name = "pypi-attestations"
version = "0.0.19"
sdist = { name = "pypi_attestations-0.0.19.tar.gz", hashes = { sha256 = "${SHA_A}" } }
${identities ? `[[packages.attestation-identities]]\n${identities}\n` : ''}
[[packages]]
name = "gitlab-oidc-project"
version = "0.0.3"
sdist = { name = "gitlab_oidc_project-0.0.3.tar.gz", hashes = { sha256 = "${SHA_A}" } }
`;
}

function rule(text = lockText()): LockRule {
  return {
    file: 'pylock.toml',
    sha256: SHA_B,
    source: 'reviewed',
    vouchedBy: '--lock',
    entries: parsePylock(text, 'pylock.toml'),
  };
}

const GH_FILE = file('pypi-attestations', [GITHUB_SIGNER]);
const GL_FILE = file('gitlab-oidc-project', [GITLAB_SIGNER], {
  version: '0.0.3',
  filename: 'gitlab_oidc_project-0.0.3.tar.gz',
});

test('a file the lock lists, with its hash and a certificate of a named identity: accepted, decided by the lock', () => {
  assert.deepEqual(evaluateLock(rule(), GH_FILE), {
    outcome: 'accepted',
    decidedBy: ['lock:packages[0].sdist', 'lock:packages[0].attestation-identities'],
    identities: true,
  });
  // No identities for the release: the lock checks the file and hash, the policy and pins decide the publisher.
  assert.deepEqual(evaluateLock(rule(), GL_FILE), {
    outcome: 'accepted',
    decidedBy: ['lock:packages[1].sdist'],
    identities: false,
  });
});

test('LOCK_IDENTITY_MISMATCH: another repository, another workflow, no provenance, one bad attestation of two', () => {
  const cases: Array<[string, ReturnType<typeof file>, RegExp]> = [
    [
      'another repository',
      file('pypi-attestations', [OTHER_SIGNER]),
      /show GitHub evil\/pypi-attestations workflow release\.yml; pylock\.toml packages\[0\]\.attestation-identities names GitHub trailofbits\/pypi-attestations workflow release\.yml/,
    ],
    [
      'no provenance',
      file('pypi-attestations', null),
      /has no provenance; pylock\.toml packages\[0\]\.attestation-identities requires one of GitHub trailofbits/,
    ],
    ['one bad of two', file('pypi-attestations', [GITHUB_SIGNER, OTHER_SIGNER]), /evil\/pypi-attestations/],
  ];
  for (const [what, f, message] of cases) {
    const s = evaluateLock(rule(), f);
    assert.equal(s.outcome, 'refused', what);
    assert.equal(s.code, 'LOCK_IDENTITY_MISMATCH', what);
    assert.match(s.message!, message, what);
  }
  const wf = rule(lockText('kind = "GitHub"\nrepository = "trailofbits/pypi-attestations"\nworkflow = "publish.yml"'));
  assert.equal(evaluateLock(wf, GH_FILE).code, 'LOCK_IDENTITY_MISMATCH');
  // The environment is compared with the provenance's claim (checked against the certificate): none here.
  const env = rule(
    lockText(
      'kind = "GitHub"\nrepository = "trailofbits/pypi-attestations"\nworkflow = "release.yml"\nenvironment = "pypi"',
    ),
  );
  assert.equal(evaluateLock(env, GH_FILE).code, 'LOCK_IDENTITY_MISMATCH');
  // Any one of several identities will do.
  const two = rule(
    lockText(
      'kind = "GitLab"\nrepository = "a/b"\nworkflow_filepath = "x.yml"\n[[packages.attestation-identities]]\nkind = "GitHub"\nrepository = "trailofbits/pypi-attestations"\nworkflow = "release.yml"',
    ),
  );
  assert.equal(evaluateLock(two, GH_FILE).outcome, 'accepted');
});

test('LOCK_FILE_NOT_IN_LOCK and HASH_PIN_MISMATCH', () => {
  const other = file('sampleproject', [GITHUB_SIGNER], { filename: 'sampleproject-0.0.19.tar.gz' });
  const s = evaluateLock(rule(), other);
  assert.equal(s.code, 'LOCK_FILE_NOT_IN_LOCK');
  assert.match(
    s.message!,
    /sampleproject-0\.0\.19\.tar\.gz \(sampleproject 0\.0\.19\) is not a file pylock\.toml lists/,
  );
  // The right project, another version or another file name of it: not listed either.
  assert.equal(
    evaluateLock(rule(), file('pypi-attestations', [GITHUB_SIGNER], { version: '0.0.20' })).code,
    'LOCK_FILE_NOT_IN_LOCK',
  );
  const wheel = file('pypi-attestations', [GITHUB_SIGNER], { filename: 'pypi_attestations-0.0.19-py3-none-any.whl' });
  assert.equal(evaluateLock(rule(), wheel).code, 'LOCK_FILE_NOT_IN_LOCK');
  const h = evaluateLock(rule(), file('pypi-attestations', [GITHUB_SIGNER], { sha256: SHA_B }));
  assert.equal(h.code, 'HASH_PIN_MISMATCH');
  assert.match(h.message!, new RegExp(`sha256 ${SHA_B}, but pylock\\.toml packages\\[0\\]\\.sdist locks ${SHA_A}`));
});

const POLICY_ALLOWS_OTHER = `[projects.pypi-attestations]
publishers = [{ kind = "GitHub", repository = "evil/pypi-attestations", workflow = "release.yml" }]
`;

test('judging with a lock: every source must accept; identities decide without pins; deny still wins', () => {
  const policy = (text: string) => parsePolicy(new TextEncoder().encode(text), 'policy.toml');
  const judge = (p: string, files = [GH_FILE, GL_FILE], acceptNew = false) =>
    judgeFiles(policy(p), EMPTY_PINS, files, { acceptNew, acceptChange: [], now: NOW, lock: rule() }).decisions;
  // The lock names the GitHub publisher: no pin, no --accept-new needed; the GitLab release has no identities, so
  // the pins decide it (unpinned without --accept-new).
  const [gh, gl] = judge('');
  assert.equal(gh!.verdict, 'accepted');
  assert.deepEqual(gh!.decidedBy, [
    'lock:packages[0].sdist',
    'lock:packages[0].attestation-identities',
    'policy:defaults',
  ]);
  assert.equal(gl!.code, 'PUBLISHER_UNPINNED');
  assert.equal(judge('', undefined, true)[1]!.verdict, 'accepted');
  // A policy that allows a publisher the lock does not: refused by the lock.
  const [evil] = judge(POLICY_ALLOWS_OTHER, [file('pypi-attestations', [OTHER_SIGNER])]);
  assert.equal(evil!.code, 'LOCK_IDENTITY_MISMATCH');
  // A lock that allows what the policy does not: refused by the policy.
  const [notAllowed] = judge(POLICY_ALLOWS_OTHER);
  assert.equal(notAllowed!.code, 'PUBLISHER_NOT_ALLOWED');
  // deny is checked before anything else accepts.
  const [denied] = judge('deny = ["pypi-attestations==0.0.19"]\n');
  assert.equal(denied!.code, 'DENIED');
});

test('attestation-identities that cannot be checked are a malformed lock (LOCK_INVALID naming the key)', () => {
  const bad = (identities: string, field: RegExp | string, message?: RegExp) =>
    assert.throws(
      () => parsePylock(lockText(identities), 'pylock.toml'),
      (e: { code?: string; field?: string; message: string }) => {
        assert.equal(e.code, 'LOCK_INVALID');
        if (typeof field === 'string') assert.equal(e.field, field);
        else assert.match(e.field ?? '', field);
        if (message) assert.match(e.message, message);
        return true;
      },
    );
  bad('repository = "a/b"\nworkflow = "x.yml"', 'packages[0].attestation-identities[0]', /kind/);
  bad('kind = "Jenkins"\nrepository = "a/b"', 'packages[0].attestation-identities[0].kind', /allowed values/);
  bad(
    'kind = "Identity"\nidentity = "a@b"\nissuer = "https://x"',
    'packages[0].attestation-identities[0].kind',
    /not a Trusted Publisher kind/,
  );
  bad(
    'kind = "ActiveState"\norganization = "o"\nproject = "p"',
    'packages[0].attestation-identities[0].kind',
    /ActiveState/,
  );
  bad('kind = "GitHub"\nrepository = "a/b"', 'packages[0].attestation-identities[0]', /workflow/);
  bad(
    'kind = "GitHub"\nrepository = "a/b"\nworkflow = "x.yml"\nref = "main"',
    'packages[0].attestation-identities[0]',
    /'ref'/,
  );
  bad(
    'kind = "GitHub"\nrepository = "https://github.com/a/b"\nworkflow = "x.yml"',
    'packages[0].attestation-identities[0].repository',
  );
  assert.throws(
    () =>
      parsePylock(
        lockText('').replace(
          '[[packages]]\nname = "gitlab',
          'attestation-identities = []\n[[packages]]\nname = "gitlab',
        ),
        'pylock.toml',
      ),
    { code: 'LOCK_INVALID', field: 'packages[0].attestation-identities' },
  );
});
