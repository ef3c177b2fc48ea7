import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AirlockError, CODES, type ErrorCode } from '../lib/errors.ts';
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
