import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, verify as cryptoVerify } from 'node:crypto';
import { AirlockError } from '../../lib/errors.ts';
import { builtinPolicy, BUILTIN_POLICY_URI } from '../../lib/policy/index.ts';
import { validateSchema } from '../../lib/schemas.ts';
import {
  LEVEL_ATTESTED,
  LEVEL_HASH,
  VSA_PREDICATE_TYPE,
  buildVsa,
  keyIdOf,
  pypiPurl,
  signVsa,
  verifyVsaEnvelope,
  vsaFileName,
  type VsaInput,
} from '../../lib/verify/vsa.ts';

const SHA = 'c'.repeat(64);
const PROV_SHA = 'd'.repeat(64);
const POLICY = { uri: 'file:///etc/airlock/policy.toml', sha256: 'e'.repeat(64) };

const ATTESTED: VsaInput = {
  report: { now: '2026-08-22T00:00:00.000Z', nowSource: '--now', tool: { name: 'airlock', version: '0.1.0' } },
  file: {
    project: 'PyPI_Attestations',
    version: '0.0.19',
    filename: 'pypi_attestations-0.0.19.tar.gz',
    sha256: SHA,
    verdict: 'accepted',
    admittedBy: 'attestation',
    decidedBy: ['policy:projects.pypi-attestations', 'pin'],
    publisher: { kind: 'GitHub', repository: 'trailofbits/pypi-attestations', workflow: 'release.yml' },
    provenanceMember: 'packages/pypi-attestations/pypi_attestations-0.0.19.tar.gz.provenance',
  },
  policy: POLICY,
  inputAttestations: [
    { uri: 'packages/pypi-attestations/pypi_attestations-0.0.19.tar.gz.provenance', sha256: PROV_SHA },
  ],
};

const HASHED: VsaInput = {
  report: { ...ATTESTED.report, nowSource: 'clock' },
  file: {
    project: 'rfc8785',
    version: '0.1.2',
    filename: 'rfc8785-0.1.2-py3-none-any.whl',
    sha256: SHA,
    verdict: 'accepted',
    admittedBy: 'hash',
    decidedBy: ['policy:projects.rfc8785'],
  },
  policy: POLICY,
};

test('a VSA for a file admitted by attestation: complete as SLSA VSA v1 requires, valid against its schema', () => {
  const s = buildVsa(ATTESTED);
  validateSchema('vsa', s, 'vsa');
  assert.equal(s._type, 'https://in-toto.io/Statement/v1');
  assert.equal(s.predicateType, VSA_PREDICATE_TYPE);
  assert.deepEqual(s.subject, [{ name: 'pypi_attestations-0.0.19.tar.gz', digest: { sha256: SHA } }]);
  const p = s.predicate;
  assert.match(p.verifier.id, /^urn:airlock:/);
  assert.deepEqual(p.verifier.version, { airlock: '0.1.0' });
  assert.equal(p.timeVerified, '2026-08-22T00:00:00.000Z');
  assert.equal(p.resourceUri, 'pkg:pypi/pypi-attestations@0.0.19?file_name=pypi_attestations-0.0.19.tar.gz');
  assert.deepEqual(p.policy, { uri: POLICY.uri, digest: { sha256: POLICY.sha256 } });
  assert.deepEqual(p.inputAttestations, [{ uri: ATTESTED.inputAttestations![0]!.uri, digest: { sha256: PROV_SHA } }]);
  assert.equal(p.verificationResult, 'PASSED');
  assert.deepEqual(p.verifiedLevels, [LEVEL_ATTESTED]);
  for (const l of p.verifiedLevels) assert.ok(!l.startsWith('SLSA_'), 'custom levels must not start with SLSA_');
  assert.equal(p['urn:airlock:vsa:timeSource'], '--now');
  assert.deepEqual(p['urn:airlock:vsa:decidedBy'], ['policy:projects.pypi-attestations', 'pin']);
  assert.equal(vsaFileName('a.whl'), 'a.whl.vsa.json');
});

test('a VSA for a file admitted by hash: its own level, no input attestation; the built-in policy URI', () => {
  const b = builtinPolicy();
  const s = buildVsa({ ...HASHED, policy: b });
  validateSchema('vsa', s, 'vsa');
  assert.deepEqual(s.predicate.verifiedLevels, [LEVEL_HASH]);
  assert.equal(s.predicate.inputAttestations, undefined);
  assert.equal(s.predicate.policy.uri, BUILTIN_POLICY_URI);
  assert.equal(s.predicate['urn:airlock:vsa:timeSource'], 'clock');
  assert.notEqual(LEVEL_HASH, LEVEL_ATTESTED);
});

test('the schema refuses one-field mutations of a good VSA', () => {
  const good = buildVsa(ATTESTED);
  const mutate = (f: (s: ReturnType<typeof JSON.parse>) => void) => {
    const s = JSON.parse(JSON.stringify(good));
    f(s);
    assert.throws(
      () => validateSchema('vsa', s, 'vsa'),
      (e: unknown) => e instanceof AirlockError && e.code === 'SCHEMA_INVALID',
    );
  };
  mutate((s) => (s.predicateType = 'https://slsa.dev/verification_summary/v0.2'));
  mutate((s) => (s.predicate.verificationResult = 'FAILED'));
  mutate((s) => (s.predicate.verifiedLevels = ['SLSA_BUILD_LEVEL_3']));
  mutate((s) => delete s.predicate.policy.uri);
  mutate((s) => delete s.predicate.inputAttestations);
  mutate((s) => delete s.predicate.verifier);
  mutate((s) => (s.predicate.resourceUri = 'https://pypi.org/project/x'));
  mutate((s) => (s.subject[0].digest.sha256 = 'C'.repeat(64)));
  mutate((s) => (s.predicate.timeVerified = '2026-08-22'));
});

test('pkg:pypi purls: PEP 503 name, version and file name percent-encoded', () => {
  assert.equal(
    pypiPurl('Foo.Bar_baz', '1.0+local.1', 'Foo.Bar_baz-1.0+local.1.tar.gz'),
    'pkg:pypi/foo-bar-baz@1.0%2Blocal.1?file_name=Foo.Bar_baz-1.0%2Blocal.1.tar.gz',
  );
});

test('no VSA for a file not accepted, nor for an attested file without its input attestations', () => {
  assert.throws(() => buildVsa({ ...ATTESTED, file: { ...ATTESTED.file, verdict: 'refused' } }), /not accepted/);
  const { inputAttestations: _i, ...bare } = ATTESTED;
  assert.throws(() => buildVsa(bare), /no input attestation/);
});

for (const [name, gen] of [
  ['Ed25519', () => generateKeyPairSync('ed25519')],
  ['ECDSA P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
] as const) {
  test(`signVsa with ${name}: a DSSE envelope whose signature over the PAE verifies with the public key`, () => {
    const { privateKey, publicKey } = gen();
    const statement = buildVsa(ATTESTED);
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const env = signVsa(statement, pem);
    assert.equal(env.payloadType, 'application/vnd.in-toto+json');
    assert.equal(env.signatures.length, 1);
    assert.equal(
      env.signatures[0]!.keyid,
      createHash('sha256')
        .update(publicKey.export({ type: 'spki', format: 'der' }))
        .digest('hex'),
    );
    assert.equal(keyIdOf(publicKey), env.signatures[0]!.keyid);
    // The PAE written out by hand from the DSSE specification, checked with node:crypto directly.
    const body = Buffer.from(env.payload, 'base64');
    const pae = Buffer.concat([
      Buffer.from(`DSSEv1 ${env.payloadType.length} ${env.payloadType} ${body.length} `),
      body,
    ]);
    const alg = name === 'Ed25519' ? null : 'sha256';
    assert.ok(cryptoVerify(alg, pae, publicKey, Buffer.from(env.signatures[0]!.sig, 'base64')));
    assert.deepEqual(verifyVsaEnvelope(env, publicKey.export({ type: 'spki', format: 'pem' }).toString()), statement);
    validateSchema('vsa', JSON.parse(body.toString('utf8')), 'vsa');
    // Another payload, type or key: no longer verifies.
    const other = Buffer.from(JSON.stringify({ ...statement, subject: [{ name: 'x', digest: { sha256: SHA } }] }));
    assert.throws(() => verifyVsaEnvelope({ ...env, payload: other.toString('base64') }, publicKey));
    assert.throws(() => verifyVsaEnvelope({ ...env, payloadType: 'application/json' }, publicKey));
    assert.throws(() => verifyVsaEnvelope(env, gen().publicKey));
  });
}

test('signVsa refuses keys it cannot sign with: VSA_KEY_INVALID', () => {
  const statement = buildVsa(ATTESTED);
  const refuses = (key: Parameters<typeof signVsa>[1], message: RegExp) =>
    assert.throws(
      () => signVsa(statement, key),
      (e: unknown) => e instanceof AirlockError && e.code === 'VSA_KEY_INVALID' && message.test(e.message),
    );
  refuses(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, /rsa.*Ed25519 or ECDSA P-256/);
  refuses(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey, /secp384r1/);
  refuses(generateKeyPairSync('ed25519').publicKey, /private key/);
  refuses('-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n', /not a PEM private key/);
  refuses(new TextEncoder().encode('not a key'), /not a PEM private key/);
});
