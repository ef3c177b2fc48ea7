import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkPublisher,
  checkPublishers,
  describePolicy,
  policyFromClaim,
  policyFromOptions,
  type PublisherPolicy,
} from '../../lib/publisher/index.ts';
import { AirlockError } from '../../lib/errors.ts';
import { EMAIL_SIGNER, GITHUB_SIGNER, GITLAB_SIGNER, withExtensions } from './signers.ts';

const where = { file: 'p.provenance', field: '/attestation_bundles/0/attestations/0' };
const GH: PublisherPolicy = { kind: 'github', repository: 'trailofbits/pypi-attestations', workflow: 'release.yml' };
const GL: PublisherPolicy = {
  kind: 'gitlab',
  repository: 'facutuesca/gitlab-oidc-project',
  workflow: '.gitlab-ci.yml',
};

function fails(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AirlockError, String(e));
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    assert.equal(e.file, 'p.provenance');
    return true;
  });
}

test('GitHub publisher: matches its repository and workflow, by ref or by digest', () => {
  checkPublisher(GH, GITHUB_SIGNER, where);
  checkPublisher({ ...GH, ref: 'refs/tags/v0.0.19' }, GITHUB_SIGNER, where);
  const bySha = withExtensions(GITHUB_SIGNER, {
    buildConfigURI:
      'https://github.com/trailofbits/pypi-attestations/' +
      '.github/workflows/release.yml@08802efe1f8e5fec4ad842d6b8ce97656092ee72',
  });
  checkPublisher(GH, bySha, where);
});

test('GitHub publisher: any other repository, workflow, ref or issuer fails', () => {
  fails(
    () => checkPublisher({ ...GH, repository: 'trailofbits/pypi-attestation' }, GITHUB_SIGNER, where),
    'PUBLISHER_MISMATCH',
    /source repository/,
  );
  fails(
    () => checkPublisher({ ...GH, repository: 'TrailOfBits/pypi-attestations' }, GITHUB_SIGNER, where),
    'PUBLISHER_MISMATCH',
  );
  fails(
    () => checkPublisher({ ...GH, workflow: 'other.yml' }, GITHUB_SIGNER, where),
    'PUBLISHER_MISMATCH',
    /build config/,
  );
  fails(() => checkPublisher({ ...GH, workflow: 'release.y' }, GITHUB_SIGNER, where), 'PUBLISHER_MISMATCH');
  fails(
    () => checkPublisher({ ...GH, ref: 'refs/tags/v0.0.1' }, GITHUB_SIGNER, where),
    'PUBLISHER_MISMATCH',
    /source ref/,
  );
  fails(() => checkPublisher({ ...GH, ref: 'refs/tags/v0.0.19X' }, GITHUB_SIGNER, where), 'PUBLISHER_MISMATCH');
  fails(
    () => checkPublisher(GH, withExtensions(GITHUB_SIGNER, {}, 'https://gitlab.com'), where),
    'PUBLISHER_MISMATCH',
    /issuer/,
  );
  // A build config that merely starts with the expected workflow@ref is not that workflow.
  const longer = withExtensions(GITHUB_SIGNER, {
    buildConfigURI: 'https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19X',
  });
  fails(() => checkPublisher(GH, longer, where), 'PUBLISHER_MISMATCH');
  // A reusable workflow elsewhere: the build config is what PyPI's publisher names.
  const reusable = withExtensions(GITHUB_SIGNER, {
    buildConfigURI: 'https://github.com/evil/repo/.github/workflows/release.yml@refs/tags/v0.0.19',
  });
  fails(() => checkPublisher(GH, reusable, where), 'PUBLISHER_MISMATCH');
  fails(
    () => checkPublisher(GH, withExtensions(GITHUB_SIGNER, { buildConfigURI: undefined }), where),
    'PUBLISHER_MISMATCH',
  );
  fails(
    () => checkPublisher(GH, withExtensions(GITHUB_SIGNER, { sourceRepositoryURI: undefined }), where),
    'PUBLISHER_MISMATCH',
  );
});

test('GitLab publisher: matches its project and CI file; a GitHub policy with the same path fails', () => {
  checkPublisher(GL, GITLAB_SIGNER, where);
  checkPublisher({ ...GL, ref: 'refs/heads/main' }, GITLAB_SIGNER, where);
  fails(() => checkPublisher({ ...GL, workflow: 'gitlab-ci.yml' }, GITLAB_SIGNER, where), 'PUBLISHER_MISMATCH');
  fails(() => checkPublisher({ ...GL, repository: 'facutuesca/other' }, GITLAB_SIGNER, where), 'PUBLISHER_MISMATCH');
  fails(() => checkPublisher({ ...GL, kind: 'github' }, GITLAB_SIGNER, where), 'PUBLISHER_MISMATCH', /issuer/);
  fails(() => checkPublisher(GL, GITHUB_SIGNER, where), 'PUBLISHER_MISMATCH');
});

test('Google publisher: exact service-account e-mail and Google issuer', () => {
  const sa = withExtensions(
    { ...EMAIL_SIGNER, identity: 'pub@proj.iam.gserviceaccount.com' },
    {},
    'https://accounts.google.com',
  );
  checkPublisher({ kind: 'google', email: 'pub@proj.iam.gserviceaccount.com' }, sa, where);
  fails(
    () => checkPublisher({ kind: 'google', email: 'pub@proj.iam.gserviceaccount.co' }, sa, where),
    'PUBLISHER_MISMATCH',
  );
  fails(
    () => checkPublisher({ kind: 'google', email: 'william@yossarian.net' }, EMAIL_SIGNER, where),
    'PUBLISHER_MISMATCH',
    /issuer/,
  );
});

test('ActiveState publisher fails closed: no certificate carries its identity', () => {
  fails(
    () => checkPublisher({ kind: 'activestate', organization: 'o', project: 'p' }, GITHUB_SIGNER, where),
    'PUBLISHER_MISMATCH',
    /ActiveState/,
  );
});

test('plain identity: exact SAN and issuer; no Trusted Publisher policy matches an e-mail certificate', () => {
  checkPublisher(
    { kind: 'identity', identity: 'william@yossarian.net', issuer: 'https://github.com/login/oauth' },
    EMAIL_SIGNER,
    where,
  );
  fails(
    () =>
      checkPublisher(
        { kind: 'identity', identity: 'william@yossarian.ne', issuer: 'https://github.com/login/oauth' },
        EMAIL_SIGNER,
        where,
      ),
    'IDENTITY_MISMATCH',
  );
  fails(
    () =>
      checkPublisher(
        { kind: 'identity', identity: 'william@yossarian.net', issuer: 'https://github.com/login' },
        EMAIL_SIGNER,
        where,
      ),
    'IDENTITY_MISMATCH',
  );
  for (const p of [GH, GL, { kind: 'google', email: 'william@yossarian.net' } as PublisherPolicy]) {
    fails(() => checkPublisher(p, EMAIL_SIGNER, where), 'PUBLISHER_MISMATCH');
  }
  fails(
    () => checkPublisher({ kind: 'nope' } as unknown as PublisherPolicy, EMAIL_SIGNER, where),
    'PUBLISHER_MISMATCH',
    /unknown/,
  );
});

test('provenance claims become policies; unknown kinds fail', () => {
  assert.deepEqual(
    policyFromClaim({ kind: 'GitHub', repository: 'a/b', workflow: 'w.yml', environment: null }, where),
    { kind: 'github', repository: 'a/b', workflow: 'w.yml' },
  );
  assert.deepEqual(
    policyFromClaim({ kind: 'GitLab', repository: 'a/b/c', workflow_filepath: 'ci.yml', environment: 'prod' }, where),
    { kind: 'gitlab', repository: 'a/b/c', workflow: 'ci.yml', environment: 'prod' },
  );
  assert.deepEqual(policyFromClaim({ kind: 'Google', email: 'x@y' }, where), { kind: 'google', email: 'x@y' });
  fails(() => policyFromClaim({ kind: 'ActiveState', organization: 'o' }, where), 'PUBLISHER_MISMATCH', /ActiveState/);
  fails(() => policyFromClaim({ kind: 'GitHub', repository: 'a/b' }, where), 'PUBLISHER_MISMATCH', /workflow/);
  fails(
    () => policyFromClaim({ kind: 'GitHub', repository: 'a/b', workflow: 'w', environment: 3 }, where),
    'PUBLISHER_MISMATCH',
  );
});

test('the certificate must match both the claim and the expectation', () => {
  const claim = {
    kind: 'GitHub',
    repository: 'trailofbits/pypi-attestations',
    workflow: 'release.yml',
    environment: null,
  };
  assert.deepEqual(checkPublishers(GITHUB_SIGNER, { claim, where }), { pinned: false, expected: null, claimed: GH });
  assert.equal(checkPublishers(GITHUB_SIGNER, { claim, expected: GH, where }).pinned, true);
  // claim differs from the certificate, expectation matches it: fails
  fails(
    () => checkPublishers(GITHUB_SIGNER, { claim: { ...claim, workflow: 'other.yml' }, expected: GH, where }),
    'PUBLISHER_MISMATCH',
  );
  // claim matches, expectation does not: fails
  fails(
    () => checkPublishers(GITHUB_SIGNER, { claim, expected: { ...GH, repository: 'a/b' }, where }),
    'PUBLISHER_MISMATCH',
  );
  // bare attestation: only the expectation
  assert.equal(checkPublishers(GITHUB_SIGNER, { expected: GH, where }).claimed, null);
});

test('an expected environment is compared with the claim and needs one', () => {
  const claim = {
    kind: 'GitHub',
    repository: 'trailofbits/pypi-attestations',
    workflow: 'release.yml',
    environment: 'pypi',
  };
  checkPublishers(GITHUB_SIGNER, { claim, expected: { ...GH, environment: 'pypi' }, where });
  fails(
    () => checkPublishers(GITHUB_SIGNER, { claim, expected: { ...GH, environment: 'release' }, where }),
    'PUBLISHER_MISMATCH',
    /environment/,
  );
  fails(
    () =>
      checkPublishers(GITHUB_SIGNER, {
        claim: { ...claim, environment: null },
        expected: { ...GH, environment: 'pypi' },
        where,
      }),
    'PUBLISHER_MISMATCH',
    /environment/,
  );
  fails(
    () => checkPublishers(GITHUB_SIGNER, { expected: { ...GH, environment: 'pypi' }, where }),
    'PUBLISHER_MISMATCH',
    /bare attestation/,
  );
});

test('command-line options build the policy; the repository host decides the kind', () => {
  assert.equal(policyFromOptions({}), undefined);
  assert.deepEqual(
    policyFromOptions({ repository: 'https://github.com/trailofbits/pypi-attestations', workflow: 'release.yml' }),
    GH,
  );
  assert.deepEqual(
    policyFromOptions({ repository: 'https://gitlab.com/facutuesca/gitlab-oidc-project/', workflow: '.gitlab-ci.yml' }),
    GL,
  );
  assert.deepEqual(
    policyFromOptions({
      repository: 'https://gitlab.com/g/sub/p',
      workflow: 'ci/x.yml',
      environment: 'e',
      ref: 'refs/heads/main',
    }),
    { kind: 'gitlab', repository: 'g/sub/p', workflow: 'ci/x.yml', environment: 'e', ref: 'refs/heads/main' },
  );
  assert.deepEqual(policyFromOptions({ identity: 'a@b', issuer: 'https://i' }), {
    kind: 'identity',
    identity: 'a@b',
    issuer: 'https://i',
  });
  const usage = (o: Parameters<typeof policyFromOptions>[0], re: RegExp) =>
    assert.throws(
      () => policyFromOptions(o),
      (e: unknown) => e instanceof AirlockError && e.code === 'USAGE' && re.test(e.message),
    );
  usage({ repository: 'https://github.com/a/b' }, /go together/);
  usage({ workflow: 'w.yml' }, /go together/);
  usage({ environment: 'e' }, /go together/);
  usage({ identity: 'a@b' }, /go together/);
  usage({ identity: 'a@b', issuer: 'i', repository: 'https://github.com/a/b', workflow: 'w' }, /not both/);
  usage({ repository: 'https://example.com/a/b', workflow: 'w' }, /github.com or gitlab.com/);
  usage({ repository: 'http://github.com/a/b', workflow: 'w' }, /plain https/);
  usage({ repository: 'https://github.com/a/b?x=1', workflow: 'w' }, /plain https/);
  usage({ repository: 'https://github.com/a', workflow: 'w' }, /OWNER\/REPO/);
  usage({ repository: 'https://github.com/a/b/c', workflow: 'w' }, /OWNER\/REPO/);
  usage({ repository: 'github.com/a/b', workflow: 'w' }, /URL/);
  usage({ repository: 'https://github.com/a/x/../b', workflow: 'w' }, /OWNER\/REPO/);
  usage({ repository: 'https://github.com/a/%62', workflow: 'w' }, /OWNER\/REPO/);
  usage({ repository: 'https://GitHub.com/a/b', workflow: 'w' }, /OWNER\/REPO/);
  usage({ repository: 'https://github.com/a/b//', workflow: 'w' }, /OWNER\/REPO/);
  usage({ repository: 'https://user@github.com/a/b', workflow: 'w' }, /plain https/);
  usage({ repository: 'https://github.com:443/a/b', workflow: 'w' }, /OWNER\/REPO|plain https/);
  usage({ repository: 'https://github.com/a/b', workflow: '.github/workflows/release.yml' }, /file name/);
  usage({ repository: 'https://github.com/a/b', workflow: 'release.yml@refs/tags/v1' }, /file name/);
});

test('policies are described in one line', () => {
  assert.equal(describePolicy(GH), 'GitHub https://github.com/trailofbits/pypi-attestations workflow release.yml');
  assert.equal(
    describePolicy({ ...GL, environment: 'prod', ref: 'refs/heads/main' }),
    'GitLab https://gitlab.com/facutuesca/gitlab-oidc-project workflow .gitlab-ci.yml (environment prod, ref ' +
      'refs/heads/main)',
  );
  assert.equal(
    describePolicy({ kind: 'identity', identity: 'a@b', issuer: 'https://i' }),
    'identity a@b (issuer https://i)',
  );
});

test('the certificate must match both the claim and the expectation: GitLab and Google too', () => {
  // GitLab
  const glClaim = {
    kind: 'GitLab',
    repository: 'facutuesca/gitlab-oidc-project',
    workflow_filepath: '.gitlab-ci.yml',
    environment: null,
  };
  assert.equal(checkPublishers(GITLAB_SIGNER, { claim: glClaim, expected: GL, where }).pinned, true);
  fails(
    () =>
      checkPublishers(GITLAB_SIGNER, { claim: { ...glClaim, workflow_filepath: 'other.yml' }, expected: GL, where }),
    'PUBLISHER_MISMATCH',
    /build config/,
  );
  fails(
    () =>
      checkPublishers(GITLAB_SIGNER, { claim: glClaim, expected: { ...GL, repository: 'facutuesca/other' }, where }),
    'PUBLISHER_MISMATCH',
    /source repository/,
  );
  // a GitHub expectation naming the same path, against a GitLab claim and certificate
  fails(
    () => checkPublishers(GITLAB_SIGNER, { claim: glClaim, expected: { ...GL, kind: 'github' }, where }),
    'PUBLISHER_MISMATCH',
    /issuer/,
  );
  // a GitHub claim naming the GitLab path, against the GitLab certificate
  fails(
    () =>
      checkPublishers(GITLAB_SIGNER, {
        claim: { kind: 'GitHub', repository: glClaim.repository, workflow: '.gitlab-ci.yml' },
        where,
      }),
    'PUBLISHER_MISMATCH',
    /issuer/,
  );
  // Google
  const sa = withExtensions(
    { ...EMAIL_SIGNER, identity: 'pub@proj.iam.gserviceaccount.com' },
    {},
    'https://accounts.google.com',
  );
  const gClaim = { kind: 'Google', email: 'pub@proj.iam.gserviceaccount.com' };
  const gExpected: PublisherPolicy = { kind: 'google', email: 'pub@proj.iam.gserviceaccount.com' };
  assert.equal(checkPublishers(sa, { claim: gClaim, expected: gExpected, where }).pinned, true);
  assert.equal(
    checkPublishers(sa, {
      claim: gClaim,
      expected: {
        kind: 'identity',
        identity: 'pub@proj.iam.gserviceaccount.com',
        issuer: 'https://accounts.google.com',
      },
      where,
    }).pinned,
    true,
  );
  fails(
    () =>
      checkPublishers(sa, {
        claim: { ...gClaim, email: 'other@proj.iam.gserviceaccount.com' },
        expected: gExpected,
        where,
      }),
    'PUBLISHER_MISMATCH',
    /service account/,
  );
  fails(
    () =>
      checkPublishers(sa, {
        claim: gClaim,
        expected: { kind: 'google', email: 'other@proj.iam.gserviceaccount.com' },
        where,
      }),
    'PUBLISHER_MISMATCH',
    /service account/,
  );
  fails(
    () =>
      checkPublishers(sa, {
        claim: gClaim,
        expected: {
          kind: 'identity',
          identity: 'pub@proj.iam.gserviceaccount.co',
          issuer: 'https://accounts.google.com',
        },
        where,
      }),
    'IDENTITY_MISMATCH',
  );
  // the Google claim holds the e-mail certificate of another issuer to Google's issuer
  fails(
    () => checkPublishers(EMAIL_SIGNER, { claim: { kind: 'Google', email: 'william@yossarian.net' }, where }),
    'PUBLISHER_MISMATCH',
    /issuer/,
  );
});

test('an empty expectation pins nothing: it never matches, not even a certificate without SAN', () => {
  const noSan = withExtensions(
    { ...EMAIL_SIGNER, identity: '', identityType: 'other' },
    {},
    'https://accounts.google.com',
  );
  fails(
    () =>
      checkPublisher(
        { kind: 'google', email: '' },
        withExtensions({ ...EMAIL_SIGNER, identity: '' }, {}, 'https://accounts.google.com'),
        where,
      ),
    'PUBLISHER_MISMATCH',
    /service account ''/,
  );
  fails(
    () => checkPublisher({ kind: 'identity', identity: '', issuer: 'https://accounts.google.com' }, noSan, where),
    'IDENTITY_MISMATCH',
    /must not be empty/,
  );
  fails(
    () =>
      checkPublisher(
        { kind: 'identity', identity: 'william@yossarian.net', issuer: '' },
        withExtensions(EMAIL_SIGNER, {}, ''),
        where,
      ),
    'IDENTITY_MISMATCH',
    /must not be empty/,
  );
  fails(
    () => checkPublisher({ kind: 'identity', identity: 'x', issuer: 'https://accounts.google.com' }, noSan, where),
    'IDENTITY_MISMATCH',
    /names no identity/,
  );
});

test(
  'certificate extensions are compared whole: a longer, slashed or differently cased value is another ' + 'repository',
  () => {
    for (const uri of [
      'https://github.com/trailofbits/pypi-attestations-evil',
      'https://github.com/trailofbits/pypi-attestations/',
      'https://github.com/trailofbits/Pypi-attestations',
      'https://github.com/trailofbits/pypi-attestations.git',
      'https://github.com/trailofbits/pypi-attestations\n',
    ]) {
      fails(
        () => checkPublisher(GH, withExtensions(GITHUB_SIGNER, { sourceRepositoryURI: uri }), where),
        'PUBLISHER_MISMATCH',
        /source repository/,
      );
    }
    // the build config must be exactly REPO/.github/workflows/WORKFLOW@(ref|digest) of the certificate itself
    for (const bc of [
      'https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19/',
      'https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.1',
      'https://github.com/trailofbits/pypi-attestations/' +
        '.github/workflows/release.yml@08802efe1f8e5fec4ad842d6b8ce97656092ee7',
      'https://github.com/trailofbits/pypi-attestations/.github/workflows/sub/release.yml@refs/tags/v0.0.19',
      'https://github.com/trailofbits/pypi-attestations/.github/workflows/Release.yml@refs/tags/v0.0.19',
    ]) {
      fails(
        () => checkPublisher(GH, withExtensions(GITHUB_SIGNER, { buildConfigURI: bc }), where),
        'PUBLISHER_MISMATCH',
        /build config/,
      );
    }
    // GitLab: the project path and the CI file, exactly
    fails(
      () =>
        checkPublisher(
          GL,
          withExtensions(GITLAB_SIGNER, {
            sourceRepositoryURI: 'https://gitlab.com/facutuesca/gitlab-oidc-project/sub',
          }),
          where,
        ),
      'PUBLISHER_MISMATCH',
      /source repository/,
    );
    fails(
      () =>
        checkPublisher(
          GL,
          withExtensions(GITLAB_SIGNER, {
            buildConfigURI: 'https://gitlab.com/facutuesca/gitlab-oidc-project/.gitlab-ci.yml@refs/heads/main',
          }),
          where,
        ),
      'PUBLISHER_MISMATCH',
      /build config/,
    );
  },
);
