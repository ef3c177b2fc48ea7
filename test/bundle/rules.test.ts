import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import {
  collisionKey,
  layoutRole,
  parseManifest,
  unsafePathReason,
  verifyManifest,
  type Manifest,
} from '../../lib/bundle/index.ts';
import { LAYOUT_PATTERN } from '../../lib/bundle/paths.ts';
import { publishersOf } from '../../lib/bundle/publishers.ts';
import type { AirlockError } from '../../lib/errors.ts';
import { PYPI } from '../helpers/fixtures.ts';
import { manifestFor, member, sha256 } from '../helpers/tar.ts';

describe('member path rules', () => {
  test('the schema path pattern is the layout the writer uses', async () => {
    const schema = JSON.parse(
      await readFile(new URL('../../schemas/bundle-manifest.schema.json', import.meta.url), 'utf8'),
    );
    assert.equal(schema.properties.members.items.properties.path.pattern, LAYOUT_PATTERN);
    const inspect = JSON.parse(
      await readFile(new URL('../../schemas/inspect-report.schema.json', import.meta.url), 'utf8'),
    );
    assert.equal(inspect.properties.members.items.properties.path.pattern, LAYOUT_PATTERN);
    assert.deepEqual(
      inspect.properties.formatVersion,
      schema.properties.formatVersion.enum && {
        enum: schema.properties.formatVersion.enum,
      },
    );
  });
  test('layout roles', () => {
    assert.equal(layoutRole('packages/rfc8785/rfc8785-0.1.2-py3-none-any.whl'), 'distribution');
    assert.equal(layoutRole('packages/rfc8785/rfc8785-0.1.2-py3-none-any.whl.provenance'), 'provenance');
    assert.equal(layoutRole('packages/rfc8785/rfc8785-0.1.2-py3-none-any.whl.metadata'), 'core-metadata');
    assert.equal(layoutRole('index/rfc8785.json'), 'index-page');
    assert.equal(layoutRole('tuf/metadata/165.snapshot.json'), 'tuf-metadata');
    assert.equal(layoutRole('lock/pylock.toml'), 'lock');
    assert.equal(layoutRole('lock/other.toml'), undefined);
    assert.equal(layoutRole('tuf/targets/registry.npmjs.org/abc.keys.json'), 'tuf-target');
    for (const bad of [
      'airlock-manifest.json',
      'packages/RFC8785/x.whl',
      'packages/rfc8785/.hidden',
      'index/a/b.json',
      'tuf/metadata/x.txt',
      'other/x',
      'tuf/targets/../x',
      'packages/a_b/x.whl',
    ]) {
      assert.equal(layoutRole(bad), undefined, bad);
    }
  });
  test('unsafe paths', () => {
    assert.equal(unsafePathReason('tuf/targets/a.pub'), undefined);
    assert.equal(unsafePathReason('tuf/targets/caf\u00e9.pub'), undefined);
    for (const [p, why] of [
      ['', /empty path/],
      ['/x', /absolute/],
      ['a/../b', /'\.\.'/],
      ['./a', /'\.'/],
      ['a//b', /empty path segment/],
      ['a/', /empty path segment/],
      ['a\\b', /backslash/],
      ['a\0b', /control/],
      ['a\nb', /control/],
      ['a\ufffdb', /invalid UTF-8/],
      ['c:x', /':'/],
      ['a'.repeat(1025), /longer than 1024/],
    ] as const) {
      assert.match(unsafePathReason(p) ?? 'accepted', why, JSON.stringify(p));
    }
  });
  test('collision keys fold case and Unicode normalisation', () => {
    assert.equal(collisionKey('caf\u00e9'), collisionKey('cafe\u0301'));
    assert.equal(collisionKey('\u212Aey'), collisionKey('key'));
    assert.equal(collisionKey('STRASSE'), collisionKey('stra\u00dfe'));
    assert.notEqual(collisionKey('a'), collisionKey('b'));
  });
});

describe('manifest cross-references', () => {
  const dist = member('packages/demo/demo-1.0.tar.gz', 'sdist');
  const prov = member('packages/demo/demo-1.0.tar.gz.provenance', '{}');
  const base = (): Manifest =>
    manifestFor([dist, prov], {
      packages: [
        {
          name: 'demo',
          version: '1.0',
          files: [
            { filename: 'demo-1.0.tar.gz', path: dist.path, size: 5, sha256: sha256('sdist'), provenance: prov.path },
          ],
        },
      ],
    }) as unknown as Manifest;
  const fails = (m: Manifest, field: string, msg: RegExp): void => {
    assert.throws(
      () => verifyManifest(m),
      (e: AirlockError) => {
        assert.equal(e.code, 'MANIFEST_INVALID');
        assert.equal(e.field, field);
        assert.match(e.message, msg);
        return true;
      },
    );
  };
  test('a consistent manifest passes, also through parseManifest', () => {
    verifyManifest(base());
    assert.deepEqual(parseManifest(Buffer.from(JSON.stringify(base()))), base());
  });
  test('file sha256 differs from its member', () => {
    const m = base();
    m.packages[0]!.files[0]!.sha256 = 'a'.repeat(64);
    fails(m, '/packages/0/files/0/sha256', /differs from the member entry/);
  });
  test('file size differs from its member', () => {
    const m = base();
    m.packages[0]!.files[0]!.size = 6;
    fails(m, '/packages/0/files/0/size', /differs/);
  });
  test('file path not under its package', () => {
    const m = base();
    m.packages[0]!.name = 'other';
    fails(m, '/packages/0/files/0/path', /must be 'packages\/other\/demo-1\.0\.tar\.gz'/);
  });
  test('provenance not listed', () => {
    const m = base();
    m.members = m.members.filter((x) => x.role !== 'provenance');
    fails(m, '/packages/0/files/0/provenance', /is not listed in members as provenance/);
  });
  test('members out of order or repeated', () => {
    const m = base();
    m.members.reverse();
    fails(m, '/members/1/path', /not sorted by path, or .* listed twice/);
    const d = base();
    d.members = [d.members[0]!, d.members[0]!];
    fails(d, '/members/1/path', /listed twice/);
  });
  test('members that collide after case folding', () => {
    const m = manifestFor([
      member('tuf/metadata/A.json', 'x'),
      member('tuf/metadata/a.json', 'y'),
    ]) as unknown as Manifest;
    fails(m, '/members/1/path', /collides with 'tuf\/metadata\/A\.json'/);
  });
  test('a member that is the folder of another', () => {
    const m = manifestFor([member('tuf/targets/a', 'x'), member('tuf/targets/a/b', 'y')]) as unknown as Manifest;
    fails(m, '/members/1/path', /'tuf\/targets\/a' is both a file and a folder/);
  });
  test('a package listed twice', () => {
    const m = base();
    m.packages.push(m.packages[0]!);
    fails(m, '/packages/1', /listed twice/);
  });
});

describe('provenance publishers (inspect)', () => {
  test('from a real provenance object', async () => {
    assert.deepEqual(publishersOf(await readFile(PYPI('pypi_attestations-0.0.19.tar.gz.provenance'))), {
      publishers: [
        { kind: 'GitHub', repository: 'trailofbits/pypi-attestations', workflow: 'release.yml', environment: null },
      ],
    });
  });
  test('malformed objects give a reason, not a failure', () => {
    assert.deepEqual(publishersOf(Buffer.from('[')), { publishers: [], error: 'not valid JSON' });
    assert.deepEqual(publishersOf(Buffer.from('{}')), { publishers: [], error: 'no attestation_bundles list' });
    assert.deepEqual(publishersOf(Buffer.from('{"attestation_bundles":[{"publisher":{"kind":1}}]}')), {
      publishers: [],
      error: 'no publisher named',
    });
    // One provenance cap for every command (issue 8.2): 16 MiB, as `bundle` accepts (was 4 MiB here).
    assert.deepEqual(publishersOf(undefined).error, 'larger than 16777216 bytes, not read');
  });
});

// Review fix: a manifest could list one distribution under two package
// entries, or a file under a release it is not of (`other-9.9.tar.gz` as a
// file of demo==1.0); the air-gapped side would then check it as the wrong release.
describe('manifest: each distribution belongs to exactly one release', () => {
  const dist = member('packages/demo/demo-1.0.tar.gz', 'sdist');
  const fileEntry = { filename: 'demo-1.0.tar.gz', path: dist.path, size: 5, sha256: sha256('sdist') };
  const fails = (m: Manifest, field: string, msg: RegExp): void => {
    assert.throws(
      () => verifyManifest(m),
      (e: AirlockError) => {
        assert.equal(e.code, 'MANIFEST_INVALID');
        assert.equal(e.field, field);
        assert.match(e.message, msg);
        return true;
      },
    );
    assert.throws(() => parseManifest(Buffer.from(JSON.stringify(m))), { code: 'MANIFEST_INVALID', field });
  };
  test('the same file under two releases, or twice in one', () => {
    const two = manifestFor([dist], {
      packages: [
        { name: 'demo', version: '1.0', files: [fileEntry] },
        { name: 'demo', version: '2.0', files: [fileEntry] },
      ],
    }) as unknown as Manifest;
    fails(
      two,
      '/packages/1/files/0/path',
      /^'packages\/demo\/demo-1\.0\.tar\.gz' is listed twice \(also as a file of demo==1\.0\)$/,
    );
    const twice = manifestFor([dist], {
      packages: [{ name: 'demo', version: '1.0', files: [fileEntry, fileEntry] }],
    }) as unknown as Manifest;
    fails(twice, '/packages/0/files/1/path', /is listed twice/);
  });
  test('a file whose name is of another version or project', () => {
    const other = manifestFor([dist], {
      packages: [{ name: 'demo', version: '2.0', files: [fileEntry] }],
    }) as unknown as Manifest;
    fails(other, '/packages/0/files/0/filename', /^'demo-1\.0\.tar\.gz' is not a file of demo==2\.0$/);
    const d2 = member('packages/demo/other-1.0.tar.gz', 'sdist');
    const proj = manifestFor([d2], {
      packages: [
        { name: 'demo', version: '1.0', files: [{ ...fileEntry, filename: 'other-1.0.tar.gz', path: d2.path }] },
      ],
    }) as unknown as Manifest;
    fails(proj, '/packages/0/files/0/filename', /is not a file of demo==1\.0/);
  });
  test('equal PEP 440 versions in other spellings still match', () => {
    const d3 = member('packages/demo/Demo-1.0.0-py3-none-any.whl', 'wheel');
    verifyManifest(
      manifestFor([d3], {
        packages: [
          {
            name: 'demo',
            version: '1.0',
            files: [{ filename: 'Demo-1.0.0-py3-none-any.whl', path: d3.path, size: 5, sha256: sha256('wheel') }],
          },
        ],
      }) as unknown as Manifest,
    );
  });
});
