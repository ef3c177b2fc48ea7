import fc from 'fast-check';
import { test } from 'node:test';
import { canonicalDistFilename, parseDistFilename } from '../../lib/dist/index.ts';
import { mutationsOf, NUM_RUNS, returnsOrCodedError, TEST_TIMEOUT } from './helpers.ts';

// Wheel and sdist file names: from index pages, locks, provenance subjects and archives.

const REAL = [
  'spt3g-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
  'pypi_attestations-0.0.19.tar.gz',
  'rfc8785-0.1.2-py3-none-any.whl',
  'demo-1.0rc1.post2.dev3+local.7-1abc-py2.py3-none-any.whl',
  'demo-1!2.0.zip',
];

test('dist file names: arbitrary text and mutations of real names', { timeout: TEST_TIMEOUT }, () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), ...REAL.map(mutationsOf)), (name) => {
      returnsOrCodedError(() => parseDistFilename(name), { file: name });
      returnsOrCodedError(() => canonicalDistFilename(name), { file: name });
    }),
    { numRuns: NUM_RUNS },
  );
});

test('dist file names: long runs of one character stay linear', { timeout: TEST_TIMEOUT }, () => {
  fc.assert(
    fc.property(
      fc.constantFrom('1', '.', '-', 'a', '_', '+', '1.'),
      fc.constantFrom('.whl', '.tar.gz', '!'),
      (c, ext) => returnsOrCodedError(() => parseDistFilename(`demo-1${c.repeat(100_000)}${ext}`)),
    ),
    { numRuns: 21 },
  );
});
