// node bench/measure-verify.ts CORPUS_DIR [BIN...]: the two verify figures of bench/run.ts on a corpus of
// bench/corpus.ts, best of 3 whole-process runs per airlock build given (default this clone's bin/airlock.js),
// interleaved so that a shared machine's load falls on all of them alike.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { Verifier, toSignedEntity } from '@sigstore/verify';
import { loadTrustMaterial } from '../lib/sigstore/index.ts';
import { attestationToBundle, type PypiAttestation } from '../test/helpers/sigstore-bundles.ts';

const dir = process.argv[2]!;
const bins = process.argv.length > 3 ? process.argv.slice(3) : [join(import.meta.dirname, '..', 'bin', 'airlock.js')];
const root = join(dir, 'tuf', 'metadata', '1.root.json');
const policy = join(dir, 'policy.toml');
const secs = (f: () => void) => {
  const t = performance.now();
  f();
  return (performance.now() - t) / 1000;
};
const verify = (bin: string, archive: string, extra: string[]) => {
  const state = mkdtempSync(join(tmpdir(), 'airlock-measure-'));
  const s = secs(() => {
    const r = spawnSync(
      process.execPath,
      [bin, 'verify', archive, '--root', root, '--policy', policy, '--state', state, '--json', ...extra],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    if (r.status !== 0) throw new Error(`${bin}: ${r.stderr}`);
  });
  rmSync(state, { recursive: true, force: true });
  return s;
};
const hashSecs = async (path: string) => {
  const t = performance.now();
  const h = createHash('sha256');
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(c as Buffer);
  h.digest();
  return (performance.now() - t) / 1000;
};
const trust = loadTrustMaterial(readFileSync(join(dir, 'trusted_root.json')), 'trusted_root.json');
const bundles = readdirSync(join(dir, 'small'))
  .filter((f) => f.endsWith('.provenance'))
  .map((f) => {
    const p = JSON.parse(readFileSync(join(dir, 'small', f), 'utf8')) as {
      attestation_bundles: { attestations: PypiAttestation[] }[];
    };
    return attestationToBundle(p.attestation_bundles[0]!.attestations[0]!);
  });
const verifier = new Verifier(trust.material, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
const large = join(dir, 'large.tar');
const small = join(dir, 'small.tar');
const best: Record<string, number> = {};
const keep = (k: string, v: number) => {
  best[k] = Math.min(best[k] ?? Number.POSITIVE_INFINITY, v);
};
for (let round = 0; round < 3; round++) {
  keep('sha256', await hashSecs(large));
  keep(
    'reference',
    secs(() => {
      for (const b of bundles) verifier.verify(toSignedEntity(bundleFromJSON(b)));
    }),
  );
  for (const [i, bin] of bins.entries()) {
    keep(`${i} large`, verify(bin, large, ['--jobs', '1']));
    keep(`${i} small jobs 1`, verify(bin, small, ['--jobs', '1']));
    keep(`${i} small jobs 2`, verify(bin, small, ['--jobs', '2']));
  }
}
const mb = statSync(large).size / 1e6;
const refRate = bundles.length / best.reference!;
process.stdout.write(`sha256 ${(mb / best.sha256!).toFixed(0)} MB/s, reference ${refRate.toFixed(0)} att/s\n`);
for (const [i, bin] of bins.entries()) {
  const r = (k: string) => best[`${i} ${k}`]!;
  process.stdout.write(
    `${bin}: large ${(mb / r('large')).toFixed(0)} MB/s (${(best.sha256! / r('large')).toFixed(2)}), ` +
      `small --jobs 1 ${(bundles.length / r('small jobs 1')).toFixed(0)} att/s (${(bundles.length / r('small jobs 1') / refRate).toFixed(2)}), ` +
      `--jobs 2 ${(bundles.length / r('small jobs 2')).toFixed(0)} att/s (${(bundles.length / r('small jobs 2') / refRate).toFixed(2)})\n`,
  );
}
