import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../sources/tmp.ts';
import { AirlockError } from '../../lib/errors.ts';
import { parseRequirements, parseSpecs, readLock } from '../../lib/lock/index.ts';

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);

function rejects(text: string, line: number, message: RegExp): void {
  assert.throws(
    () => parseRequirements(text, 'req.txt'),
    (e: unknown) => {
      assert.ok(e instanceof AirlockError);
      assert.equal(e.code, 'LOCK_INVALID');
      assert.equal(e.file, 'req.txt');
      assert.equal(e.field, `line ${line}`);
      assert.match(e.message, message);
      return true;
    },
  );
}

test('hash-checking requirements: continuations, comments, extras, markers, several hashes', () => {
  const text = [
    '# compiled by pip-compile',
    '--require-hashes',
    '',
    `Pypi_Attestations[dev]==0.0.19 ; python_version >= "3.9" \\`,
    `    --hash=sha256:${H1} \\`,
    `    --hash=sha256:${H2.toUpperCase()}  # two wheels`,
    `rfc8785==0.1.2 --hash sha256:${H1} --hash=sha512:${'c'.repeat(128)}`,
  ].join('\n');
  const entries = parseRequirements(text, 'req.txt');
  assert.deepEqual(entries, [
    { name: 'pypi-attestations', version: '0.0.19', file: 'req.txt', field: 'line 4', hashes: [H1, H2] },
    { name: 'rfc8785', version: '0.1.2', file: 'req.txt', field: 'line 7', hashes: [H1] },
  ]);
});

test('requirements that are not exact hash pins are refused with LOCK_INVALID naming the line', () => {
  rejects(`foo>=1.0 --hash=sha256:${H1}`, 1, /not an exact pin/);
  rejects(`\nfoo==1.0`, 2, /has no --hash=sha256/);
  rejects(`foo`, 1, /not an exact pin/);
  rejects(`foo @ https://example.org/foo-1.0.tar.gz --hash=sha256:${H1}`, 1, /not an exact pin/);
  rejects(`-e ./src`, 1, /option '-e' is not supported/);
  rejects(`-r other.txt`, 1, /option '-r' is not supported/);
  rejects(`--index-url https://example.org/simple/`, 1, /option '--index-url'/);
  rejects(`foo==1.*  --hash=sha256:${H1}`, 1, /not an exact PEP 440 version/);
  rejects(`foo==1.0 --hash=md5:abc`, 1, /not a hash of the form sha256:HEX/);
  rejects(`foo==1.0 --hash=sha512:${'c'.repeat(128)}`, 1, /has no --hash=sha256/);
  rejects(`foo==1.0 --hash=sha256:${H1}\nFoo==1.0 --hash=sha256:${H1}`, 2, /listed twice/);
  rejects(`foo==1.0 --no-deps --hash=sha256:${H1}`, 1, /only --hash options/);
  assert.throws(() => parseRequirements('# nothing\n', 'req.txt'), {
    code: 'LOCK_INVALID',
    message: 'no requirements found',
  });
});

test('NAME==VERSION arguments', () => {
  assert.deepEqual(parseSpecs(['Foo.Bar==1.0']), [{ name: 'foo-bar', version: '1.0', file: 'argv', field: 'spec 1' }]);
  for (const bad of ['foo', 'foo>=1', 'foo==1.*', '==1.0']) assert.throws(() => parseSpecs([bad]), { code: 'USAGE' });
});

test('readLock: unreadable file and invalid UTF-8', async () => {
  const dir = await tempDir('airlock-src-lock-');
  await assert.rejects(readLock('requirements', join(dir, 'missing.txt')), { code: 'INPUT_UNREADABLE' });
  await writeFile(join(dir, 'bad.txt'), Buffer.from([0x66, 0xff, 0x0a]));
  await assert.rejects(readLock('requirements', join(dir, 'bad.txt')), { code: 'LOCK_INVALID' });
});
