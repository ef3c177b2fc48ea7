import fc from 'fast-check';
import { test } from 'node:test';
import { parsePylock, parseRequirements } from '../../lib/lock/index.ts';
import { mutationsOf, NUM_RUNS, returnsOrCodedError, TEST_TIMEOUT } from './helpers.ts';

// pylock.toml (PEP 751) and pip requirements in hash-checking mode.

const SHA = 'a'.repeat(64);
const PYLOCK = `lock-version = "1.0"
created-by = "test"

[[packages]]
name = "demo"
version = "1.0"
sdist = { name = "demo-1.0.tar.gz", url = "https://files.example/demo-1.0.tar.gz", size = 10, hashes = { sha256 = \
"${SHA}" } }
wheels = [{ url = "https://files.example/demo-1.0-py3-none-any.whl", hashes = { sha256 = "${SHA}" } }]

[[packages.attestation-identities]]
kind = "GitHub"
repository = "owner/demo"
workflow = "release.yml"
environment = "pypi"

[[packages.attestation-identities]]
kind = "GitLab"
repository = "group/sub/demo"
workflow_filepath = ".gitlab-ci.yml"
`;
const REQS = `# a comment
--require-hashes
demo[extra]==1.0 ; python_version >= "3.9" \\
    --hash=sha256:${SHA} \\
    --hash=sha512:${'b'.repeat(128)}
other==2.0.post1 --hash=sha256:${SHA}  # trailing
`;

test('pylock.toml: arbitrary text and mutations of a real lock', { timeout: TEST_TIMEOUT }, () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 512 }), mutationsOf(PYLOCK)), (text) =>
      returnsOrCodedError(() => parsePylock(text, 'pylock.toml'), { file: 'pylock.toml' }),
    ),
    { numRuns: NUM_RUNS },
  );
});

test('requirements: arbitrary text and mutations of a real file', { timeout: TEST_TIMEOUT }, () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 512 }), mutationsOf(REQS)), (text) =>
      returnsOrCodedError(() => parseRequirements(text, 'requirements.txt'), { file: 'requirements.txt' }),
    ),
    { numRuns: NUM_RUNS },
  );
});

test('requirements: long runs of one character stay linear', { timeout: TEST_TIMEOUT }, () => {
  fc.assert(
    fc.property(fc.constantFrom(' ', 'a', '=', '[', '-', '#', '\\', '.'), fc.constantFrom('', 'x', '==1'), (c, tail) =>
      returnsOrCodedError(() => parseRequirements(`a${c.repeat(200_000)}${tail}`, 'r.txt'), { file: 'r.txt' }),
    ),
    { numRuns: 24 },
  );
});
