import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirlockError } from '../../lib/errors.ts';
import { BUILTIN_POLICY_URI, builtinPolicy, parsePolicy } from '../../lib/policy/index.ts';
import { sha256Hex } from '../../lib/util/digest.ts';

const GOOD = `
[defaults]
require = "attested"

[projects.pypi-attestations]
publishers = [{ kind = "GitHub", repository = "trailofbits/pypi-attestations", workflow = "release.yml" }]

[projects."Gitlab_OIDC.Project"]
publishers = [{ kind = "GitLab", repository = "facutuesca/gitlab-oidc-project", workflow_filepath = ".gitlab-ci.yml" }]

[projects.rfc8785]
require = "hash"
hashes = ["sha256:${'a'.repeat(64)}"]
`;

const enc = (s: string) => new TextEncoder().encode(s);

function invalid(text: string, field: string | RegExp, message?: RegExp): void {
  assert.throws(
    () => parsePolicy(enc(text), 'policy.toml'),
    (e: unknown) => {
      assert.ok(e instanceof AirlockError, String(e));
      assert.equal(e.code, 'POLICY_INVALID', e.message);
      assert.equal(e.exitCode, 2);
      assert.equal(e.file, 'policy.toml');
      if (typeof field === 'string') assert.equal(e.field, field, e.toLine());
      else assert.match(e.field ?? '', field, e.toLine());
      if (message) assert.match(e.message, message);
      return true;
    },
  );
}

test('a good policy: defaults, publishers per project, hashes, names PEP 503-normalised', () => {
  const p = parsePolicy(enc(GOOD), 'policy.toml');
  assert.equal(p.defaults.require, 'attested');
  assert.equal(p.builtin, false);
  assert.equal(p.sha256, sha256Hex(GOOD));
  assert.match(p.uri, /^file:\/\/\/.*policy\.toml$/);
  assert.deepEqual([...p.projects.keys()], ['pypi-attestations', 'gitlab-oidc-project', 'rfc8785']);
  assert.deepEqual(p.projects.get('rfc8785'), { require: 'hash', hashes: ['a'.repeat(64)] });
  assert.deepEqual(p.projects.get('gitlab-oidc-project')?.publishers, [
    { kind: 'GitLab', repository: 'facutuesca/gitlab-oidc-project', workflow_filepath: '.gitlab-ci.yml' },
  ]);
});

test('every publisher kind, with its optional fields', () => {
  const p = parsePolicy(
    enc(`
[defaults]
require = "hash"
publishers = [
  { kind = "GitHub", repository = "o/r", workflow = "release.yml", environment = "pypi" },
  { kind = "GitLab", repository = "group/sub/project", workflow_filepath = "ci/release.yml", environment = "prod", \
issuer = "https://gitlab.example.com" },
  { kind = "Google", email = "builder@project.iam.gserviceaccount.com" },
  { kind = "Identity", identity = "https://ci.example.com/job/release", issuer = "https://ci.example.com" },
]
`),
    'p.toml',
  );
  assert.equal(p.defaults.require, 'hash');
  assert.equal(p.defaults.publishers?.length, 4);
  assert.equal(p.projects.size, 0);
});

test('an empty file is the default policy', () => {
  const p = parsePolicy(enc(''), 'p.toml');
  assert.equal(p.defaults.require, 'attested');
  assert.equal(p.defaults.publishers, undefined);
});

test('the built-in default: documented URI, digest of its text', () => {
  const p = builtinPolicy();
  assert.equal(p.uri, BUILTIN_POLICY_URI);
  assert.equal(p.builtin, true);
  assert.equal(p.defaults.require, 'attested');
  assert.match(p.sha256, /^[0-9a-f]{64}$/);
});

test('one-field mutations of a good policy are refused naming the key', () => {
  invalid(`${GOOD}\n[extra]\nx = 1\n`, '(top level)', /additional properties 'extra'/);
  invalid(GOOD.replace('require = "attested"', 'require = "signed"'), 'defaults.require', /attested, hash/);
  invalid(GOOD.replace('[defaults]', '[defaults]\nlock = "x"'), 'defaults.lock', /pattern/);
  invalid(GOOD.replace('[defaults]', '[defaults]\nlocks = "x"'), 'defaults', /'locks'/);
  invalid(GOOD.replace('require = "hash"', 'require = "hash"\npin = true'), 'projects.rfc8785', /'pin'/);
  invalid(
    GOOD.replace('kind = "GitHub"', 'kind = "Github"'),
    'projects.pypi-attestations.publishers[0].kind',
    /GitHub/,
  );
  invalid(
    GOOD.replace('workflow = "release.yml"', 'workflow = "release.yml", ref = "main"'),
    'projects.pypi-attestations.publishers[0]',
    /'ref'/,
  );
  invalid(
    GOOD.replace('workflow = "release.yml"', 'workflow = ".github/workflows/release.yml"'),
    'projects.pypi-attestations.publishers[0].workflow',
  );
  invalid(
    GOOD.replace('workflow = "release.yml"', 'workflow = "release.yml@main"'),
    'projects.pypi-attestations.publishers[0].workflow',
  );
  invalid(
    GOOD.replace(
      'repository = "trailofbits/pypi-attestations"',
      'repository = "https://github.com/trailofbits/pypi-attestations"',
    ),
    'projects.pypi-attestations.publishers[0].repository',
  );
  invalid(GOOD.replace(', workflow = "release.yml"', ''), 'projects.pypi-attestations.publishers[0]', /workflow/);
  invalid(GOOD.replace('workflow_filepath', 'workflow'), 'projects."Gitlab_OIDC.Project".publishers[0]');
  invalid(GOOD.replace(`sha256:${'a'.repeat(64)}`, `sha256:${'A'.repeat(64)}`), 'projects.rfc8785.hashes[0]');
  invalid(GOOD.replace(`sha256:${'a'.repeat(64)}`, `sha512:${'a'.repeat(64)}`), 'projects.rfc8785.hashes[0]');
  invalid(GOOD.replace(`sha256:${'a'.repeat(64)}`, `sha256:${'a'.repeat(63)}`), 'projects.rfc8785.hashes[0]');
  invalid(GOOD.replace(`hashes = ["sha256:${'a'.repeat(64)}"]`, 'hashes = []'), 'projects.rfc8785.hashes');
  invalid(
    GOOD.replace(`hashes = ["sha256:${'a'.repeat(64)}"]`, ''),
    'projects.rfc8785.require',
    /needs the allowed digests/,
  );
  invalid(
    GOOD.replace('publishers = [{ kind = "GitHub"', 'publishers = [{ kind = "GitHub", environment = ""'),
    'projects.pypi-attestations.publishers[0].environment',
  );
  invalid(GOOD.replace('[projects.rfc8785]', '[projects."rfc 8785"]'), /projects/);
  invalid(
    `${GOOD}\n[projects.PyPI_Attestations]\nrequire = "attested"\n`,
    'projects.PyPI_Attestations',
    /same project as projects.pypi-attestations/,
  );
  invalid('[projects.x]\npublishers = [{ kind = "Google", email = "nobody" }]', 'projects.x.publishers[0].email');
  invalid('[projects.x]\npublishers = [{ kind = "Identity", identity = "a" }]', 'projects.x.publishers[0]', /issuer/);
  invalid(
    '[projects.x]\npublishers = [{ kind = "GitLab", repository = "a/b", workflow_filepath = "x", issuer = ' +
      '"http://gitlab.example.com" }]',
    'projects.x.publishers[0].issuer',
  );
  invalid('[projects.x]\npublishers = []', 'projects.x.publishers');
  invalid('[projects.x]\npublishers = [{ repository = "a/b" }]', 'projects.x.publishers[0]', /kind/);
  invalid('[defaults]\nrequire = 1', 'defaults.require');
});

test('ActiveState is refused with the reason, not as an unknown kind', () => {
  invalid(
    '[projects.x]\npublishers = [{ kind = "ActiveState", organization = "o", project = "p" }]',
    'projects.x.publishers[0]',
    /PyPI defines no attestation identity for ActiveState/,
  );
  invalid('[defaults]\npublishers = [{ kind = "ActiveState" }]', 'defaults.publishers[0]', /ActiveState/);
});

test('not TOML, not UTF-8: POLICY_INVALID with the line', () => {
  invalid('[defaults\nrequire = "hash"', /^line \d+$/, /not valid TOML/);
  invalid('[defaults]\nrequire = "hash"\nrequire = "attested"\n', /^line \d+$/);
  assert.throws(
    () => parsePolicy(new Uint8Array([0x5b, 0xff, 0x5d]), 'p.toml'),
    (e: unknown) => e instanceof AirlockError && e.code === 'POLICY_INVALID' && /UTF-8/.test(e.message),
  );
  // TOML dates are not strings.
  invalid('[projects.x]\npublishers = [{ kind = "Google", email = 1979-05-27 }]', 'projects.x.publishers[0].email');
});

test('signers: PEM public keys (Ed25519, P-256); anything else is POLICY_INVALID naming signers[i]', async () => {
  const { generateKeyPairSync } = await import('node:crypto');
  const ed = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = (k: import('node:crypto').KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();
  const p = parsePolicy(enc(`signers = ["""\n${pem(ed.publicKey)}"""]\n`), 'policy.toml');
  assert.equal(p.signers.length, 1);
  assert.match(p.signers[0]!.keyid, /^[0-9a-f]{64}$/);
  invalid(
    `signers = ["""\n${pem(ed.publicKey)}""", """\n${pem(rsa.publicKey)}"""]\n`,
    'signers[1]',
    /use Ed25519 or ECDSA P-256/,
  );
  invalid(
    'signers = ["-----BEGIN PUBLIC KEY-----\\nnot base64\\n-----END PUBLIC KEY-----"]',
    'signers[0]',
    /not a PEM public key/,
  );
  invalid('signers = ["ssh-ed25519 AAAA"]', 'signers[0]', /pattern/);
  invalid('signers = []', 'signers');
  invalid('[defaults]\nsigners = ["x"]', 'defaults', /'signers'/);
});
