import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { PYPI, REPO_ROOT, TUF_2026 } from '../helpers/fixtures.ts';

// The executable that crosses the air gap (npm run build), run as on the
// air-gapped side: copied alone into an empty folder, no node_modules, no node
// on PATH. It must behave as the clone's bin/airlock.js does. Two builds run
// side by side, once, for every test here.

const run = promisify(execFile);
const NOW = '2026-08-22T00:00:00Z';
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TGZ = `airlock-${VERSION}.tgz`;
const ARTIFACTS = ['airlock', 'airlock.cjs', TGZ, 'airlock.cdx.json', 'SHA256SUMS'];
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const work = mkdtempSync(join(tmpdir(), 'airlock-ship-'));
const outA = join(work, 'a');
const outB = join(work, 'b');
const gap = join(work, 'gap');
const emptyPath = join(work, 'empty-path');
const home = join(work, 'home');

function build(out: string): Promise<unknown> {
  return run(process.execPath, [join(REPO_ROOT, 'scripts', 'build.ts'), out], {
    cwd: REPO_ROOT,
    maxBuffer: 16 << 20,
    timeout: 1_100_000,
  });
}

before(
  async () => {
    await Promise.all([build(outA), build(outB)]);
    for (const d of [gap, emptyPath, home]) mkdirSync(d);
    copyFileSync(join(outA, 'airlock'), join(gap, 'airlock'));
  },
  { timeout: 1_200_000 },
);
after(() => rmSync(work, { recursive: true, force: true }));

function runExe(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      './airlock',
      args,
      { cwd: gap, env: { PATH: emptyPath, HOME: home }, timeout: 120_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: child.exitCode, signal: child.signalCode, stdout, stderr });
      },
    );
  });
}

/** Runs one command both ways; paths under `state` are the only thing allowed to differ. */
async function same(args: (state: string) => string[]): Promise<CliResult> {
  const stateSrc = mkdtempSync(join(work, 'state-src-'));
  const stateExe = mkdtempSync(join(work, 'state-exe-'));
  const src = await runCli(args(stateSrc));
  const exe = await runExe(args(stateExe));
  assert.equal(exe.stderr, src.stderr.split(stateSrc).join(stateExe));
  assert.equal(exe.stdout, src.stdout.split(stateSrc).join(stateExe));
  assert.equal(exe.code, src.code);
  assert.equal(exe.signal, null);
  return exe;
}

test('the executable needs nothing beside it: --help is the clone’s', { timeout: 600_000 }, async () => {
  const r = await same(() => ['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /airlock trust/);
  assert.deepEqual(readdirSync(gap), ['airlock']);
});

test('--version adds the sha256 of the bundled script', { timeout: 600_000 }, async () => {
  const src = await runCli(['--version']);
  assert.equal(src.stdout, `${VERSION}\n`);
  const exe = await runExe(['--version']);
  const digest = sha256(readFileSync(join(outA, 'airlock.cjs')));
  assert.equal(exe.stdout, `${VERSION} (bundle sha256 ${digest})\n`);
  assert.equal(exe.code, 0);
});

test('trust verify of a real TUF copy, from the embedded pinned root', { timeout: 600_000 }, async () => {
  const r = await same((state) => ['trust', 'verify', TUF_2026(), '--now', NOW, '--state', state]);
  assert.equal(r.code, 0);
  // The embedded root has the exact bytes of trust-roots/ (its documented sha256).
  assert.match(
    r.stdout,
    new RegExp(
      String.raw`pinned root trust-roots\/public-good\/13\.root\.json \(v13, sha256 ` +
        String.raw`39277f1fbd482f84d924b6cb77748f62ab0f031b3b5b9b29e681dae056c32250\)`,
    ),
  );
});

test('trust verify refusal is the same too (exit 1, same code)', { timeout: 600_000 }, async () => {
  const r = await same((state) => ['trust', 'verify', TUF_2026(), '--now', '2027-06-01T00:00:00Z', '--state', state]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /TUF_EXPIRED/);
});

test('attest verify of a real attestation with --trust-dir', { timeout: 600_000 }, async () => {
  const file = PYPI('pypi_attestations-0.0.19.tar.gz');
  const r = await same((state) => [
    'attest',
    'verify',
    file,
    '--provenance',
    `${file}.provenance`,
    '--trust-dir',
    TUF_2026(),
    '--now',
    NOW,
    '--state',
    state,
    '--repository',
    'https://github.com/trailofbits/pypi-attestations',
    '--workflow',
    'release.yml',
  ]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^OK /);
});

test('inspect of the demo bundle, text and --json (schemas are embedded)', { timeout: 600_000 }, async () => {
  const demo = join(REPO_ROOT, 'examples', 'demo-bundle.tar');
  assert.equal((await same(() => ['inspect', demo])).code, 0);
  assert.equal((await same(() => ['inspect', demo, '--json'])).code, 0);
});

test('verify and export of the demo bundle with its policy (the main job)', { timeout: 600_000 }, async () => {
  const demo = join(REPO_ROOT, 'examples', 'demo-bundle.tar');
  const policy = join(REPO_ROOT, 'examples', 'policy.toml');
  const v = await same((state) => ['verify', demo, '--policy', policy, '--now', NOW, '--state', state]);
  assert.equal(v.code, 0);
  const j = await same((state) => ['verify', demo, '--policy', policy, '--now', NOW, '--state', state, '--json']);
  assert.equal(j.code, 0);
});

test('two builds of one commit give the same bytes', { timeout: 600_000 }, () => {
  for (const name of ARTIFACTS)
    assert.equal(sha256(readFileSync(join(outB, name))), sha256(readFileSync(join(outA, name))), name);
});

test('SHA256SUMS checks with sha256sum -c; the SBOM lists the runtime dependencies only', {
  timeout: 600_000,
}, async () => {
  const sums = readFileSync(join(outA, 'SHA256SUMS'), 'utf8');
  assert.match(sums, new RegExp(`^${sha256(readFileSync(join(outA, 'airlock')))}  airlock$`, 'm'));
  const { stdout } = await run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: outA });
  assert.equal(stdout, `airlock: OK\n${TGZ}: OK\n`);

  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const bom = JSON.parse(readFileSync(join(outA, 'airlock.cdx.json'), 'utf8')) as {
    bomFormat: string;
    metadata: { component: { name: string; 'bom-ref': string } };
    components: { name: string }[];
    dependencies: { ref: string; dependsOn: string[] }[];
  };
  assert.equal(bom.bomFormat, 'CycloneDX');
  assert.equal(bom.metadata.component.name, 'airlock');
  const direct = bom.dependencies
    .find((d) => d.ref === bom.metadata.component['bom-ref'])
    ?.dependsOn.map((r) => r.slice(0, r.lastIndexOf('@')));
  assert.deepEqual(direct?.sort(), [...Object.keys(pkg.dependencies), 'node'].sort());
  const names = new Set(bom.components.map((c) => c.name));
  for (const tool of ['esbuild', 'postject', 'typescript', '@biomejs/biome', '@sigstore/mock'])
    assert.ok(!names.has(tool), `the SBOM lists the build tool ${tool}`);
});

test('the npm package installs offline with no registry and runs on Node 24', { timeout: 600_000 }, async () => {
  const prefix = join(work, 'prefix');
  const cache = join(work, 'npm-cache');
  await run('npm', ['install', '-g', '--prefix', prefix, '--offline', '--cache', cache, join(outA, TGZ)], {
    cwd: work,
    env: { ...process.env, npm_config_registry: 'http://127.0.0.1:9/' },
    timeout: 300_000,
  });
  const env = { PATH: dirname(process.execPath), HOME: home };
  const bin = join(prefix, 'bin', 'airlock');
  const help = await run(bin, ['--help'], { env, cwd: work });
  assert.equal(help.stdout, (await runCli(['--help'])).stdout);
  const version = await run(bin, ['--version'], { env, cwd: work });
  assert.equal(version.stdout, `${VERSION} (bundle sha256 ${sha256(readFileSync(join(outA, 'airlock.cjs')))})\n`);
  const installed = JSON.parse(readFileSync(join(prefix, 'lib', 'node_modules', 'airlock', 'package.json'), 'utf8'));
  assert.equal(installed.dependencies, undefined);
  assert.deepEqual(readdirSync(join(prefix, 'lib', 'node_modules', 'airlock')).sort(), ['airlock.cjs', 'package.json']);
});
