import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AirlockError } from '../../lib/errors.ts';
import { parsePylock } from '../../lib/lock/index.ts';

const H = 'a'.repeat(64);

function rejects(text: string, field: string | undefined, message: RegExp): void {
  assert.throws(
    () => parsePylock(text, 'pylock.toml'),
    (e: unknown) => {
      assert.ok(e instanceof AirlockError);
      assert.equal(e.code, 'LOCK_INVALID');
      assert.equal(e.file, 'pylock.toml');
      assert.equal(e.field, field);
      assert.match(e.message, message);
      return true;
    },
  );
}

test('PEP 751 lock: sdist and wheels with sha256, name taken from the URL when omitted', () => {
  const text = `lock-version = "1.0"
created-by = "test"

[[packages]]
name = "Pypi_Attestations"
version = "0.0.19"
index = "https://pypi.org/simple"
sdist = { name = "pypi_attestations-0.0.19.tar.gz", url = "https://files.example/pypi_attestations-0.0.19.tar.gz", \
size = 29882, hashes = { sha256 = "${H}" } }

[[packages]]
name = "rfc8785"
version = "0.1.2"
wheels = [
  { url = "https://files.example/a/rfc8785-0.1.2-py3-none-any.whl", hashes = { sha256 = "${H.toUpperCase()}", sha512 \
= "00" } },
]
`;
  assert.deepEqual(parsePylock(text, 'pylock.toml'), [
    {
      name: 'pypi-attestations',
      version: '0.0.19',
      file: 'pylock.toml',
      field: 'packages[0]',
      files: [
        {
          filename: 'pypi_attestations-0.0.19.tar.gz',
          sha256: H,
          url: 'https://files.example/pypi_attestations-0.0.19.tar.gz',
          size: 29882,
          field: 'packages[0].sdist',
        },
      ],
    },
    {
      name: 'rfc8785',
      version: '0.1.2',
      file: 'pylock.toml',
      field: 'packages[1]',
      files: [
        {
          filename: 'rfc8785-0.1.2-py3-none-any.whl',
          sha256: H,
          url: 'https://files.example/a/rfc8785-0.1.2-py3-none-any.whl',
          field: 'packages[1].wheels[0]',
        },
      ],
    },
  ]);
});

test('PEP 751 lock errors name the field', () => {
  const head = 'lock-version = "1.0"\n';
  rejects('lock-version = "1.0"\n[[packages]\n', 'line 2', /not valid TOML/);
  rejects('[[packages]]\nname="a"\n', 'lock-version', /lock-version must be "1.x"/);
  rejects('lock-version = "2.0"\n', 'lock-version', /lock-version/);
  rejects(head, 'packages', /no \[\[packages\]\]/);
  rejects(`${head}[[packages]]\nversion="1"\n`, 'packages[0].name', /no valid name/);
  rejects(`${head}[[packages]]\nname="a"\n`, 'packages[0]', /neither sdist nor wheels/);
  rejects(`${head}[[packages]]\nname="a"\nversion="1"\n`, 'packages[0]', /neither sdist nor wheels/);
  const sd = (n: string) => `sdist={name="${n}", hashes={sha256="${H}"}}\n`;
  rejects(
    `${head}[[packages]]\nname="a"\nversion="1.*"\n${sd('a-1.tar.gz')}`,
    'packages[0].version',
    /no exact version/,
  );
  rejects(
    `${head}[[packages]]\nname="a"\nversion="1"\n${sd('b-1.tar.gz')}`,
    'packages[0]',
    /b-1.tar.gz is not a file of a/,
  );
  rejects(
    `${head}[[packages]]\nname="a"\nversion="1"\n${sd('a-2.tar.gz')}`,
    'packages[0]',
    /a file name's version differs from 1/,
  );
  rejects(
    `${head}[[packages]]\nname="a"\nversion="1"\n${sd('a.tar.gz')}`,
    'packages[0]',
    /a.tar.gz is not a wheel or sdist file name/,
  );
  // PEP 751 lets a lock omit the version (it SHOULD give it); airlock requires it, even where file names carry it.
  rejects(`${head}[[packages]]\nname="A"\n${sd('a-1.0.tar.gz')}`, 'packages[0].version', /A has no version/);
  assert.equal(
    parsePylock(`${head}[[packages]]\nname="a"\nversion="1.0.0"\n${sd('a-1.0.tar.gz')}`, 'pylock.toml')[0]!.version,
    '1.0.0',
  );
  rejects(
    `${head}[[packages]]\nname="a"\nversion="1"\nvcs={type="git", url="https://x", commit-id="abc"}\n`,
    'packages[0].vcs',
    /'vcs' sources/,
  );
  rejects(
    `${head}[[packages]]\nname="a"\nversion="1"\nsdist={name="a-1.tar.gz", hashes={sha512="00"}}\n`,
    'packages[0].sdist',
    /no hashes.sha256/,
  );
  rejects(
    `${head}[[packages]]\nname="a"\nversion="1"\nwheels=[{hashes={sha256="${H}"}}]\n`,
    'packages[0].wheels[0]',
    /no usable file name/,
  );
  rejects(
    `${head}[[packages]]\nname="a"\nversion="1"\nsdist={name="../a-1.tar.gz", hashes={sha256="${H}"}}\n`,
    'packages[0].sdist',
    /no usable file name/,
  );
  rejects(
    `${head}[[packages]]\nname="a"\nversion="1"\nsdist={name="a-1.tar.gz", size=-1, hashes={sha256="${H}"}}\n`,
    'packages[0].sdist',
    /size/,
  );
  const one = `[[packages]]\nname="a"\nversion="1"\nsdist={name="a-1.tar.gz", hashes={sha256="${H}"}}\n`;
  rejects(`${head}${one}${one}`, 'packages[1]', /listed twice/);
});

test('a lock url that is not a URL, or has a malformed percent-escape, is LOCK_INVALID naming the field', () => {
  const lock = (file: string) => `lock-version = "1.0"
[[packages]]
name = "demo"
version = "1.0"
sdist = { ${file}, hashes = { sha256 = "${H}" } }
`;
  rejects(lock('url = "not a url"'), 'packages[0].sdist.url', /url is not a URL: 'not a url'/);
  rejects(lock('name = "demo-1.0.tar.gz", url = "::"'), 'packages[0].sdist.url', /not a URL/);
  rejects(
    lock('url = "https://files.example/demo-1.0%E0%A4%A.tar.gz"'),
    'packages[0].sdist.url',
    /malformed percent-escape in 'demo-1.0%E0%A4%A.tar.gz'/,
  );
});
