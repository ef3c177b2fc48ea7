import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  decidePackage,
  identityOf,
  verifyLockedProvenance,
  type VerifiedAttestation,
} from '../../lib/lock/annotate.ts';
import { loadTrustMaterial } from '../../lib/sigstore/index.ts';
import { PYPI } from '../helpers/fixtures.ts';
import { assertCode } from '../helpers/sigstore-assert.ts';
import { PUBLIC_GOOD_ROOT } from '../helpers/sigstore-bundles.ts';

// Which identities a package gets, from the real fixtures' verified
// provenance, each decision changed one fact at a time.

const trust = () => loadTrustMaterial(JSON.parse(readFileSync(PUBLIC_GOOD_ROOT(), 'utf8')), 'trusted_root.json');

function verified(filename: string): VerifiedAttestation[] {
  const sha256 = createHash('sha256')
    .update(readFileSync(PYPI(filename)))
    .digest('hex');
  const prov = readFileSync(PYPI(`${filename}.provenance`));
  return verifyLockedProvenance(prov, `${filename}.provenance`, { filename, sha256 }, trust());
}

const GH_FILE = 'pypi_attestations-0.0.19.tar.gz';
const GL_FILE = 'gitlab_oidc_project-0.0.3.tar.gz';

test('one publisher on every file: annotated with it, as the fixture README names it', () => {
  const gh = verified(GH_FILE);
  assert.deepEqual(decidePackage([{ filename: GH_FILE, attestations: gh }]), {
    outcome: 'annotate',
    identities: [{ kind: 'GitHub', repository: 'trailofbits/pypi-attestations', workflow: 'release.yml' }],
  });
  assert.deepEqual(decidePackage([{ filename: GL_FILE, attestations: verified(GL_FILE) }]), {
    outcome: 'annotate',
    identities: [{ kind: 'GitLab', repository: 'facutuesca/gitlab-oidc-project', workflow_filepath: '.gitlab-ci.yml' }],
  });
});

test('the environment comes from the verified publisher claim, only for the same kind', () => {
  const [a] = verified(GH_FILE);
  const withEnv = { ...a!, publisher: { ...a!.publisher, claimed: { ...a!.publisher.claimed!, environment: 'pypi' } } };
  assert.deepEqual(identityOf(withEnv), {
    kind: 'GitHub',
    repository: 'trailofbits/pypi-attestations',
    workflow: 'release.yml',
    environment: 'pypi',
  });
  const noClaim = { ...a!, publisher: { ...a!.publisher, claimed: null } };
  assert.equal('environment' in identityOf(noClaim), false);
});

test('files with different publishers, a file without provenance, a certificate of no Trusted Publisher: not annotated', () => {
  const gh = verified(GH_FILE);
  const gl = verified(GL_FILE);
  const differ = decidePackage([
    { filename: 'a.tar.gz', attestations: gh },
    { filename: 'a.whl', attestations: gl },
  ]);
  assert.equal(differ.outcome === 'not-annotated' && differ.code, 'LOCK_PUBLISHERS_DIFFER');
  const within = decidePackage([{ filename: 'a.tar.gz', attestations: [...gh, ...gl] }]);
  assert.equal(within.outcome === 'not-annotated' && within.code, 'LOCK_PUBLISHERS_DIFFER');

  const none = decidePackage([{ filename: 'a.tar.gz', attestations: null }]);
  assert.deepEqual(none.outcome === 'not-annotated' && [none.code, none.message], [
    'LOCK_NO_PROVENANCE',
    'no file of it has provenance on the index',
  ]);
  const half = decidePackage([
    { filename: 'a.tar.gz', attestations: gh },
    { filename: 'a.whl', attestations: null },
  ]);
  assert.deepEqual(half.outcome === 'not-annotated' && [half.code, half.message], [
    'LOCK_NO_PROVENANCE',
    'a.whl has no provenance on the index',
  ]);

  const [a] = gh;
  const plain = { ...a!, certificate: { ...a!.certificate, issuer: 'https://issuer.example' } };
  const unsupported = decidePackage([{ filename: 'a.tar.gz', attestations: [plain] }]);
  assert.equal(unsupported.outcome === 'not-annotated' && unsupported.code, 'LOCK_IDENTITY_UNSUPPORTED');
});

test('a provenance that does not verify, or is a bare attestation, throws with its code', () => {
  const sha256 = createHash('sha256')
    .update(readFileSync(PYPI(GH_FILE)))
    .digest('hex');
  const prov = readFileSync(PYPI(`${GH_FILE}.provenance`));
  assertCode(
    () => verifyLockedProvenance(prov, 'p', { filename: GH_FILE, sha256: '0'.repeat(64) }, trust()),
    'DIGEST_MISMATCH',
  );
  const att = readFileSync(PYPI(`${GH_FILE}.publish.attestation`));
  assertCode(() => verifyLockedProvenance(att, 'p', { filename: GH_FILE, sha256 }, trust()), 'SCHEMA_INVALID', '/');
  assertCode(
    () => verifyLockedProvenance(Buffer.from('{'), 'p', { filename: GH_FILE, sha256 }, trust()),
    'MALFORMED_JSON',
  );
});
