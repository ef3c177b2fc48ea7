import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AirlockError, CODES } from '../../lib/errors.ts';

// Property-test helpers for parsers of untrusted JSON: one-step mutations of
// a real document, and the check that a parser returns or throws a coded
// AirlockError (never anything else, never slowly).

type Path = (string | number)[];

/** Every path to a value inside `doc` (the root excluded). */
export function pathsOf(doc: unknown, at: Path = []): Path[] {
  if (doc === null || typeof doc !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(doc)
    ? doc.map((v, i): [number, unknown] => [i, v])
    : Object.entries(doc);
  return entries.flatMap(([k, v]) => [[...at, k], ...pathsOf(v, [...at, k])]);
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export type Mutation =
  | { kind: 'delete' | 'null' | 'snake' | 'twice' | 'wrap' | 'urlsafe' }
  | { kind: 'replace'; value: unknown }
  | { kind: 'string'; value: string };

/** One change at one path: what a careless or hostile writer of the JSON could do. */
export function mutationOf(doc: unknown): fc.Arbitrary<{ path: Path; mutation: Mutation }> {
  const paths = pathsOf(doc);
  return fc.record({
    path: fc.constantFrom(...paths),
    mutation: fc.oneof(
      fc.constantFrom<Mutation>(
        { kind: 'delete' },
        { kind: 'null' },
        { kind: 'snake' },
        { kind: 'twice' },
        { kind: 'wrap' },
        { kind: 'urlsafe' },
      ),
      fc.jsonValue({ maxDepth: 3 }).map((value): Mutation => ({ kind: 'replace', value })),
      fc
        .oneof(fc.string(), fc.constantFrom('', '0', '-1', '1e3', '9223372036854775808', 'AAAA', '====', 'A\nA'))
        .map((value): Mutation => ({ kind: 'string', value })),
    ),
  });
}

/** A deep copy of `doc` with `mutation` applied at `path`. */
export function mutate(doc: unknown, { path, mutation }: { path: Path; mutation: Mutation }): unknown {
  const copy = structuredClone(doc);
  const parent = path
    .slice(0, -1)
    .reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], copy) as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  const value = parent[key];
  switch (mutation.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    case 'null':
      parent[key] = null;
      break;
    case 'snake':
    case 'twice':
      if (typeof key === 'string') {
        if (mutation.kind === 'snake') delete parent[key];
        parent[snake(key)] = value;
      }
      break;
    case 'wrap':
      if (typeof value === 'string') parent[key] = value.replace(/(.{8})/g, '$1\n');
      break;
    case 'urlsafe':
      if (typeof value === 'string') parent[key] = value.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
      break;
    default:
      parent[key] = mutation.value;
  }
  return copy;
}

/**
 * Runs `fn`: it must return, or throw an AirlockError whose code is in the
 * registry; and it must not take longer than `maxMs` (generous: the machine
 * is shared).
 */
export function returnsOrCoded(fn: () => unknown, maxMs = 2000): void {
  const start = performance.now();
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof AirlockError, `not an AirlockError: ${e instanceof Error ? e.stack : String(e)}`);
    assert.ok(Object.hasOwn(CODES, e.code), `unknown code ${e.code}`);
    assert.notEqual(e.code, 'INTERNAL_ERROR');
  }
  const ms = performance.now() - start;
  assert.ok(ms < maxMs, `took ${Math.round(ms)} ms`);
}

/** ~200 runs: a few seconds per property on a loaded machine. */
export const RUNS = { numRuns: 200 } as const;
