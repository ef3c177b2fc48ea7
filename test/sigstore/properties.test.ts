import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { attestationToBundle, parseAttestation, parseDocument, parseProvenance } from '../../lib/pep740/index.ts';
import { loadTrustMaterial, parseBundle } from '../../lib/sigstore/index.ts';
import { PYPI } from '../helpers/fixtures.ts';
import { RUNS, mutate, mutationOf, returnsOrCoded } from '../helpers/json-mutations.ts';
import { PUBLIC_GOOD_ROOT, REAL, STAGING_ROOT } from '../helpers/sigstore-bundles.ts';

// For arbitrary JSON, arbitrary bytes and one-step mutations of the real
// fixtures, the Sigstore and PEP 740 parsers return a value or throw a coded
// AirlockError, quickly: never a TypeError, a RangeError or a hang.

const json = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as unknown;
const ROOTS = [json(PUBLIC_GOOD_ROOT()), json(STAGING_ROOT())];
const ATTESTATIONS = Object.values(REAL).map((r) => json(PYPI(r.file)));
const BUNDLES = ATTESTATIONS.map((a) => attestationToBundle(parseAttestation(a, 'a')));
const PROVENANCE = json(PYPI('pypi_attestations-0.0.19.tar.gz.provenance'));
const TIMEOUT = { timeout: 120_000 };

const bundle = (v: unknown) => returnsOrCoded(() => parseBundle(v, 'b.json'));
const root = (v: unknown) => returnsOrCoded(() => loadTrustMaterial(v, 'root.json'));
const pep740 = (v: unknown) => {
  returnsOrCoded(() => parseAttestation(v, 'a.json'));
  returnsOrCoded(() => parseProvenance(v, 'p.json'));
  returnsOrCoded(() => parseDocument(v, 'd.json'));
};

describe('arbitrary input', () => {
  it('arbitrary JSON values', TIMEOUT, () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        bundle(v);
        root(v);
        pep740(v);
      }),
      RUNS,
    );
  });

  it('arbitrary bytes and text, as a bundle or a trusted root', TIMEOUT, () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 512 }), fc.string({ maxLength: 512 }), fc.json()), (v) => {
        bundle(v);
        root(v);
      }),
      RUNS,
    );
  });

  it('objects shaped like the messages, with arbitrary values', TIMEOUT, () => {
    const keys = fc.constantFrom(
      'mediaType',
      'verificationMaterial',
      'dsseEnvelope',
      'messageSignature',
      'tlogs',
      'certificateAuthorities',
      'validFor',
      'certificate',
      'rawBytes',
      'version',
      'verification_material',
      'envelope',
      'attestation_bundles',
    );
    const shaped = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 1 }),
        fc.dictionary(keys, tie('node'), { maxKeys: 4 }),
        fc.array(tie('node'), { maxLength: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(shaped, (v) => {
        bundle(v);
        root(v);
        pep740(v);
      }),
      RUNS,
    );
  });
});

describe('one-step mutations of the real fixtures', () => {
  for (const [i, b] of BUNDLES.entries()) {
    it(`bundle ${i} (parseBundle)`, TIMEOUT, () => {
      fc.assert(
        fc.property(mutationOf(b), (m) => bundle(mutate(b, m))),
        RUNS,
      );
    });
  }

  for (const [i, r] of ROOTS.entries()) {
    it(`trusted root ${i} (loadTrustMaterial)`, TIMEOUT, () => {
      fc.assert(
        fc.property(mutationOf(r), (m) => root(mutate(r, m))),
        RUNS,
      );
    });
  }

  it('attestations (parseAttestation, parseDocument)', TIMEOUT, () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ATTESTATIONS).chain((a) => mutationOf(a).map((m) => mutate(a, m))),
        pep740,
      ),
      RUNS,
    );
  });

  it('provenance (parseProvenance, parseDocument)', TIMEOUT, () => {
    fc.assert(
      fc.property(mutationOf(PROVENANCE), (m) => pep740(mutate(PROVENANCE, m))),
      RUNS,
    );
  });

  it('the bundle of a mutated attestation (attestationToBundle then parseBundle)', TIMEOUT, () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ATTESTATIONS).chain((a) => mutationOf(a).map((m) => mutate(a, m))),
        (a) => {
          let att: ReturnType<typeof parseAttestation>;
          try {
            att = parseAttestation(a, 'a.json');
          } catch {
            return; // refused already, with a code (checked above)
          }
          bundle(attestationToBundle(att));
        },
      ),
      RUNS,
    );
  });
});
