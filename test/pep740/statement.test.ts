import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStatement, PYPI_PUBLISH_V1, SLSA_PROVENANCE_V1 } from '../../lib/pep740/index.ts';
import { AirlockError } from '../../lib/errors.ts';

const SHA = '9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3';
const DIST = { filename: 'pypi_attestations-0.0.19.tar.gz', sha256: SHA };
const TYPE = 'application/vnd.in-toto+json';
const where = { file: 'a.attestation' };

function stmt(over: Record<string, unknown> = {}): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'pypi_attestations-0.0.19.tar.gz', digest: { sha256: SHA } }],
      predicateType: PYPI_PUBLISH_V1,
      predicate: null,
      ...over,
    }),
  );
}

function fails(fn: () => unknown, code: string, re?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AirlockError, String(e));
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    assert.equal(e.file, 'a.attestation');
    return true;
  });
}

test('a well-formed statement about the file passes, for both predicate types', () => {
  assert.deepEqual(checkStatement(TYPE, stmt(), DIST, where), {
    predicateType: PYPI_PUBLISH_V1,
    subject: { name: DIST.filename, sha256: SHA },
  });
  assert.equal(
    checkStatement(TYPE, stmt({ predicateType: SLSA_PROVENANCE_V1 }), DIST, where).predicateType,
    SLSA_PROVENANCE_V1,
  );
});

test('statement type: payload type, JSON, _type', () => {
  fails(() => checkStatement('application/json', stmt(), DIST, where), 'STATEMENT_TYPE', /payload type/);
  fails(() => checkStatement(TYPE, new TextEncoder().encode('not json'), DIST, where), 'STATEMENT_TYPE', /JSON/);
  fails(() => checkStatement(TYPE, new Uint8Array([0xff, 0xfe]), DIST, where), 'STATEMENT_TYPE');
  fails(() => checkStatement(TYPE, new TextEncoder().encode('[1]'), DIST, where), 'STATEMENT_TYPE', /object/);
  fails(
    () => checkStatement(TYPE, stmt({ _type: 'https://in-toto.io/Statement/v0.1' }), DIST, where),
    'STATEMENT_TYPE',
    /_type/,
  );
  fails(() => checkStatement(TYPE, stmt({ _type: undefined }), DIST, where), 'STATEMENT_TYPE');
});

test('subject: exactly one, named as the file', () => {
  const s = { name: 'pypi_attestations-0.0.19.tar.gz', digest: { sha256: SHA } };
  fails(() => checkStatement(TYPE, stmt({ subject: [s, s] }), DIST, where), 'SUBJECT_NAME', /exactly one/);
  fails(() => checkStatement(TYPE, stmt({ subject: [] }), DIST, where), 'SUBJECT_NAME', /exactly one/);
  fails(() => checkStatement(TYPE, stmt({ subject: undefined }), DIST, where), 'SUBJECT_NAME');
  fails(
    () => checkStatement(TYPE, stmt({ subject: [{ digest: { sha256: SHA } }] }), DIST, where),
    'SUBJECT_NAME',
    /no name/,
  );
  fails(
    () => checkStatement(TYPE, stmt({ subject: [{ ...s, name: 'pypi_attestations-0.0.18.tar.gz' }] }), DIST, where),
    'SUBJECT_NAME',
    /0\.0\.18/,
  );
  fails(
    () => checkStatement(TYPE, stmt({ subject: [{ ...s, name: 'pypi_attestations-0.0.19.zip' }] }), DIST, where),
    'SUBJECT_NAME',
  );
  fails(
    () => checkStatement(TYPE, stmt({ subject: [{ ...s, name: 'other-0.0.19.tar.gz' }] }), DIST, where),
    'SUBJECT_NAME',
  );
  fails(
    () => checkStatement(TYPE, stmt({ subject: [{ ...s, name: 'garbage' }] }), DIST, where),
    'SUBJECT_NAME',
    /not a distribution/,
  );
});

test('subject names compare as pypi-attestations normalises them', () => {
  const sha = SHA;
  const ok = (subject: string, file: string) =>
    checkStatement(
      TYPE,
      stmt({ subject: [{ name: subject, digest: { sha256: sha } }] }),
      { filename: file, sha256: sha },
      where,
    );
  const no = (subject: string, file: string) => fails(() => ok(subject, file), 'SUBJECT_NAME');
  ok('Foo.Bar-1.0.tar.gz', 'foo_bar-1.0.tar.gz');
  ok('foo_bar-1.0.tar.gz', 'Foo.Bar-1.0.tar.gz');
  ok('foo-bar-1.00.tar.gz', 'foo_bar-1.0.tar.gz');
  ok('foo-1.0-py3.py2-none-any.whl', 'foo-1.0-py2.py3-none-any.whl');
  ok('FOO-1.0-py3-none-any.whl', 'foo-1.0-py3-none-any.whl');
  no('foo_bar-1.0.1.tar.gz', 'foo_bar-1.0.tar.gz');
  no('foo-1.0-py3-none-any.whl', 'foo-1.0-py2.py3-none-any.whl');
  no('foo-1.0-cp310-cp310-linux_x86_64.whl', 'foo-1.0-cp311-cp311-linux_x86_64.whl');
  no('foo-1.0-1-py3-none-any.whl', 'foo-1.0-py3-none-any.whl');
  no('foo-1.0-py3-none-any.whl', 'foo-1.0.tar.gz');
});

test('subject digest: exactly the file sha256 in lower-case hex', () => {
  const s = { name: 'pypi_attestations-0.0.19.tar.gz' };
  fails(
    () => checkStatement(TYPE, stmt({ subject: [{ ...s, digest: { sha256: SHA.toUpperCase() } }] }), DIST, where),
    'DIGEST_MISMATCH',
  );
  fails(
    () => checkStatement(TYPE, stmt({ subject: [{ ...s, digest: { sha256: SHA.replace(/^9/, '8') } }] }), DIST, where),
    'DIGEST_MISMATCH',
  );
  fails(
    () => checkStatement(TYPE, stmt({ subject: [{ ...s, digest: { sha512: SHA } }] }), DIST, where),
    'DIGEST_MISMATCH',
    /\(none\)/,
  );
  fails(() => checkStatement(TYPE, stmt({ subject: [{ ...s }] }), DIST, where), 'DIGEST_MISMATCH');
  fails(() => checkStatement(TYPE, stmt(), { ...DIST, sha256: '0'.repeat(64) }, where), 'DIGEST_MISMATCH');
});

test('predicate type: PyPI publish v1 or SLSA provenance v1 only', () => {
  fails(
    () => checkStatement(TYPE, stmt({ predicateType: 'https://slsa.dev/provenance/v0.2' }), DIST, where),
    'PREDICATE_TYPE',
  );
  fails(
    () => checkStatement(TYPE, stmt({ predicateType: 'https://docs.pypi.org/attestations/publish/v1/' }), DIST, where),
    'PREDICATE_TYPE',
  );
  fails(() => checkStatement(TYPE, stmt({ predicateType: undefined }), DIST, where), 'PREDICATE_TYPE');
});

test('subject digest: lower-case hex on both sides, whatever case the caller gives the file digest', () => {
  const s = { name: 'pypi_attestations-0.0.19.tar.gz' };
  const upper = { ...DIST, sha256: SHA.toUpperCase() };
  // An upper-case file digest (a caller's mistake) must not make an upper-case subject digest pass.
  fails(
    () => checkStatement(TYPE, stmt({ subject: [{ ...s, digest: { sha256: SHA.toUpperCase() } }] }), upper, where),
    'DIGEST_MISMATCH',
    /subject sha256 is 9BB1ADD0/,
  );
  // Nor a prefixed one, given prefixed.
  fails(
    () =>
      checkStatement(
        TYPE,
        stmt({ subject: [{ ...s, digest: { sha256: `sha256:${SHA}` } }] }),
        { ...DIST, sha256: `sha256:${SHA}` },
        where,
      ),
    'DIGEST_MISMATCH',
    /subject sha256 is sha256:9bb1/,
  );
  fails(
    () => checkStatement(TYPE, stmt({ subject: [{ ...s, digest: { sha256: `sha256:${SHA}` } }] }), DIST, where),
    'DIGEST_MISMATCH',
  );
  fails(
    () => checkStatement(TYPE, stmt({ subject: [{ ...s, digest: { sha256: ` ${SHA}` } }] }), DIST, where),
    'DIGEST_MISMATCH',
  );
});
