import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirlockError } from '../../lib/errors.ts';
import { EMPTY_PINS, type JudgeOptions, type Pins } from '../../lib/pins/index.ts';
import { judgeFiles, parsePolicy, type FileFacts, type Policy } from '../../lib/policy/index.ts';
import { GH, GITHUB_SIGNER, GITLAB_SIGNER, OTHER_SIGNER, SHA_A, SHA_B, att, file } from './facts.ts';

// Item 5 of issue 12: the policy's `deny` list refuses a file with DENIED,
// naming the entry, whatever else (policy publishers, hashes, pins,
// --accept-new, --accept-change) accepts it.

const NOW = { time: '2026-08-22T00:00:00.000Z', source: '--now' } as const;
const OPTS: JudgeOptions = { acceptNew: false, acceptChange: [], now: NOW };
const enc = (s: string) => new TextEncoder().encode(s);
const policy = (text: string): Policy => parsePolicy(enc(text), 'policy.toml');

const ALLOW = `
[projects.pypi-attestations]
publishers = [{ kind = "GitHub", repository = "trailofbits/pypi-attestations", workflow = "release.yml" }]
[projects.rfc8785]
require = "hash"
hashes = ["sha256:${SHA_A}"]
`;

function decide(p: Policy, f: FileFacts, pins: Pins = EMPTY_PINS, opts: JudgeOptions = OPTS) {
  return judgeFiles(p, pins, [f], opts).decisions[0]!;
}

function denied(d: ReturnType<typeof decide>, key: string, text: string): void {
  assert.equal(d.verdict, 'refused', d.message);
  assert.equal(d.code, 'DENIED', d.message);
  assert.ok(d.message?.includes(`policy:${key} (${text})`), d.message);
  assert.deepEqual(d.decidedBy, [`policy:${key}`]);
}

test('without a deny list, the allow rules accept the files (the baseline of the tests below)', () => {
  const p = policy(ALLOW);
  assert.deepEqual(p.deny, []);
  assert.equal(decide(p, file('pypi-attestations', [GITHUB_SIGNER])).verdict, 'accepted');
  assert.equal(decide(p, file('rfc8785', null)).verdict, 'accepted');
});

test('name==version: PEP 503 names, PEP 440 versions (1.0 == 1.0.0), other versions pass', () => {
  const p = policy(`deny = ["PyPI_Attestations==0.0.19.0"]\n${ALLOW}`);
  denied(decide(p, file('pypi-attestations', [GITHUB_SIGNER])), 'deny[0]', 'PyPI_Attestations==0.0.19.0');
  denied(
    decide(p, file('pypi.attestations', [GITHUB_SIGNER], { version: 'v0.0.19' })),
    'deny[0]',
    'PyPI_Attestations==0.0.19.0',
  );
  assert.equal(decide(p, file('pypi-attestations', [GITHUB_SIGNER], { version: '0.0.20' })).verdict, 'accepted');
  // PEP 440 `==` without a local label matches the local versions of that release; with one, only that one.
  assert.equal(decide(p, file('pypi-attestations', [GITHUB_SIGNER], { version: '0.0.19+corp.1' })).code, 'DENIED');
  const local = policy('deny = ["pypi-attestations==0.0.19+corp.1"]');
  assert.equal(decide(local, file('pypi-attestations', [GITHUB_SIGNER], { version: '0.0.19+CORP-1' })).code, 'DENIED');
  assert.equal(decide(local, file('pypi-attestations', [GITHUB_SIGNER])).code, 'PUBLISHER_UNPINNED');
  assert.equal(decide(p, file('pypi-attestations', [GITHUB_SIGNER], { version: '0.0.19.post1' })).verdict, 'accepted');
  // A version PEP 440 cannot read matches no entry (and never crashes the judgement).
  assert.equal(decide(p, file('pypi-attestations', [GITHUB_SIGNER], { version: 'not a version' })).verdict, 'accepted');
});

test('sha256: a listed digest is denied even when the same digest is the allowed hash', () => {
  const p = policy(`deny = ["sha256:${SHA_B}", "sha256:${SHA_A}"]\n${ALLOW}`);
  denied(decide(p, file('rfc8785', null)), 'deny[1]', `sha256:${SHA_A}`);
  denied(decide(p, file('pypi-attestations', [GITHUB_SIGNER], { sha256: SHA_B })), 'deny[0]', `sha256:${SHA_B}`);
});

test('a publisher: judged from the certificates; one matching attestation denies the file', () => {
  const p = policy(
    `deny = [{ kind = "GitHub", repository = "trailofbits/pypi-attestations", workflow = "release.yml" }]\n${ALLOW}`,
  );
  const text = 'GitHub trailofbits/pypi-attestations workflow release.yml';
  const d = decide(p, file('pypi-attestations', [GITHUB_SIGNER]));
  denied(d, 'deny[0]', text);
  assert.deepEqual(d.publishers, [GH]);
  denied(decide(p, file('pypi-attestations', [OTHER_SIGNER, GITHUB_SIGNER])), 'deny[0]', text);
  // Another publisher, or no provenance at all, is not this entry.
  assert.equal(decide(p, file('gitlab-oidc-project', [GITLAB_SIGNER])).code, 'PUBLISHER_UNPINNED');
  assert.equal(decide(p, file('rfc8785', null)).verdict, 'accepted');
  // An environment in the entry is compared with the verified claim, as in the allow-lists.
  const env = policy(
    'deny = [{ kind = "GitHub", repository = "trailofbits/pypi-attestations", workflow = "release.yml", ' +
      'environment = "staging" }]',
  );
  const claimed = { kind: 'github' as const, repository: 'trailofbits/pypi-attestations', workflow: 'release.yml' };
  const withEnv = (environment: string): FileFacts => ({
    ...file('pypi-attestations', null),
    attestations: [att(GITHUB_SIGNER, { ...claimed, environment })],
  });
  assert.equal(decide(env, withEnv('staging')).code, 'DENIED');
  assert.equal(decide(env, withEnv('pypi')).code, 'PUBLISHER_UNPINNED');
});

test('deny wins over pins, --accept-new and --accept-change, and leaves the pins untouched', () => {
  const p = policy(`deny = ["pypi-attestations==0.0.19"]`);
  const f = file('pypi-attestations', [GITHUB_SIGNER]);
  const j = judgeFiles(p, EMPTY_PINS, [f], { ...OPTS, acceptNew: true, acceptChange: ['pypi-attestations'] });
  denied(j.decisions[0]!, 'deny[0]', 'pypi-attestations==0.0.19');
  assert.equal(j.nextPins.projects.size, 0);
  assert.deepEqual(j.events, []);
  const pinned: Pins = {
    projects: new Map([
      [
        'pypi-attestations',
        { publishers: [GH], provenance: true, firstSeen: NOW.time, lastSeen: NOW.time, history: [] },
      ],
    ]),
  };
  denied(decide(p, f, pinned), 'deny[0]', 'pypi-attestations==0.0.19');
});

test('deny is top-level only; malformed entries are POLICY_INVALID naming the key (one-field mutations)', () => {
  const GOOD = `deny = ["attrs==23.1.0", "sha256:${SHA_A}", { kind = "Google", email = "a@example.com" }]\n`;
  const p = policy(GOOD);
  assert.deepEqual(
    p.deny.map((d) => [d.key, d.kind, d.text]),
    [
      ['deny[0]', 'release', 'attrs==23.1.0'],
      ['deny[1]', 'digest', `sha256:${SHA_A}`],
      ['deny[2]', 'publisher', 'Google a@example.com'],
    ],
  );
  const invalid = (text: string, field: string, message?: RegExp) =>
    assert.throws(
      () => policy(text),
      (e: unknown) => {
        assert.ok(e instanceof AirlockError, String(e));
        assert.equal(e.code, 'POLICY_INVALID', e.message);
        assert.equal(e.exitCode, 2);
        assert.equal(e.field, field, e.toLine());
        if (message) assert.match(e.message, message);
        return true;
      },
    );
  invalid(GOOD.replace('attrs==23.1.0', 'attrs'), 'deny[0]', /pattern/);
  invalid(GOOD.replace('attrs==23.1.0', 'attrs>=23.1.0'), 'deny[0]');
  invalid(GOOD.replace('attrs==23.1.0', 'attrs==23.1.0==1'), 'deny[0]');
  invalid(GOOD.replace('attrs==23.1.0', 'attrs==not-a-version'), 'deny[0]', /not a valid PEP 440 version/);
  invalid(GOOD.replace('attrs==23.1.0', 'attrs ==23.1.0'), 'deny[0]');
  invalid(GOOD.replace(`sha256:${SHA_A}`, `sha256:${'A'.repeat(64)}`), 'deny[1]');
  invalid(GOOD.replace(`sha256:${SHA_A}`, `sha512:${SHA_A}`), 'deny[1]');
  invalid(GOOD.replace(`sha256:${SHA_A}`, `sha256:${'a'.repeat(63)}`), 'deny[1]');
  invalid(GOOD.replace('"Google"', '"Gogle"'), 'deny[2].kind', /Google/);
  invalid(GOOD.replace('email = "a@example.com"', 'email = "a"'), 'deny[2].email');
  invalid(GOOD.replace('email = "a@example.com"', 'email = "a@example.com", ref = "x"'), 'deny[2]', /'ref'/);
  invalid(
    GOOD.replace('{ kind = "Google", email = "a@example.com" }', '{ kind = "ActiveState" }'),
    'deny[2]',
    /ActiveState/,
  );
  invalid(GOOD.replace('"attrs==23.1.0"', '1'), 'deny[0]', /object/);
  invalid('deny = []', 'deny');
  invalid('deny = "attrs==1"', 'deny');
  invalid('[defaults]\ndeny = ["attrs==1"]', 'defaults', /'deny'/);
  invalid('[projects.attrs]\ndeny = ["attrs==1"]', 'projects.attrs', /'deny'/);
});
