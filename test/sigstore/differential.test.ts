import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { bundleFromJSON } from '@sigstore/bundle';
import { Verifier, toSignedEntity } from '@sigstore/verify';
import fc from 'fast-check';
import { AirlockError } from '../../lib/errors.ts';
import {
  loadTrustMaterial,
  parseBundle,
  verifyBundle,
  withPublicKey,
  type SigstoreTrust,
} from '../../lib/sigstore/index.ts';
import { PYPI } from '../helpers/fixtures.ts';
import {
  PUBLIC_GOOD_ROOT,
  STAGING_ROOT,
  attestationToBundle,
  type PypiAttestation,
} from '../helpers/sigstore-bundles.ts';
import { createSigstoreInstance, type SigstoreTestInstance } from '../helpers/sigstore-fixtures.ts';
import type { Json } from '../helpers/loose-json.ts';

// airlock's verifier (lib/sigstore, each check once) against @sigstore/verify's
// Verifier, the reference, used here as an oracle with every entry, one SCT
// and one timestamp required (what airlock requires). Both run on every real
// attestation, every kind of bundle the generated Sigstore makes, and random
// mutations of them; they must reach the same verdict. airlock may refuse
// where the oracle accepts only for the reasons in STRICTER; it must never
// accept what the oracle refuses.

type Verdict = { ok: true } | { ok: false; code: string; field?: string; message: string };

interface Case {
  name: string;
  bundle: Json;
  trust: SigstoreTrust;
  artifact?: Buffer;
}

/** Where airlock is deliberately stricter than the oracle: the code and field it refuses with, and why. */
const STRICTER: Array<{ code: string; field?: RegExp; why: string }> = [
  {
    code: 'TLOG_PROOF',
    field: /\/inclusionProof$/,
    why: "the proof's own rootHash/treeSize must equal its signed checkpoint (the library reads only the checkpoint)",
  },
  {
    code: 'TLOG_BODY_MISMATCH',
    field: /\/canonicalizedBody$/,
    why: 'the entry body must name the bundle certificate or key (the library compares signature and digest only)',
  },
  {
    code: 'BUNDLE_MALFORMED',
    why:
      "the bundle schema and one reading of every field (the library's parser ignores or defaults what it does " +
      'not read)',
  },
  {
    code: 'BUNDLE_UNSUPPORTED',
    why: 'media types and versions airlock does not support are refused before any check',
  },
  {
    code: 'TLOG_MISSING',
    field: /\/logId$/,
    why:
      'a log must be trusted at every trusted time, also for entries without a SET (the library checks keys only ' +
      'when it proves inclusion)',
  },
  {
    code: 'TLOG_SET',
    field: /\/integratedTime$/,
    why:
      'a SET over integrated time 0 is refused outright (the library believes a 1970 time, then fails the ' +
      'certificate)',
  },
  {
    code: 'CERT_CHAIN',
    why: 'a signing certificate that is itself a CA, or with an unknown signature algorithm, is refused',
  },
];

function oracle(c: Case): boolean {
  try {
    const b = bundleFromJSON(c.bundle);
    const entity = toSignedEntity(b, c.artifact);
    const cert = b.verificationMaterial.content.$case !== 'publicKey';
    new Verifier(c.trust.material, {
      tlogThreshold: Math.max(1, b.verificationMaterial.tlogEntries.length),
      ctlogThreshold: cert ? 1 : 0,
      timestampThreshold: 1,
    }).verify(entity);
    return true;
  } catch {
    return false;
  }
}

function airlock(c: Case): Verdict {
  try {
    verifyBundle(parseBundle(c.bundle, 'b.json'), c.trust, {
      file: 'b.json',
      ...(c.artifact ? { artifact: { bytes: c.artifact } } : {}),
    });
    return { ok: true };
  } catch (e) {
    // Anything but a coded error is a crash: the test fails with it.
    if (!(e instanceof AirlockError)) throw e;
    return { ok: false, code: e.code, ...(e.field === undefined ? {} : { field: e.field }), message: e.message };
  }
}

/** undefined when both agree (or airlock is stricter for a listed reason); otherwise what is wrong. */
function disagreement(c: Case): string | undefined {
  const lib = oracle(c);
  const ours = airlock(c);
  if (ours.ok === lib) return undefined;
  if (ours.ok) return `${c.name}: airlock accepts what @sigstore/verify refuses`;
  const listed = STRICTER.find((s) => s.code === ours.code && (!s.field || s.field.test(ours.field ?? '')));
  if (listed) return undefined;
  return (
    `${c.name}: airlock refuses (${ours.code} at ${ours.field}: ${ours.message}) what @sigstore/verify ` +
    `accepts, for no listed reason`
  );
}

function realCases(roots: SigstoreTrust[]): Case[] {
  const out: Case[] = [];
  const dir = PYPI('.');
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.attestation') && !f.endsWith('.provenance')) continue;
    const json = JSON.parse(readFileSync(PYPI(f), 'utf8'));
    const atts: PypiAttestation[] = f.endsWith('.attestation')
      ? [json]
      : json.attestation_bundles.flatMap((b: { attestations: PypiAttestation[] }) => b.attestations);
    atts.forEach((a, i) => {
      for (const trust of roots)
        out.push({ name: `${f}#${i} with ${trust.file}`, bundle: attestationToBundle(a), trust });
    });
  }
  return out;
}

const STATEMENT = JSON.stringify({
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: 'a.whl', digest: { sha256: '1'.repeat(64) } }],
  predicateType: 'https://docs.pypi.org/attestations/publish/v1',
  predicate: null,
});
const ARTIFACT = Buffer.from('the artifact bytes\n');

async function generatedCases(inst: SigstoreTestInstance): Promise<Case[]> {
  const trust = loadTrustMaterial(inst.trustedRoot(), 'generated-root.json');
  const keyed = withPublicKey(trust, inst.publicKeyPem, 'key.pem');
  const later = new Date(inst.time.getTime() + 20 * 60_000);
  const dsse = (name: string, opts: Parameters<SigstoreTestInstance['signDsse']>[1] = {}, t = trust) =>
    inst.signDsse(STATEMENT, opts).then((bundle): Case => ({ name, bundle, trust: t }));
  const msg = (name: string, opts: Parameters<SigstoreTestInstance['signMessage']>[1] = {}, t = trust) =>
    inst.signMessage(ARTIFACT, opts).then((bundle): Case => ({ name, bundle, trust: t, artifact: ARTIFACT }));
  return Promise.all([
    dsse('dsse rekor v1'),
    dsse('dsse rekor v2 + tsa', { logs: ['v2'] }),
    dsse('dsse rekor v1 + v2', { logs: ['v1', 'v2'] }),
    dsse('dsse v1 without SET', { set: false }),
    dsse('dsse v1 without SET, with tsa', { set: false, tsa: 'trusted' }),
    dsse('dsse v1 + tsa', { tsa: 'trusted' }),
    dsse('dsse v2, untrusted tsa', { logs: ['v2'], tsa: 'untrusted' }),
    dsse('dsse v2 without tsa', { logs: ['v2'], tsa: 'none' }),
    dsse('dsse without SCT', { sct: false }),
    dsse('dsse integrated time after the certificate', { integratedTime: later }),
    dsse('dsse key-signed', { keyOnly: true }, keyed),
    dsse('dsse key-signed, no key given', { keyOnly: true }),
    msg('message rekor v1'),
    msg('message rekor v2 + tsa', { logs: ['v2'] }),
    msg('message key-signed', { keyOnly: true }, keyed),
  ]);
}

// --- mutations ---------------------------------------------------------------

type Path = (string | number)[];

function leaves(o: unknown, path: Path = []): Path[] {
  if (Array.isArray(o)) return o.flatMap((v, i) => leaves(v, [...path, i]));
  if (o !== null && typeof o === 'object') return Object.entries(o).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [path];
}

function getAt(o: unknown, p: Path): unknown {
  return p.reduce<unknown>((acc, k) => (acc as Record<string | number, unknown> | undefined)?.[k], o);
}

function setAt(o: unknown, p: Path, v: unknown): void {
  const parent = getAt(o, p.slice(0, -1)) as Record<string | number, unknown>;
  const k = p[p.length - 1]!;
  if (v === undefined) {
    if (Array.isArray(parent)) parent.splice(k as number, 1);
    else delete parent[k];
  } else parent[k] = v;
}

const B64 = /^[A-Za-z0-9+/]{8,}={0,2}$/;

/** One change to a leaf value: a bit flipped in base64 data, a number moved, a value replaced or removed. */
function mutateLeaf(v: unknown, pick: number, bit: number): unknown {
  if (typeof v === 'string' && B64.test(v) && pick % 4 !== 3) {
    const b = Buffer.from(v, 'base64');
    if (b.length === 0) return undefined;
    b[pick % b.length]! ^= 1 << (bit % 8);
    return b.toString('base64');
  }
  if (typeof v === 'string' && /^\d+$/.test(v)) return String(BigInt(v) + BigInt((pick % 7) - 3 || 1));
  if (typeof v === 'number') return v + ((pick % 7) - 3 || 1);
  if (pick % 4 === 3) return undefined;
  return typeof v === 'string' ? `${v}x` : 'x';
}

function structural(b: Json, kind: number): Json {
  const vm = b.verificationMaterial;
  switch (kind) {
    case 0: // the same entry twice
      vm.tlogEntries = [...vm.tlogEntries, structuredClone(vm.tlogEntries[0])];
      break;
    case 1: // entries in the other order
      vm.tlogEntries = [...vm.tlogEntries].reverse();
      break;
    case 2: // no entry
      vm.tlogEntries = [];
      break;
    case 3: // the RFC 3161 timestamp twice
      if (vm.timestampVerificationData?.rfc3161Timestamps?.length)
        vm.timestampVerificationData.rfc3161Timestamps.push(vm.timestampVerificationData.rfc3161Timestamps[0]);
      break;
    default: // SET removed
      delete vm.tlogEntries[0]?.inclusionPromise;
  }
  return b;
}

describe('differential: airlock and @sigstore/verify reach the same verdict', () => {
  let cases: Case[] = [];
  let generated: Case[] = [];

  before(async () => {
    const roots = [
      loadTrustMaterial(readFileSync(PUBLIC_GOOD_ROOT()), 'public-good trusted_root.json'),
      loadTrustMaterial(readFileSync(STAGING_ROOT()), 'staging trusted_root.json'),
    ];
    generated = await generatedCases(await createSigstoreInstance());
    cases = [...realCases(roots), ...generated];
  });

  it('every real PyPI attestation, against the public-good and the staging root', () => {
    const real = cases.filter((c) => !generated.includes(c));
    assert.ok(real.length >= 14, `${real.length} real cases`);
    assert.ok(
      real.some((c) => airlock(c).ok),
      'some real attestation verifies',
    );
    assert.deepEqual(real.map(disagreement).filter(Boolean), []);
  });

  it('every kind of generated bundle (Rekor v1, v2, TSA, no SET, no SCT, key-signed, message)', () => {
    assert.ok(generated.filter((c) => airlock(c).ok).length >= 8, 'most generated bundles verify');
    assert.ok(
      generated.some((c) => !airlock(c).ok),
      'some generated bundles are refused',
    );
    assert.deepEqual(generated.map(disagreement).filter(Boolean), []);
  });

  it('structural mutations of every case (duplicate, reordered, missing entries; duplicate timestamp; no SET)', () => {
    const problems: string[] = [];
    for (const c of cases) {
      for (let kind = 0; kind < 5; kind++) {
        const m = { ...c, name: `${c.name} structural ${kind}`, bundle: structural(structuredClone(c.bundle), kind) };
        const d = disagreement(m);
        if (d) problems.push(d);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('random one-field mutations (fast-check): the same verdict, or airlock stricter for a listed reason', () => {
    const problems: string[] = [];
    fc.assert(
      fc.property(
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.nat({ max: 7 }),
        (caseIndex: number, leafIndex: number, pick: number, bit: number) => {
          const c = cases[caseIndex % cases.length]!;
          const bundle = structuredClone(c.bundle);
          const all = leaves(bundle).filter((p) => p[0] !== 'mediaType');
          const path = all[leafIndex % all.length]!;
          setAt(bundle, path, mutateLeaf(getAt(bundle, path), pick, bit));
          const d = disagreement({ ...c, bundle, name: `${c.name} /${path.join('/')} (pick ${pick}, bit ${bit})` });
          if (d) problems.push(d);
        },
      ),
      { numRuns: 600, seed: 740 },
    );
    assert.deepEqual(problems, []);
  });
});
