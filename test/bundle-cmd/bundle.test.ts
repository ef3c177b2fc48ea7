import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readBundle } from '../../lib/bundle/index.ts';
import { validateSchema } from '../../lib/schemas.ts';
import { runCli } from '../helpers/cli.ts';
import { FIXTURES, TUF_2026, TUF_2026_BUNDLED } from '../helpers/fixtures.ts';
import { startIndexServer, type IndexServer } from '../helpers/index-server.ts';
import {
  FAST_ENV,
  removeDirs,
  NOW,
  freshDirs,
  leftovers,
  serverArgs,
  writePylock,
  writeRequirements,
} from './helpers.ts';

// `airlock bundle` end to end: the real CLI against a real index and TUF CDN
// on 127.0.0.1 built from the real fixtures; the archive is read back with
// lib/bundle's reader, which checks every member against the manifest.

let s: IndexServer;
before(async () => {
  s = await startIndexServer();
});
after(async () => {
  await s.close();
  await removeDirs();
});

test(
  'bundle from a pylock.toml: every file with its provenance and core metadata, TUF verified, --json ' + 'report',
  async () => {
    const { inputs, out } = await freshDirs();
    const lock = await writePylock(s, join(inputs, 'pylock.toml'));
    const archive = join(out, 'mirror.tar');
    const r = await runCli(['bundle', '--lock', lock, '-o', archive, ...serverArgs(s), '--json'], { env: FAST_ENV });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const report = validateSchema<Record<string, unknown>>('bundle-report', JSON.parse(r.stdout), 'stdout');
    assert.equal(report.createdAt, NOW.replace('.000', ''));
    assert.deepEqual(await leftovers(out), ['mirror.tar']);

    const seen = new Map<string, Buffer>();
    const manifest = await readBundle(archive, {
      onMember: async (m, stream) => {
        const parts: Buffer[] = [];
        for await (const c of stream) parts.push(c as Buffer);
        seen.set(m.path, Buffer.concat(parts));
      },
    });
    assert.equal(manifest.createdAt, '2026-08-22T00:00:00Z');
    assert.deepEqual(manifest.sources, { indexUrl: s.indexUrl, lock, tufUrl: s.tufUrl });
    assert.deepEqual(manifest.tuf, {
      instance: 'public-good',
      pinnedRoot: manifest.tuf!.pinnedRoot,
      rootVersion: 15,
      timestamp: { version: 762, expires: '2026-08-28T19:25:56Z' },
      snapshot: { version: 165, expires: manifest.tuf!.snapshot.expires },
      targets: { version: 14, expires: manifest.tuf!.targets.expires },
    });
    assert.equal(manifest.tuf!.pinnedRoot.label, 'trust-roots/public-good/13.root.json');
    assert.deepEqual(
      manifest.packages.map((p) => `${p.name}==${p.version}`),
      ['gitlab-oidc-project==0.0.3', 'pypi-attestations==0.0.19', 'rfc8785==0.1.2'],
    );
    for (const d of s.dists) {
      const p = manifest.packages.find((x) => x.name === d.project)!;
      const f = p.files[0]!;
      assert.equal(p.indexPage, `index/${d.project}.json`);
      assert.deepEqual(
        [f.filename, f.sha256, f.size, f.url],
        [d.filename, d.sha256, d.bytes.length, `${s.base}/files/${d.filename}`],
      );
      assert.deepEqual(seen.get(f.path), d.bytes);
      assert.deepEqual(seen.get(f.coreMetadata!), d.metadata);
      if (d.provenance) assert.deepEqual(seen.get(f.provenance!), d.provenance);
      else assert.equal(f.provenance, undefined);
    }
    assert.ok(s.dists.some((d) => d.provenance));
    assert.deepEqual(
      manifest.members.filter((m) => m.path.startsWith('tuf/')).map((m) => m.path),
      TUF_2026_BUNDLED,
    );
    for (const m of TUF_2026_BUNDLED) {
      const local = join(TUF_2026(), m.slice('tuf/'.length));
      assert.deepEqual(seen.get(m), await readFile(local), m);
    }
  },
);

test('bundle from a hash-checking requirements file; the text summary names every file', async () => {
  const { inputs, out } = await freshDirs();
  const req = await writeRequirements(s, join(inputs, 'requirements.txt'));
  const r = await runCli(['bundle', '-r', req, '-o', join(out, 'b.tar.gz'), ...serverArgs(s)], { env: FAST_ENV });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^wrote ${join(out, 'b.tar.gz')} \\(\\d+ bytes, sha256 [0-9a-f]{64}\\)$`, 'm'));
  assert.match(r.stdout, /pypi-attestations 0\.0\.19: pypi_attestations-0\.0\.19\.tar\.gz \+ provenance \+ metadata/);
  assert.match(r.stdout, /rfc8785 0\.1\.2: rfc8785-0\.1\.2-py3-none-any\.whl \(no provenance\) \+ metadata/);
  assert.match(r.stdout, /TUF: root v15, timestamp v762, snapshot v165, targets v14 \(8 files/);
  const m = await readBundle(join(out, 'b.tar.gz'));
  assert.equal(m.packages.length, 3);
  // What a user on the other side sees first: `airlock inspect`.
  const i = await runCli(['inspect', join(out, 'b.tar.gz')]);
  assert.equal(i.code, 0, i.stderr);
  assert.match(i.stdout, /Packages \(3, 3 files, 2 with provenance\)/);
  assert.match(i.stdout, /provenance: publisher GitHub trailofbits\/pypi-attestations workflow release\.yml/);
  assert.match(i.stdout, /provenance: publisher GitLab facutuesca\/gitlab-oidc-project workflow \.gitlab-ci\.yml/);
  assert.match(
    i.stdout,
    /TUF \(public-good\): root v15, from pinned root trust-roots\/public-good\/13\.root\.json v13/,
  );
  assert.match(i.stdout, /timestamp v762, expires 2026-08-28T19:25:56Z/);
});

test(
  'NAME==VERSION from a PEP 503 HTML-only index: provenance through the Integrity API, 404 meaning ' + 'none',
  async () => {
    const html = await startIndexServer({ htmlOnly: true });
    try {
      const { out } = await freshDirs();
      const r = await runCli(
        [
          'bundle',
          'pypi-attestations==0.0.19',
          'rfc8785==0.1.2',
          '-o',
          join(out, 'b.tar'),
          ...serverArgs(html),
          '--json',
        ],
        { env: FAST_ENV },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(html.hits('/integrity/pypi-attestations/0.0.19/pypi_attestations-0.0.19.tar.gz/provenance'), 1);
      assert.equal(html.hits('/integrity/rfc8785/0.1.2/rfc8785-0.1.2-py3-none-any.whl/provenance'), 1);
      const m = await readBundle(join(out, 'b.tar'));
      const [pa, rfc] = m.packages;
      assert.equal(pa!.files[0]!.provenance, 'packages/pypi-attestations/pypi_attestations-0.0.19.tar.gz.provenance');
      assert.equal(rfc!.files[0]!.provenance, undefined);
      // HTML pages are not kept: the manifest's index page is the PEP 691 JSON form only.
      assert.equal(pa!.indexPage, undefined);
    } finally {
      await html.close();
    }
  },
);

test('--from-dir with --tuf-dir: distributions and provenance files from folders, no network', async () => {
  const { out } = await freshDirs();
  const r = await runCli(
    [
      'bundle',
      '--from-dir',
      join(FIXTURES, 'pypi'),
      '--tuf-dir',
      TUF_2026(),
      '-o',
      join(out, 'b.tar'),
      '--now',
      NOW,
      '--json',
    ],
    { env: FAST_ENV },
  );
  assert.equal(r.code, 0, r.stderr);
  const m = await readBundle(join(out, 'b.tar'));
  assert.deepEqual(m.sources, { fromDir: join(FIXTURES, 'pypi'), tufDir: TUF_2026() });
  assert.deepEqual(
    m.packages.map((p) => [p.name, p.files.map((f) => [f.filename, f.provenance !== undefined])]),
    [
      ['gitlab-oidc-project', [['gitlab_oidc_project-0.0.3.tar.gz', true]]],
      ['pypi-attestations', [['pypi_attestations-0.0.19.tar.gz', true]]],
      ['rfc8785', [['rfc8785-0.1.2-py3-none-any.whl', false]]],
    ],
  );
  assert.deepEqual(
    m.members.filter((x) => x.path.startsWith('tuf/')).map((x) => x.path),
    TUF_2026_BUNDLED,
  );
});

test('deterministic: two bundles of the same inputs and --now are byte-identical', async () => {
  const { inputs, out } = await freshDirs();
  const lock = await writePylock(s, join(inputs, 'pylock.toml'));
  const a = await runCli(['bundle', '--lock', lock, '-o', join(out, 'a.tar'), ...serverArgs(s), '--jobs', '1'], {
    env: FAST_ENV,
  });
  const b = await runCli(['bundle', '--lock', lock, '-o', join(out, 'b.tar'), ...serverArgs(s), '--jobs', '3'], {
    env: FAST_ENV,
  });
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(await readFile(join(out, 'a.tar')), await readFile(join(out, 'b.tar')));
});

test('yanked files: refused for NAME==VERSION, bundled when the lock pins them by hash', async () => {
  const y = await startIndexServer({ yanked: { 'rfc8785-0.1.2-py3-none-any.whl': 'broken metadata' } });
  try {
    const { inputs, out } = await freshDirs();
    const r = await runCli(['bundle', 'rfc8785==0.1.2', '-o', join(out, 'b.tar'), ...serverArgs(y)], { env: FAST_ENV });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'airlock: YANKED: argv: spec 1: rfc8785-0.1.2-py3-none-any.whl of rfc8785==0.1.2 is yanked (broken metadata); ' +
        'pin it by hash in a lock to bundle it anyway\n',
    );
    assert.deepEqual(await leftovers(out), []);
    const req = await writeRequirements(y, join(inputs, 'requirements.txt'));
    const ok = await runCli(['bundle', '-r', req, '-o', join(out, 'b.tar'), ...serverArgs(y), '--json'], {
      env: FAST_ENV,
    });
    assert.equal(ok.code, 0, ok.stderr);
    const m = await readBundle(join(out, 'b.tar'));
    assert.equal(m.packages.find((p) => p.name === 'rfc8785')!.files[0]!.yanked, 'broken metadata');
  } finally {
    await y.close();
  }
});

test('usage errors: no input, two inputs, filters with a lock, plain-http index, bad --jobs', async () => {
  const { inputs, out } = await freshDirs();
  const o = ['-o', join(out, 'b.tar')];
  const cases: Array<[string[], RegExp]> = [
    [[...o], /give exactly one of -r FILE, --lock FILE, --from-dir DIR or NAME==VERSION arguments/],
    [['a==1', '--lock', join(inputs, 'x'), ...o], /give exactly one of/],
    [
      ['--lock', await writePylock(s, join(inputs, 'p.toml')), '--platform', 'any', ...o],
      /--platform, --python-version and --only-binary filter NAME==VERSION arguments/,
    ],
    [
      ['a==1', '--index-url', 'http://pypi.example/simple/', ...o],
      /--index-url must be https \(plain http only to loopback\)/,
    ],
    [['a==1', '--jobs', '0', ...o], /--jobs must be an integer from 1 to 64/],
    [['a>=1', ...o], /'a>=1' is not NAME==VERSION/],
    [['a==1', '--python-version', '3', ...o], /--python-version must be MAJOR.MINOR/],
  ];
  for (const [args, msg] of cases) {
    const r = await runCli(['bundle', ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^airlock: USAGE: /);
    assert.match(r.stderr, msg);
  }
  assert.deepEqual(await leftovers(out), []);
});
