// node bench/corpus.ts DIR [--small N] [--large N --large-mib M]: builds bench corpora (as bench/run.ts does)
// into DIR and keeps them, for profiling one figure at a time (node --cpu-prof bin/airlock.js verify ...).
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PrivateSigstore, type PrivatePublisher } from '../test/helpers/private-sigstore.ts';

const arg = (n: string, d: number) => {
  const i = process.argv.indexOf(n);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const dir = process.argv[2]!;
const BIN = join(import.meta.dirname, '..', 'bin', 'airlock.js');
const PUBLISHER: PrivatePublisher = { kind: 'GitHub', repository: 'acme/bench', workflow: 'release.yml' };
await mkdir(dir, { recursive: true });
const sig = await PrivateSigstore.create();
const repo = await sig.tufRepo(join(dir, 'tuf'));
const root = repo.path('metadata', '1.root.json');
await writeFile(
  join(dir, 'policy.toml'),
  `[defaults]\nrequire = "attested"\npublishers = [{ kind = "GitHub", repository = "acme/bench", workflow = "release.yml" }]\n`,
);
async function make(name: string, files: { filename: string; bytes: Buffer }[]) {
  const d = join(dir, name);
  await mkdir(d, { recursive: true });
  const list = files.map((f) => ({ filename: f.filename, sha256: createHash('sha256').update(f.bytes).digest('hex') }));
  const prov = await sig.provenance(list, PUBLISHER);
  for (const f of files) {
    await writeFile(join(d, f.filename), f.bytes);
    await writeFile(join(d, `${f.filename}.provenance`), prov.get(f.filename)!);
  }
  const r = spawnSync(
    process.execPath,
    [BIN, 'bundle', '--from-dir', d, '--tuf-dir', repo.dir, '--root', root, '-o', join(dir, `${name}.tar`)],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
}
const nSmall = arg('--small', 2000);
await make(
  'small',
  Array.from({ length: nSmall }, (_, i) => ({
    filename: `small${i}-1.0.tar.gz`,
    bytes: Buffer.from(`small file ${i}\n`),
  })),
);
const nLarge = arg('--large', 3);
const mib = arg('--large-mib', 64);
await make(
  'large',
  Array.from({ length: nLarge }, (_, i) => ({ filename: `big${i}-1.0.tar.gz`, bytes: randomBytes(mib << 20) })),
);
await writeFile(join(dir, 'trusted_root.json'), JSON.stringify(sig.trustedRoot()));
process.stdout.write(`root ${root}\n`);
