import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../../lib/util/digest.ts';
import type { ManifestInput, MemberInput } from '../../lib/bundle/index.ts';
import { PYPI, TUF_2026 } from '../helpers/fixtures.ts';

// A bundle's worth of real inputs: two PyPI distributions (one with its
// provenance), a PEP 691 page, and part of Sigstore's TUF repository copy.
// `core-metadata` content is a real provenance-sized file standing in: the
// format does not look inside members.

export async function fixtureMembers(): Promise<{ members: MemberInput[]; input: ManifestInput }> {
  const tuf = TUF_2026();
  const members: MemberInput[] = [
    {
      path: 'packages/pypi-attestations/pypi_attestations-0.0.19.tar.gz',
      role: 'distribution',
      localPath: PYPI('pypi_attestations-0.0.19.tar.gz'),
    },
    {
      path: 'packages/pypi-attestations/pypi_attestations-0.0.19.tar.gz.provenance',
      role: 'provenance',
      localPath: PYPI('pypi_attestations-0.0.19.tar.gz.provenance'),
    },
    {
      path: 'packages/pypi-attestations/pypi_attestations-0.0.19.tar.gz.metadata',
      role: 'core-metadata',
      localPath: PYPI('pypi_attestations-0.0.19.tar.gz.slsa.attestation'),
    },
    {
      path: 'packages/rfc8785/rfc8785-0.1.2-py3-none-any.whl',
      role: 'distribution',
      localPath: PYPI('rfc8785-0.1.2-py3-none-any.whl'),
    },
    {
      path: 'index/rfc8785.json',
      role: 'index-page',
      localPath: PYPI('rfc8785-0.1.2-py3-none-any.whl.publish.attestation'),
    },
  ];
  for (const f of ['timestamp.json', '165.snapshot.json', '14.targets.json', '15.root.json']) {
    members.push({ path: `tuf/metadata/${f}`, role: 'tuf-metadata', localPath: join(tuf, 'metadata', f) });
  }
  for (const f of (await readdir(join(tuf, 'targets'))).filter((n) => n.endsWith('.json') || n.endsWith('.pub'))) {
    members.push({ path: `tuf/targets/${f}`, role: 'tuf-target', localPath: join(tuf, 'targets', f) });
  }
  const keys = '160677eb6e1c7083c89b166b20f8fe4e837fb71181506aff1991b80b89184f7d.keys.json';
  members.push({
    path: `tuf/targets/registry.npmjs.org/${keys}`,
    role: 'tuf-target',
    localPath: join(tuf, 'targets', 'registry.npmjs.org', keys),
  });

  const sdist = await sha256File(members[0]!.localPath);
  const wheel = await sha256File(members[3]!.localPath);
  const input: ManifestInput = {
    createdAt: '2026-08-22T00:00:00Z',
    sources: { fromDir: '/work/shared/fixtures/pypi', tufDir: tuf },
    packages: [
      {
        name: 'pypi-attestations',
        version: '0.0.19',
        files: [
          {
            filename: 'pypi_attestations-0.0.19.tar.gz',
            path: members[0]!.path,
            ...sdist,
            provenance: members[1]!.path,
            coreMetadata: members[2]!.path,
          },
        ],
      },
      {
        name: 'rfc8785',
        version: '0.1.2',
        indexPage: 'index/rfc8785.json',
        files: [
          { filename: 'rfc8785-0.1.2-py3-none-any.whl', path: members[3]!.path, ...wheel, requiresPython: '>=3.8' },
        ],
      },
    ],
    tuf: {
      instance: 'public-good',
      pinnedRoot: { label: 'public-good', version: 15, sha256: 'a'.repeat(64) },
      rootVersion: 15,
      timestamp: { version: 762, expires: '2026-08-28T19:25:56Z' },
      snapshot: { version: 165, expires: '2026-09-19T00:00:00Z' },
      targets: { version: 14, expires: '2027-02-01T00:00:00Z' },
    },
  };
  return { members, input };
}
