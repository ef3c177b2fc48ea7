import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalDistFilename,
  normalizeProjectName,
  normalizeVersion,
  parseDistFilename,
} from '../../lib/dist/index.ts';
import { AirlockError } from '../../lib/errors.ts';

function rejects(fn: () => unknown, code = 'DIST_FILENAME_INVALID'): void {
  assert.throws(fn, (e: unknown) => e instanceof AirlockError && e.code === code);
}

test('PEP 503 name normalisation', () => {
  assert.equal(normalizeProjectName('Foo.Bar'), 'foo-bar');
  assert.equal(normalizeProjectName('foo__bar--baz'), 'foo-bar-baz');
  assert.equal(normalizeProjectName('FOO_-.bar'), 'foo-bar');
  assert.equal(normalizeProjectName('pypi_attestations'), 'pypi-attestations');
});

test('PEP 440 version normalisation', () => {
  assert.equal(normalizeVersion('1.0', 'x'), '1.0');
  assert.equal(normalizeVersion('1.0RC1', 'x'), '1.0rc1');
  assert.equal(normalizeVersion('v01.02', 'x'), '1.2');
  assert.equal(normalizeVersion('1.0-1', 'x'), '1.0.post1');
  assert.equal(normalizeVersion('1.0.dev', 'x'), '1.0.dev0');
  assert.equal(normalizeVersion('1!2.0a', 'x'), '1!2.0a0');
  // local parts: `.` separators, integers lose leading zeros, letters lower-case, 1e5 stays text
  assert.equal(normalizeVersion('1.0+ABC.007_1e5', 'x'), '1.0+abc.7.1e5');
  rejects(() => normalizeVersion('1.0_x', 'x'));
  rejects(() => normalizeVersion('', 'x'));
  // numbers that a double cannot hold exactly are refused, never rounded
  rejects(() => normalizeVersion('1.12345678901234567890', 'x'));
});

test('wheel file names parse as packaging does', () => {
  const w = parseDistFilename('rfc8785-0.1.2-py3-none-any.whl');
  assert.deepEqual(w, {
    kind: 'wheel',
    name: 'rfc8785',
    version: '0.1.2',
    tags: [{ interpreter: 'py3', abi: 'none', platform: 'any' }],
  });
  const b = parseDistFilename('Foo.Bar-1.0-01abc-py2.py3-none-any.whl');
  assert.equal(b.name, 'foo-bar');
  assert.deepEqual(b.buildTag, [1, 'abc']);
  assert.equal(b.tags?.length, 2);
  rejects(() => parseDistFilename('foo-1.0-py3-none.whl'));
  rejects(() => parseDistFilename('foo__bar-1.0-py3-none-any.whl'));
  rejects(() => parseDistFilename('foo-bar-1.0-py3-none-any-x-y.whl'));
  rejects(() => parseDistFilename('foo-1.0-abc-py3-none-any.whl'));
  rejects(() => parseDistFilename('foo-1.0-py3-none-any.WHL'));
});

test('sdist file names parse as packaging does', () => {
  assert.deepEqual(parseDistFilename('pypi_attestations-0.0.19.tar.gz'), {
    kind: 'sdist',
    name: 'pypi-attestations',
    version: '0.0.19',
    extension: '.tar.gz',
  });
  assert.deepEqual(parseDistFilename('Foo.Bar-1.0.zip'), {
    kind: 'sdist',
    name: 'foo-bar',
    version: '1.0',
    extension: '.zip',
  });
  rejects(() => parseDistFilename('foo.tar.gz'));
  rejects(() => parseDistFilename('foo-1.0.tar.bz2'));
  rejects(() => parseDistFilename('foo-notaversion.tar.gz'));
});

test('canonical (ultranormalised) names: same file matches, other versions or tag sets do not', () => {
  assert.equal(canonicalDistFilename('Foo.Bar-1.0.tar.gz'), 'foo_bar-1.0.tar.gz');
  assert.equal(canonicalDistFilename('foo_bar-1.0.tar.gz'), 'foo_bar-1.0.tar.gz');
  assert.equal(canonicalDistFilename('FOO-BAR-1.0.tar.gz'), 'foo_bar-1.0.tar.gz');
  assert.equal(canonicalDistFilename('foo_bar-1.00.tar.gz'), 'foo_bar-1.0.tar.gz');
  assert.notEqual(canonicalDistFilename('foo_bar-1.0.1.tar.gz'), canonicalDistFilename('foo_bar-1.0.tar.gz'));
  assert.notEqual(canonicalDistFilename('foo_bar-1.0.zip'), canonicalDistFilename('foo_bar-1.0.tar.gz'));
  // compressed tag sets are de-duplicated and sorted
  assert.equal(canonicalDistFilename('Foo-1.0-py3.py2-none-ANY.whl'), 'foo-1.0-py2.py3-none-any.whl');
  assert.equal(
    canonicalDistFilename('spt3g-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl'),
    'spt3g-1.0-cp310-cp310-manylinux2014_x86_64.manylinux_2_17_x86_64.whl',
  );
  assert.notEqual(
    canonicalDistFilename('foo-1.0-py3-none-any.whl'),
    canonicalDistFilename('foo-1.0-py2.py3-none-any.whl'),
  );
  assert.notEqual(
    canonicalDistFilename('foo-1.0-py3-none-any.whl'),
    canonicalDistFilename('foo-1.0-1-py3-none-any.whl'),
  );
  assert.equal(canonicalDistFilename('foo-1.0-007x-py3-none-any.whl'), 'foo-1.0-7x-py3-none-any.whl');
});
