// Run by memory.test.ts in its own process, so that its peak RSS is its own:
// writes a bundle holding one large sparse member, reads it back into a
// folder, and prints the peak RSS (KiB) and what it checked, as JSON.
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBundle, writeBundle } from '../../lib/bundle/index.ts';

const size = Number(process.argv[2] ?? 400 * 1024 * 1024);
const ext = process.argv[3] ?? 'tar';
// Node, TypeScript stripping and the imports alone take most of the peak; report them apart.
const baselineKiB = process.resourceUsage().maxRSS;
const dir = await mkdtemp(join(tmpdir(), 'airlock-memory-'));
try {
  const big = join(dir, 'big.whl');
  const fh = await open(big, 'w');
  await fh.truncate(size); // sparse: no disk blocks, reads back as zeros
  await fh.close();
  const out = join(dir, `big.${ext}`);
  const written = await writeBundle(out, { createdAt: '2026-08-22T00:00:00Z', sources: {}, packages: [] }, [
    { path: 'packages/big/big-1.0-py3-none-any.whl', role: 'distribution', localPath: big },
  ]);
  const dest = join(dir, 'out');
  const manifest = await readBundle(out, { dest });
  const extracted = (await stat(join(dest, 'packages/big/big-1.0-py3-none-any.whl'))).size;
  const maxRSSKiB = process.resourceUsage().maxRSS;
  const sha256 = manifest.members[0]?.sha256;
  const result = { baselineKiB, maxRSSKiB, archiveBytes: written.size, extracted, sha256 };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
