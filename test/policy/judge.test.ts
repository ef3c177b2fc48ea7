import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_PINS, type JudgeOptions, type Pins, type ProjectPin } from '../../lib/pins/index.ts';
import {
  builtinPolicy,
  judgeFiles,
  parsePolicy,
  publisherOfCertificate,
  type FileFacts,
  type Policy,
} from '../../lib/policy/index.ts';
import { certificateFacts } from '../../lib/pep740/verify.ts';
import {
  EMAIL_SIGNER,
  GH,
  GITHUB_SIGNER,
  GITLAB_SIGNER,
  GL,
  OTHER,
  OTHER_SIGNER,
  SHA_A,
  SHA_B,
  att,
  file,
  withExtensions,
} from './facts.ts';

const NOW = { time: '2026-08-22T00:00:00.000Z', source: '--now' } as const;
const OPTS: JudgeOptions = { acceptNew: false, acceptChange: [], now: NOW };

const policy = (text: string): Policy => parsePolicy(new TextEncoder().encode(text), 'policy.toml');

const GH_POLICY = policy(`
[projects.pypi-attestations]
publishers = [{ kind = "GitHub", repository = "trailofbits/pypi-attestations", workflow = "release.yml" }]
[projects.gitlab-oidc-project]
publishers = [{ kind = "GitLab", repository = "facutuesca/gitlab-oidc-project", workflow_filepath = ".gitlab-ci.yml" }]
[projects.rfc8785]
require = "hash"
hashes = ["sha256:${SHA_A}"]
`);

function pinOf(publishers: ProjectPin['publishers'], provenance = true): ProjectPin {
  return {
    publishers,
    provenance,
    firstSeen: '2026-01-01T00:00:00.000Z',
    lastSeen: '2026-01-01T00:00:00.000Z',
    history: [],
  };
}
const pins = (entries: Record<string, ProjectPin>, latest?: string): Pins => ({
  projects: new Map(Object.entries(entries)),
  ...(latest ? { latestNow: { time: latest, source: 'clock' as const } } : {}),
});

function one(p: Policy, f: FileFacts, stored: Pins = EMPTY_PINS, opts: JudgeOptions = OPTS) {
  const j = judgeFiles(p, stored, [f], opts);
  assert.equal(j.decisions.length, 1);
  return { ...j.decisions[0]!, judgement: j };
}

function refused(d: { verdict: string; code?: string; message?: string }, code: string, message?: RegExp): void {
  assert.equal(d.verdict, 'refused', d.message);
  assert.equal(d.code, code, d.message);
  if (message) assert.match(d.message ?? '', message);
}

test('publisherOfCertificate: the identity each real certificate shows', () => {
  assert.deepEqual(publisherOfCertificate(certificateFacts(GITHUB_SIGNER)), GH);
  assert.deepEqual(publisherOfCertificate(certificateFacts(GITLAB_SIGNER)), GL);
  assert.deepEqual(publisherOfCertificate(certificateFacts(EMAIL_SIGNER)), {
    kind: 'Identity',
    identity: 'william@yossarian.net',
    issuer: 'https://github.com/login/oauth',
  });
  // A Build Config URI of another repository is not read as this repository's workflow.
  const odd = withExtensions(GITHUB_SIGNER, {
    buildConfigURI: 'https://github.com/x/y/.github/workflows/a.yml@refs/tags/v0.0.19',
  });
  assert.equal(publisherOfCertificate(certificateFacts(odd)).kind, 'Identity');
  // Self-managed GitLab: the issuer is the server URL, kept in the entry.
  const selfManaged = withExtensions(
    GITLAB_SIGNER,
    {
      sourceRepositoryURI: 'https://gitlab.example.com/g/p',
      buildConfigURI: 'https://gitlab.example.com/g/p//.gitlab-ci.yml@refs/heads/main',
    },
    'https://gitlab.example.com',
  );
  assert.deepEqual(publisherOfCertificate(certificateFacts(selfManaged)), {
    kind: 'GitLab',
    repository: 'g/p',
    workflow_filepath: '.gitlab-ci.yml',
    issuer: 'https://gitlab.example.com',
  });
});

test('policy publishers: the right certificate is accepted, decided by the project entry', () => {
  const d = one(GH_POLICY, file('pypi-attestations', [GITHUB_SIGNER]));
  assert.equal(d.verdict, 'accepted');
  assert.deepEqual(d.decidedBy, ['policy:projects.pypi-attestations']);
  assert.deepEqual(d.publishers, [GH]);
  assert.equal(d.admittedBy, 'attestation');
  assert.equal(one(GH_POLICY, file('gitlab_oidc.project', [GITLAB_SIGNER])).verdict, 'accepted');
});

test('policy publishers: another repository, or one bad attestation among good ones, is PUBLISHER_NOT_ALLOWED', () => {
  refused(
    one(GH_POLICY, file('pypi-attestations', [OTHER_SIGNER])),
    'PUBLISHER_NOT_ALLOWED',
    /evil\/pypi-attestations/,
  );
  refused(one(GH_POLICY, file('pypi-attestations', [GITHUB_SIGNER, OTHER_SIGNER])), 'PUBLISHER_NOT_ALLOWED');
  refused(one(GH_POLICY, file('pypi-attestations', [GITLAB_SIGNER])), 'PUBLISHER_NOT_ALLOWED');
  const p = policy(`[projects.pypi-attestations]
publishers = [{ kind = "GitHub", repository = "trailofbits/pypi-attestations", workflow = "other.yml" }]`);
  refused(one(p, file('pypi-attestations', [GITHUB_SIGNER])), 'PUBLISHER_NOT_ALLOWED');
});

test('policy publishers: an environment is checked against the claim, and a bare attestation cannot meet it', () => {
  const p = policy(`[projects.pypi-attestations]
publishers = [{ kind = "GitHub", repository = "trailofbits/pypi-attestations", workflow = "release.yml", environment \
= "pypi" }]`);
  const claimed = { kind: 'github' as const, repository: 'trailofbits/pypi-attestations', workflow: 'release.yml' };
  const f = (env?: string): FileFacts => ({
    ...file('pypi-attestations', null),
    attestations: [att(GITHUB_SIGNER, env === undefined ? claimed : { ...claimed, environment: env })],
  });
  assert.equal(one(p, f('pypi')).verdict, 'accepted');
  refused(one(p, f('staging')), 'PUBLISHER_NOT_ALLOWED');
  refused(one(p, f()), 'PUBLISHER_NOT_ALLOWED');
  refused(one(p, file('pypi-attestations', [GITHUB_SIGNER])), 'PUBLISHER_NOT_ALLOWED');
});

test('Identity and Google entries compare the SAN and issuer exactly', () => {
  const p = policy(`[projects.x]
publishers = [{ kind = "Identity", identity = "william@yossarian.net", issuer = "https://github.com/login/oauth" }]
[projects.y]
publishers = [{ kind = "Identity", identity = "william@yossarian.net", issuer = "https://accounts.google.com" }]
[projects.z]
publishers = [{ kind = "Google", email = "william@yossarian.net" }]`);
  assert.equal(one(p, file('x', [EMAIL_SIGNER])).verdict, 'accepted');
  refused(one(p, file('y', [EMAIL_SIGNER])), 'PUBLISHER_NOT_ALLOWED');
  refused(one(p, file('z', [EMAIL_SIGNER])), 'PUBLISHER_NOT_ALLOWED');
  const google = withExtensions(EMAIL_SIGNER, {}, 'https://accounts.google.com');
  assert.equal(one(p, file('z', [google])).verdict, 'accepted');
});

test('defaults.publishers apply to projects that list none', () => {
  const p = policy(`[defaults]
publishers = [{ kind = "GitHub", repository = "trailofbits/pypi-attestations", workflow = "release.yml" }]
[projects.gitlab-oidc-project]
publishers = [{ kind = "GitLab", repository = "facutuesca/gitlab-oidc-project", workflow_filepath = ".gitlab-ci.yml" \
}]`);
  const d = one(p, file('anything', [GITHUB_SIGNER]));
  assert.equal(d.verdict, 'accepted');
  assert.deepEqual(d.decidedBy, ['policy:defaults']);
  refused(
    one(p, file('gitlab-oidc-project', [GITHUB_SIGNER])),
    'PUBLISHER_NOT_ALLOWED',
    /policy:projects.gitlab-oidc-project/,
  );
});

test('no provenance: refused by default (NO_PROVENANCE), admitted by a listed hash under require = "hash"', () => {
  refused(one(GH_POLICY, file('pypi-attestations', null)), 'NO_PROVENANCE', /policy:defaults/);
  refused(one(builtinPolicy(), file('anything', null)), 'NO_PROVENANCE');
  const d = one(GH_POLICY, file('rfc8785', null));
  assert.equal(d.verdict, 'accepted');
  assert.equal(d.admittedBy, 'hash');
  assert.deepEqual(d.decidedBy, ['policy:projects.rfc8785']);
  refused(
    one(GH_POLICY, file('rfc8785', null, { sha256: SHA_B })),
    'HASH_PIN_MISMATCH',
    /not among the allowed hashes/,
  );
  // require = "hash" in defaults, no hashes for the project: nothing admits it.
  refused(one(policy('[defaults]\nrequire = "hash"'), file('x', null)), 'HASH_PIN_MISMATCH', /none listed/);
});

test('listed hashes are an allow-list for attested files too', () => {
  const p = policy(`[projects.pypi-attestations]
hashes = ["sha256:${SHA_A}"]
publishers = [{ kind = "GitHub", repository = "trailofbits/pypi-attestations", workflow = "release.yml" }]`);
  assert.equal(one(p, file('pypi-attestations', [GITHUB_SIGNER])).verdict, 'accepted');
  refused(one(p, file('pypi-attestations', [GITHUB_SIGNER], { sha256: SHA_B })), 'HASH_PIN_MISMATCH');
});

test('an attested file under require = "hash" is still judged by its publisher: provenance is never ignored', () => {
  refused(one(GH_POLICY, file('rfc8785', [OTHER_SIGNER])), 'PUBLISHER_UNPINNED');
  const p = policy(`[projects.rfc8785]
require = "hash"
hashes = ["sha256:${SHA_A}"]
publishers = [{ kind = "GitHub", repository = "trailofbits/pypi-attestations", workflow = "release.yml" }]`);
  refused(one(p, file('rfc8785', [OTHER_SIGNER])), 'PUBLISHER_NOT_ALLOWED');
});

test('a provenance with no attestation is not a pass', () => {
  refused(one(GH_POLICY, { ...file('pypi-attestations', null), attestations: [] }), 'NO_PROVENANCE');
});

test('PUBLISHER_UNPINNED: neither the policy nor a pin names the project; the message shows the certificate', () => {
  refused(
    one(builtinPolicy(), file('pypi-attestations', [GITHUB_SIGNER])),
    'PUBLISHER_UNPINNED',
    /trailofbits\/pypi-attestations.*--accept-new/,
  );
});

test('--accept-new: accepted, reported and pinned as trust on first use', () => {
  const d = one(builtinPolicy(), file('pypi-attestations', [GITHUB_SIGNER]), EMPTY_PINS, { ...OPTS, acceptNew: true });
  assert.equal(d.verdict, 'accepted');
  assert.deepEqual(d.decidedBy, ['policy:defaults', 'accept-new']);
  const pin = d.judgement.nextPins.projects.get('pypi-attestations');
  assert.deepEqual(pin?.publishers, [GH]);
  assert.equal(pin?.provenance, true);
  assert.equal(pin?.firstSeen, NOW.time);
  assert.equal(pin?.history[0]?.kind, 'accept-new');
  assert.equal(d.judgement.events[0]?.project, 'pypi-attestations');
  assert.deepEqual(d.judgement.nextPins.latestNow, NOW);
});

test('--accept-new takes one publisher per project: two in one bundle are PUBLISHER_INCONSISTENT', () => {
  const files = [file('x', [GITHUB_SIGNER], { version: '1.0' }), file('x', [OTHER_SIGNER], { version: '2.0' })];
  const j = judgeFiles(builtinPolicy(), EMPTY_PINS, files, { ...OPTS, acceptNew: true });
  for (const d of j.decisions) refused(d, 'PUBLISHER_INCONSISTENT', /--accept-new pins one publisher/);
});

test(
  'a pinned project: same publisher accepted by the pin; another one PUBLISHER_CHANGED until ' + '--accept-change',
  () => {
    const stored = pins({ 'pypi-attestations': pinOf([GH]) });
    const ok = one(builtinPolicy(), file('pypi-attestations', [GITHUB_SIGNER]), stored);
    assert.equal(ok.verdict, 'accepted');
    assert.deepEqual(ok.decidedBy, ['policy:defaults', 'pin']);
    assert.equal(ok.judgement.nextPins.projects.get('pypi-attestations')?.lastSeen, NOW.time);

    refused(
      one(builtinPolicy(), file('pypi-attestations', [OTHER_SIGNER]), stored),
      'PUBLISHER_CHANGED',
      /evil.*pinned to GitHub trailofbits/,
    );
    // --accept-new does not accept a change.
    refused(
      one(builtinPolicy(), file('pypi-attestations', [OTHER_SIGNER]), stored, { ...OPTS, acceptNew: true }),
      'PUBLISHER_CHANGED',
    );

    const changed = one(builtinPolicy(), file('pypi-attestations', [OTHER_SIGNER]), stored, {
      ...OPTS,
      acceptChange: ['PyPI_Attestations'],
    });
    assert.equal(changed.verdict, 'accepted');
    assert.deepEqual(changed.decidedBy, ['policy:defaults', 'accept-change']);
    const pin = changed.judgement.nextPins.projects.get('pypi-attestations')!;
    assert.deepEqual(pin.publishers, [OTHER]);
    assert.equal(pin.firstSeen, '2026-01-01T00:00:00.000Z');
    assert.deepEqual(pin.history.at(-1), {
      kind: 'accept-change',
      time: NOW.time,
      source: '--now',
      old: { publishers: [GH], provenance: true },
      new: { publishers: [OTHER], provenance: true },
    });
    assert.deepEqual(changed.judgement.unusedAcceptChange, []);
  },
);

test('--accept-change naming a project with no change is reported unused', () => {
  const stored = pins({ 'pypi-attestations': pinOf([GH]) });
  const d = one(builtinPolicy(), file('pypi-attestations', [GITHUB_SIGNER]), stored, {
    ...OPTS,
    acceptChange: ['pypi-attestations', 'nope'],
  });
  assert.equal(d.verdict, 'accepted');
  assert.deepEqual(d.judgement.unusedAcceptChange, ['nope', 'pypi-attestations']);
});

test('PROVENANCE_DROPPED: a project that had provenance arrives without it, even under require = "hash"', () => {
  const stored = pins({ rfc8785: pinOf([GH]) });
  refused(one(GH_POLICY, file('rfc8785', null), stored), 'PROVENANCE_DROPPED', /--accept-change rfc8785/);
  const d = one(GH_POLICY, file('rfc8785', null), stored, { ...OPTS, acceptChange: ['rfc8785'] });
  assert.equal(d.verdict, 'accepted');
  const pin = d.judgement.nextPins.projects.get('rfc8785')!;
  assert.equal(pin.provenance, false);
  assert.deepEqual(pin.history.at(-1)?.new, { publishers: [GH], provenance: false });
  // The publisher stays pinned: provenance coming back from it is accepted, from another is a change.
  const next = d.judgement.nextPins;
  assert.deepEqual(one(builtinPolicy(), file('rfc8785', [GITHUB_SIGNER]), next).decidedBy, ['policy:defaults', 'pin']);
  refused(one(builtinPolicy(), file('rfc8785', [OTHER_SIGNER]), next), 'PUBLISHER_CHANGED');
  // Without provenance before, none now: no drop.
  const hashOnly = pins({ rfc8785: pinOf([], false) });
  assert.equal(one(GH_POLICY, file('rfc8785', null), hashOnly).verdict, 'accepted');
});

test('a project admitted by hash is recorded without provenance; its later provenance needs a publisher', () => {
  const first = one(GH_POLICY, file('rfc8785', null));
  const pin = first.judgement.nextPins.projects.get('rfc8785')!;
  assert.deepEqual({ publishers: pin.publishers, provenance: pin.provenance }, { publishers: [], provenance: false });
  refused(one(GH_POLICY, file('rfc8785', [GITHUB_SIGNER]), first.judgement.nextPins), 'PUBLISHER_UNPINNED');
});

test('policy-listed publishers are recorded in the pin; the pin then also speaks', () => {
  const first = one(GH_POLICY, file('pypi-attestations', [GITHUB_SIGNER]));
  assert.deepEqual(first.judgement.nextPins.projects.get('pypi-attestations')?.publishers, [GH]);
  assert.deepEqual(first.judgement.events, []);
  const again = one(GH_POLICY, file('pypi-attestations', [GITHUB_SIGNER]), first.judgement.nextPins);
  assert.deepEqual(again.decidedBy, ['policy:projects.pypi-attestations', 'pin']);
  // The policy no longer names it: the pin decides.
  const later = one(builtinPolicy(), file('pypi-attestations', [OTHER_SIGNER]), first.judgement.nextPins);
  refused(later, 'PUBLISHER_CHANGED');
});

test('PUBLISHER_INCONSISTENT: one release from two publishers, unless the policy lists each', () => {
  const files = [
    file('x', [GITHUB_SIGNER], { filename: 'x-1.0.tar.gz', version: '1.0' }),
    file('x', [OTHER_SIGNER], { filename: 'x-1.0-py3-none-any.whl', version: '1.0.0' }),
  ];
  const stored = pins({ x: pinOf([GH, OTHER]) });
  for (const d of judgeFiles(builtinPolicy(), stored, files, OPTS).decisions) {
    refused(d, 'PUBLISHER_INCONSISTENT', /x 1.0 come from 2 publishers/);
  }
  const listed = policy(`[projects.x]
publishers = [
  { kind = "GitHub", repository = "trailofbits/pypi-attestations", workflow = "release.yml" },
  { kind = "GitHub", repository = "evil/pypi-attestations", workflow = "release.yml" },
]`);
  for (const d of judgeFiles(listed, EMPTY_PINS, files, OPTS).decisions) assert.equal(d.verdict, 'accepted', d.message);
  // Two releases from two pinned publishers are not inconsistent.
  const releases = [files[0]!, { ...files[1]!, version: '2.0' }];
  for (const d of judgeFiles(builtinPolicy(), stored, releases, OPTS).decisions) assert.equal(d.verdict, 'accepted');
  // One file whose two attestations name two publishers.
  refused(one(builtinPolicy(), file('x', [GITHUB_SIGNER, OTHER_SIGNER]), stored), 'PUBLISHER_INCONSISTENT');
});

test('verdicts do not depend on the order of files', () => {
  const stored = pins({ 'pypi-attestations': pinOf([GH]) });
  const files = [
    file('pypi-attestations', [GITHUB_SIGNER]),
    file('rfc8785', null),
    file('pypi-attestations', [OTHER_SIGNER], { version: '9', filename: 'pypi_attestations-9.tar.gz' }),
    file('new', [GITLAB_SIGNER]),
  ];
  const p = policy(`[projects.rfc8785]\nrequire = "hash"\nhashes = ["sha256:${SHA_A}"]`);
  const a = judgeFiles(p, stored, files, OPTS);
  const b = judgeFiles(p, stored, [...files].reverse(), OPTS);
  assert.deepEqual(a.decisions, [...b.decisions].reverse());
  assert.deepEqual(
    a.decisions.map((d) => d.code ?? d.verdict),
    ['accepted', 'accepted', 'PUBLISHER_CHANGED', 'PUBLISHER_UNPINNED'],
  );
});

test('judging is pure: the stored pins are not modified', () => {
  const stored = pins({ 'pypi-attestations': pinOf([GH]) });
  const before = JSON.stringify([...stored.projects]);
  judgeFiles(builtinPolicy(), stored, [file('pypi-attestations', [OTHER_SIGNER])], {
    ...OPTS,
    acceptChange: ['pypi-attestations'],
  });
  assert.equal(JSON.stringify([...stored.projects]), before);
});

test(
  'self-managed GitLab: the entry with its issuer matches its certificates; gitlab.com entries do not, nor the ' +
    'reverse',
  () => {
    const selfManaged = withExtensions(
      GITLAB_SIGNER,
      {
        sourceRepositoryURI: 'https://gitlab.example.com/facutuesca/gitlab-oidc-project',
        buildConfigURI: 'https://gitlab.example.com/facutuesca/gitlab-oidc-project//.gitlab-ci.yml@refs/heads/main',
      },
      'https://gitlab.example.com',
    );
    const entry =
      `{ kind = "GitLab", repository = "facutuesca/gitlab-oidc-project", workflow_filepath = ` + `".gitlab-ci.yml"`;
    const own = policy(`[projects.x]\npublishers = [${entry}, issuer = "https://gitlab.example.com" }]`);
    const com = policy(`[projects.x]\npublishers = [${entry} }]`);
    const other = policy(`[projects.x]\npublishers = [${entry}, issuer = "https://gitlab.example.org" }]`);
    assert.equal(one(own, file('x', [selfManaged])).verdict, 'accepted');
    refused(one(com, file('x', [selfManaged])), 'PUBLISHER_NOT_ALLOWED');
    refused(one(other, file('x', [selfManaged])), 'PUBLISHER_NOT_ALLOWED');
    refused(one(own, file('x', [GITLAB_SIGNER])), 'PUBLISHER_NOT_ALLOWED');
    // A certificate whose issuer claims a server the repository URI is not on is not read as that GitLab.
    const mixed = withExtensions(selfManaged, {}, 'https://gitlab.example.org');
    refused(one(own, file('x', [mixed])), 'PUBLISHER_NOT_ALLOWED');
    assert.equal(publisherOfCertificate(certificateFacts(mixed)).kind, 'Identity');
  },
);
