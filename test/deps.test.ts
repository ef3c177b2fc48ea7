import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './helpers/fixtures.ts';

// package.json declares exactly what the code uses: every runtime dependency
// is imported by lib/ or bin/ (so the executable and the SBOM hold nothing
// dead), lib/ and bin/ import only runtime dependencies, and tests and build
// scripts import only declared packages.

/** Declared for a reason other than an import today; the test fails once the reason is gone. */
const PENDING: Record<string, string> = {};

const SELF = join('test', 'deps.test.ts');
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function sources(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|js|mjs|cjs)$/.test(e.name))
    .map((e) => relative(REPO_ROOT, join(e.parentPath, e.name)))
    .filter((f) => f !== SELF); // its scanner test names made-up packages
}

// Import statements start a line; dynamic imports and require take a literal.
const IMPORT_PATTERNS = [
  /^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** The packages a file imports at run time (type-only imports are erased, so they need no runtime dependency). */
export function importedPackages(text: string): Set<string> {
  const found = new Set<string>();
  for (const re of IMPORT_PATTERNS) {
    for (const m of text.matchAll(re)) {
      if (/^\s*(?:import|export)\s+type\b/.test(m[0])) continue;
      const spec = m[1];
      if (spec === undefined || spec.startsWith('.') || spec.startsWith('/') || isBuiltin(spec)) continue;
      const [first = '', second = ''] = spec.split('/');
      found.add(spec.startsWith('@') ? `${first}/${second}` : first);
    }
  }
  return found;
}

function importsOf(dirs: string[]): Map<string, string[]> {
  const byPackage = new Map<string, string[]>();
  for (const dir of dirs)
    for (const file of sources(dir))
      for (const p of importedPackages(readFileSync(join(REPO_ROOT, file), 'utf8')))
        byPackage.set(p, [...(byPackage.get(p) ?? []), file]);
  return byPackage;
}

test('the import scanner sees static, dynamic and multi-line imports, not type-only ones nor strings', () => {
  const text = [
    "import { a } from '@scope/pkg/sub.js';",
    'import {\n  b,\n  c,\n} from "plain";',
    "import 'side-effect';",
    "export { d } from 're-export';",
    "const m = await import('dynamic/x.js');",
    "import type { T } from 'types-only';",
    "import { readFile } from 'node:fs'; import { join } from 'path';",
    "import { e } from './relative.ts';",
    'const s = \'import x from "in-a-string"\';',
  ].join('\n');
  assert.deepEqual([...importedPackages(text)].sort(), ['@scope/pkg', 'dynamic', 'plain', 're-export', 'side-effect']);
});

test('every runtime dependency is imported by lib/ or bin/', () => {
  const used = importsOf(['lib', 'bin']);
  const unused = Object.keys(pkg.dependencies).filter((d) => !used.has(d) && !(d in PENDING));
  assert.deepEqual(unused, [], 'declared in dependencies but imported by nothing in lib/ or bin/');
  for (const d of Object.keys(PENDING)) {
    assert.ok(d in pkg.dependencies, `${d} is listed as pending but not declared`);
    assert.ok(!used.has(d), `${d} is imported now (${used.get(d)?.join(', ')}): remove it from PENDING`);
  }
});

test('lib/ and bin/ import only runtime dependencies', () => {
  const undeclared = [...importsOf(['lib', 'bin'])]
    .filter(([p]) => !(p in pkg.dependencies))
    .map(([p, files]) => `${p} (${files.join(', ')})`);
  assert.deepEqual(undeclared, [], 'imported at run time but not in dependencies');
});

test('tests and build scripts import only declared packages', () => {
  const declared = { ...pkg.dependencies, ...pkg.devDependencies };
  const undeclared = [...importsOf(['test', 'scripts'])]
    .filter(([p]) => !(p in declared))
    .map(([p, files]) => `${p} (${files.join(', ')})`);
  assert.deepEqual(undeclared, [], 'imported but declared nowhere in package.json');
});
