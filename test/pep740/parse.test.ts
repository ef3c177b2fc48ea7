import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attestationToBundle, parseAttestation, parseDocument, parseProvenance } from '../../lib/pep740/index.ts';
import { attestationField } from '../../lib/pep740/where.ts';
import { AirlockError } from '../../lib/errors.ts';
import { PYPI, REPO_ROOT } from '../helpers/fixtures.ts';

const load = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(PYPI(name), 'utf8')) as Record<string, unknown>;

function invalid(fn: () => unknown, field: string, re?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AirlockError, String(e));
    assert.equal(e.code, 'SCHEMA_INVALID', e.message);
    assert.equal(e.exitCode, 2);
    assert.equal(e.file, 'x.json');
    assert.equal(e.field, field);
    if (re) assert.match(e.message, re);
    return true;
  });
}

test('every real fixture parses', () => {
  for (const f of [
    'pypi_attestations-0.0.19.tar.gz.publish.attestation',
    'pypi_attestations-0.0.19.tar.gz.slsa.attestation',
    'gitlab_oidc_project-0.0.3.tar.gz.publish.attestation',
    'rfc8785-0.1.2-py3-none-any.whl.publish.attestation',
  ]) {
    assert.equal(parseDocument(load(f), f).kind, 'attestation');
  }
  const p = parseDocument(load('pypi_attestations-0.0.19.tar.gz.provenance'), 'p');
  assert.equal(p.kind, 'provenance');
  assert.equal(p.kind === 'provenance' && p.provenance.attestation_bundles[0]?.publisher.kind, 'GitHub');
});

test('schema failures name the field', () => {
  const a = load('pypi_attestations-0.0.19.tar.gz.publish.attestation');
  const env = a.envelope as Record<string, unknown>;
  const vm = a.verification_material as Record<string, unknown>;
  invalid(() => parseAttestation({ ...a, version: 2 }, 'x.json'), '/version');
  invalid(() => parseAttestation({ ...a, extra: 1 }, 'x.json'), '/', /extra/);
  invalid(
    () => parseAttestation({ ...a, envelope: { ...env, statement: 'not base64!' } }, 'x.json'),
    '/envelope/statement',
    /pattern/,
  );
  invalid(() => parseAttestation({ ...a, envelope: { ...env, signature: 'abc' } }, 'x.json'), '/envelope/signature');
  invalid(() => parseAttestation({ ...a, envelope: { statement: env.statement } }, 'x.json'), '/envelope', /signature/);
  invalid(
    () => parseAttestation({ ...a, verification_material: { ...vm, transparency_entries: [] } }, 'x.json'),
    '/verification_material/transparency_entries',
  );
  invalid(
    () => parseAttestation({ ...a, verification_material: { ...vm, certificate: 42 } }, 'x.json'),
    '/verification_material/certificate',
  );
  const p = load('pypi_attestations-0.0.19.tar.gz.provenance');
  const bundles = p.attestation_bundles as Array<Record<string, unknown>>;
  invalid(
    () =>
      parseProvenance(
        { ...p, attestation_bundles: [{ ...bundles[0], publisher: { kind: 'GitHub', repository: 'a/b' } }] },
        'x.json',
      ),
    '/attestation_bundles/0/publisher',
    /workflow/,
  );
  invalid(
    () =>
      parseProvenance(
        {
          ...p,
          attestation_bundles: [{ ...bundles[0], attestations: [{ ...a, envelope: { ...env, statement: '@@@@' } }] }],
        },
        'x.json',
      ),
    '/attestation_bundles/0/attestations/0/envelope/statement',
  );
  invalid(() => parseDocument([], 'x.json'), '/');
  invalid(() => parseDocument({ version: 3 }, 'x.json'), '/version');
  invalid(() => parseDocument({ version: 1 }, 'x.json'), '/');
  // An empty provenance is well-formed: rejecting it is verification's job (NO_ATTESTATIONS).
  assert.equal(parseProvenance({ version: 1, attestation_bundles: [] }, 'x.json').attestation_bundles.length, 0);
});

test('conversion to a Sigstore bundle v0.3 keeps the served bytes', () => {
  const a = parseAttestation(load('pypi_attestations-0.0.19.tar.gz.publish.attestation'), 'a');
  const b = attestationToBundle(a) as {
    mediaType: string;
    verificationMaterial: Record<string, unknown>;
    dsseEnvelope: Record<string, unknown>;
  };
  assert.equal(b.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
  assert.deepEqual(b.verificationMaterial.certificate, { rawBytes: a.verification_material.certificate });
  assert.equal(b.verificationMaterial.tlogEntries, a.verification_material.transparency_entries);
  assert.deepEqual(b.dsseEnvelope, {
    payload: a.envelope.statement,
    payloadType: 'application/vnd.in-toto+json',
    signatures: [{ sig: a.envelope.signature, keyid: '' }],
  });
});

test('bundle fields map back to attestation fields', () => {
  assert.equal(attestationField('/verificationMaterial/certificate/rawBytes'), '/verification_material/certificate');
  assert.equal(
    attestationField('/verificationMaterial/tlogEntries/0/inclusionProof'),
    '/verification_material/transparency_entries/0/inclusionProof',
  );
  assert.equal(attestationField('/dsseEnvelope/payload'), '/envelope/statement');
  assert.equal(attestationField('/dsseEnvelope/signatures/0/sig'), '/envelope/signature');
  assert.equal(attestationField('/'), undefined);
});

test('the provenance schema repeats the attestation schema definitions exactly', () => {
  const read = (n: string) =>
    JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', n), 'utf8')) as { $defs: Record<string, unknown> };
  const a = read('pep740-attestation.schema.json');
  const p = read('pep740-provenance.schema.json');
  for (const k of Object.keys(a.$defs)) assert.deepEqual(p.$defs[k], a.$defs[k], k);
});
