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
    throw new Error(`missing real fixture ${p}: the tests need ../shared/fixtures (set AIRLOCK_FIXTURES to another copy)`);
  }
  return p;
}

export const TUF_2025 = () => fixture('tuf', 'sigstore-2025-11-23');
export const TUF_2026 = () => fixture('tuf', 'sigstore-2026-08-21');
export const TUF_STAGING = () => fixture('tuf', 'sigstore-staging-2026-08-21');
export const PYPI = (name: string) => fixture('pypi', name);
