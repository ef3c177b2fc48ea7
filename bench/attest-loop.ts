// node bench/attest-loop.ts CORPUS_DIR [N]: the provenance checks of bench/corpus.ts's small corpus in a loop,
// in this thread, against @sigstore/verify's Verifier over the same attestations (CPU time of each, for profiling).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { Verifier, toSignedEntity } from '@sigstore/verify';
import { loadTrustMaterial } from '../lib/sigstore/index.ts';
import { checkProvenanceBytes } from '../lib/verify/provenance.ts';
import { attestationToBundle, type PypiAttestation } from '../test/helpers/sigstore-bundles.ts';
import { createHash } from 'node:crypto';

const dir = process.argv[2]!;
const n = Number(process.argv[3] ?? 500);
const trust = loadTrustMaterial(readFileSync(join(dir, 'trusted_root.json')), 'trusted_root.json');
const names = readdirSync(join(dir, 'small'))
  .filter((f) => !f.endsWith('.provenance'))
  .slice(0, n);
const tasks = names.map((filename) => ({
  bytes: readFileSync(join(dir, 'small', `${filename}.provenance`)),
  file: `${filename}.provenance`,
  dist: {
    filename,
    sha256: createHash('sha256')
      .update(readFileSync(join(dir, 'small', filename)))
      .digest('hex'),
  },
}));
const cpu = (f: () => void) => {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000 / tasks.length;
};
const verifier = new Verifier(trust.material, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
const bundles = tasks.map((t) => {
  const prov = JSON.parse(t.bytes.toString('utf8')) as { attestation_bundles: { attestations: PypiAttestation[] }[] };
  return attestationToBundle(prov.attestation_bundles[0]!.attestations[0]!);
});
for (let round = 0; round < 3; round++) {
  const ours = cpu(() => {
    for (const t of tasks) checkProvenanceBytes(t, trust);
  });
  const ref = cpu(() => {
    for (const b of bundles) verifier.verify(toSignedEntity(bundleFromJSON(b)));
  });
  process.stdout.write(
    `airlock ${ours.toFixed(3)} ms/att, reference ${ref.toFixed(3)} ms/att, ratio ${(ref / ours).toFixed(2)}\n`,
  );
}
