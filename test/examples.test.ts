import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCli } from './helpers/cli.ts';
import { REPO_ROOT, TUF_2026, fixture } from './helpers/fixtures.ts';

// examples/demo-bundle.tar is what airlock's own `bundle` makes from the
// public fixtures (examples/README.md): rebuilding it must give the same bytes,
// so the demo never drifts from the format the code writes.

test('the demo bundle is exactly what `airlock bundle` makes from the public fixtures', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-demo-'));
  try {
    const out = join(dir, 'demo.tar');
    // The manifest records the source folders as given: give them as the README does.
    const from = (p: string) => relative(REPO_ROOT, p);
    const r = await runCli([
      'bundle',
      '--from-dir',
      from(fixture('pypi')),
      '--tuf-dir',
      from(TUF_2026()),
      '--now',
      '2026-08-22T00:00:00Z',
      '-o',
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      readFileSync(out).equals(readFileSync(join(REPO_ROOT, 'examples', 'demo-bundle.tar'))),
      'examples/demo-bundle.tar differs: rebuild it as examples/README.md says',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
