import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IndexServer } from '../helpers/index-server.ts';

// Shared set-up of the `airlock bundle` CLI tests: fresh folders, inputs
// written from the fixtures' real digests, and fast retries.

export const NOW = '2026-08-22T00:00:00Z';
export const FAST_ENV = { AIRLOCK_HTTP_ATTEMPTS: '2', AIRLOCK_HTTP_RETRY_DELAY_MS: '5' };

const roots: string[] = [];

export async function freshDirs(): Promise<{ inputs: string; out: string }> {
  const root = await mkdtemp(join(tmpdir(), 'airlock-src-bundle-'));
  roots.push(root);
  const inputs = join(root, 'in');
  const out = join(root, 'out');
  await mkdir(inputs);
  await mkdir(out);
  return { inputs, out };
}

/** Removes every folder freshDirs made (call from `after`). */
export async function removeDirs(): Promise<void> {
  await Promise.all(roots.splice(0).map((r) => rm(r, { recursive: true, force: true })));
}

export function serverArgs(s: IndexServer): string[] {
  return ['--index-url', s.indexUrl, '--tuf-url', s.tufUrl, '--now', NOW, '--instance', 'public-good'];
}

export async function writePylock(
  s: IndexServer,
  path: string,
  override: Record<string, string> = {},
  /** TOML inserted after a project's entry, by project: e.g. its `[[packages.attestation-identities]]`. */
  after: Record<string, string> = {},
): Promise<string> {
  const blocks = s.dists.map((d) => {
    const key = d.filename.endsWith('.whl') ? 'wheels' : 'sdist';
    const sha256 = override[d.filename] ?? d.sha256;
    const entry =
      `{ name = "${d.filename}", url = "${s.base}/files/${d.filename}", size = ${d.bytes.length}, ` +
      `hashes = { sha256 = "${sha256}" } }`;
    return (
      `[[packages]]\nname = "${d.project}"\nversion = ` +
      `"${d.version}"\n${key === 'wheels' ? `wheels = [${entry}]` : `sdist = ${entry}`}\n${after[d.project] ?? ''}`
    );
  });
  await writeFile(path, `lock-version = "1.0"\ncreated-by = "airlock tests"\n\n${blocks.join('\n')}`);
  return path;
}

export async function writeRequirements(
  s: IndexServer,
  path: string,
  override: Record<string, string> = {},
): Promise<string> {
  const lines = s.dists.map(
    (d) => `${d.project}==${d.version} \\\n    --hash=sha256:${override[d.filename] ?? d.sha256}`,
  );
  await writeFile(path, `# hash-checking mode\n${lines.join('\n')}\n`);
  return path;
}

/** Everything in the output folder: after a failure it must be empty (no archive, no temporary files). */
export async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}
