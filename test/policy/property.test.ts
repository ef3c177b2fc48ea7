import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AirlockError, CODES } from '../../lib/errors.ts';
import { parsePolicy, type Policy } from '../../lib/policy/index.ts';

// parsePolicy reads a file an operator wrote, but it may be anything: it must
// return a Policy or throw POLICY_INVALID, never crash, and quickly.

function outcome(bytes: Uint8Array): Policy | AirlockError {
  const start = performance.now();
  try {
    return parsePolicy(bytes, 'policy.toml');
  } catch (e) {
    assert.ok(e instanceof AirlockError, `not a coded error: ${String(e)}`);
    assert.equal(e.code, 'POLICY_INVALID', e.message);
    assert.ok(e.code in CODES);
    assert.equal(e.exitCode, 2);
    assert.ok(!/\n/.test(e.toLine()), 'one line');
    return e;
  } finally {
    assert.ok(performance.now() - start < 2000, 'parsed within 2 s');
  }
}

const enc = (s: string) => new TextEncoder().encode(s);

const KEYS = [
  'defaults',
  'projects',
  'require',
  'publishers',
  'hashes',
  'kind',
  'repository',
  'workflow',
  'workflow_filepath',
  'environment',
  'issuer',
  'email',
  'identity',
  '__proto__',
  'constructor',
  'x.y',
  'Foo_Bar',
  '',
];
const VALUES = [
  '"attested"',
  '"hash"',
  '"GitHub"',
  '"GitLab"',
  '"Google"',
  '"Identity"',
  '"ActiveState"',
  '"a/b"',
  '"release.yml"',
  `"sha256:${'a'.repeat(64)}"`,
  '[]',
  '{}',
  '1',
  'true',
  '1979-05-27',
  'nan',
  '"\\u0000"',
  '[{ kind = "GitHub", repository = "a/b", workflow = "r.yml" }]',
];

const tomlish = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...KEYS)).map(([a, b]) => `[${a}${b ? `.${b}` : ''}]`),
      fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)).map(([k, v]) => `${k} = ${v}`),
      fc
        .tuple(
          fc.constantFrom(...KEYS),
          fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)), { maxLength: 4 }),
        )
        .map(([k, kv]) => `${k} = [{ ${kv.map(([a, b]) => `${a} = ${b}`).join(', ')} }]`),
      fc.string({ maxLength: 20 }),
    ),
    { maxLength: 20 },
  )
  .map((lines) => lines.join('\n'));

test('parsePolicy on arbitrary strings: a Policy or POLICY_INVALID, quickly', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (s) => {
      outcome(enc(s));
    }),
    { numRuns: 300 },
  );
});

test('parsePolicy on arbitrary bytes (invalid UTF-8 included)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      outcome(b);
    }),
    { numRuns: 300 },
  );
});

test('parsePolicy on TOML-shaped text built from the policy vocabulary', () => {
  let accepted = 0;
  fc.assert(
    fc.property(tomlish, (s) => {
      const r = outcome(enc(s));
      if (!(r instanceof AirlockError)) {
        accepted++;
        // What it returns is usable: known require values, normalised names, lower-case digests.
        assert.ok(['attested', 'hash'].includes(r.defaults.require));
        for (const [name, rule] of r.projects) {
          assert.match(name, /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
          for (const h of rule.hashes ?? []) assert.match(h, /^[0-9a-f]{64}$/);
          for (const p of rule.publishers ?? []) assert.ok(['GitHub', 'GitLab', 'Google', 'Identity'].includes(p.kind));
        }
      }
    }),
    { numRuns: 500 },
  );
  assert.ok(accepted > 0, 'some generated policies are valid');
});

test('deeply nested or long input does not crash or hang', () => {
  outcome(enc(`a = ${'['.repeat(5000)}${']'.repeat(5000)}`));
  outcome(enc(`a = ${'{ b = '.repeat(2000)}1${' }'.repeat(2000)}`));
  outcome(enc(`[projects.${'a'.repeat(100_000)}]\nrequire = "attested"`));
  outcome(enc(`[defaults]\npublishers = [${'{ kind = "Google", email = "a@b" }, '.repeat(5000)}]`));
});
