import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AirlockError, CODES, ERROR_CLASSES, InternalError, errorFor, type ErrorCode } from '../lib/errors.ts';
import { REPO_ROOT } from './helpers/fixtures.ts';

test('every error code is documented in the README with its exit status', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  for (const [code, info] of Object.entries(CODES)) {
    assert.ok(readme.includes(`| \`${code}\` | ${info.exit} |`), `README lacks a row for ${code}`);
  }
});

test('an error prints as one line naming code, file and field', () => {
  const e = new AirlockError('TUF_ROLLBACK' as ErrorCode, 'version 161 < trusted 165', {
    file: 'metadata/161.snapshot.json',
  });
  assert.equal(e.toLine(), 'TUF_ROLLBACK: metadata/161.snapshot.json: version 161 < trusted 165');
  assert.equal(e.exitCode, 1);
  assert.equal(
    new AirlockError('SCHEMA_INVALID', 'must be string', { file: 'a.json', field: '/x' }).toLine(),
    'SCHEMA_INVALID: a.json: /x: must be string',
  );
});

// Issue 8.4: each code belongs to one class and one exit status. The class
// constructors accept only their own codes (a mismatch does not compile);
// this checks the registry itself and, as a second line, every literal
// `new XError('CODE'` in lib/.
test('each code maps to one error class, and that class gives its exit status', () => {
  for (const [code, info] of Object.entries(CODES) as Array<[ErrorCode, (typeof CODES)[ErrorCode]]>) {
    const Class = ERROR_CLASSES[info.kind];
    assert.ok(Class, `${code}: no class for kind ${info.kind}`);
    const e = errorFor(code, 'm');
    assert.ok(e instanceof Class, `${code} is built as ${e.constructor.name}, not ${Class.name}`);
    assert.equal(e.code, code);
    assert.equal(e.exitCode, info.exit, code);
  }
  assert.equal(new InternalError('bug').code, 'INTERNAL_ERROR');
});

test('every error thrown in lib/ with a literal code uses the class the registry gives that code', () => {
  const classOf = Object.fromEntries(Object.entries(ERROR_CLASSES).map(([kind, c]) => [c.name, kind]));
  const files = readdirSync(join(REPO_ROOT, 'lib'), { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.ts'),
  );
  let seen = 0;
  for (const f of files) {
    const text = readFileSync(join(REPO_ROOT, 'lib', f), 'utf8');
    for (const m of text.matchAll(/new (\w+Error)\(\s*'([A-Z_0-9]+)'/g)) {
      const [, cls, code] = m as unknown as [string, string, ErrorCode];
      seen++;
      assert.ok(code in CODES, `${f}: unknown code ${code}`);
      assert.equal(classOf[cls], CODES[code].kind, `${f}: ${code} thrown as ${cls}`);
    }
  }
  assert.ok(seen > 100, `only ${seen} throws found`);
});
