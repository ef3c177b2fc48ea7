import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

// Real fixtures live beside the repository in ../shared/fixtures and are never
// copied into it. A missing folder fails every test that needs it, loudly.

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const FIXTURES = resolve(process.env.AIRLOCK_FIXTURES ?? join(REPO_ROOT, '..', 'shared', 'fixtures'));

export function fixture(...parts: string[]): string {
  const p = join(FIXTURES, ...parts);
  if (!existsSync(p)) {
    throw new Error(
      `missing real fixture ${p}: the tests need ../shared/fixtures (set AIRLOCK_FIXTURES to another copy)`,
    );
  }
  return p;
}

export const TUF_2025 = () => fixture('tuf', 'sigstore-2025-11-23');
export const TUF_2026 = () => fixture('tuf', 'sigstore-2026-08-21');
export const TUF_STAGING = () => fixture('tuf', 'sigstore-staging-2026-08-21');
export const PYPI = (name: string) => fixture('pypi', name);

/**
 * What a bundle carries of the 2026-08-21 public-good copy when it starts
 * from the pinned root v13: roots 14-15, timestamp, snapshot, targets and the
 * three targets Sigstore clients use, in the bundle layout, sorted.
 */
export const TUF_2026_BUNDLED = [
  'tuf/metadata/14.root.json',
  'tuf/metadata/14.targets.json',
  'tuf/metadata/15.root.json',
  'tuf/metadata/165.snapshot.json',
  'tuf/metadata/timestamp.json',
  'tuf/targets/6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66.trusted_root.json',
  'tuf/targets/9711a6d5375706957a4859af31c5866a4474f81f0544f9f4b76c9c4f4c8a539c.signing_config.v0.2.json',
  'tuf/targets/d358c75d032833f4193500f5b01b5760409410558fac962c599439adbb268b0f.signing_config.json',
];
