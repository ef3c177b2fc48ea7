// npm run bench [-- --size s|l]: how fast airlock verifies and bundles, each
// figure a ratio against a baseline measured in the same run on the same
// machine (see README, Performance). Corpora are built with the private
// Sigstore of test/helpers/private-sigstore.ts in a temporary folder. Not part
// of npm test. A figure that misses its target is printed as a miss and the
// run exits 1.

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { bundleFromJSON } from '@sigstore/bundle';
import { Verifier, toSignedEntity } from '@sigstore/verify';
import { loadTrustMaterial } from '../lib/sigstore/index.ts';
import { exportFigure } from './export.ts';
import { startIndexServer, type DistFixture } from '../test/helpers/index-server.ts';
import { PrivateSigstore, type PrivatePublisher } from '../test/helpers/private-sigstore.ts';
import { attestationToBundle, type PypiAttestation } from '../test/helpers/sigstore-bundles.ts';

const SIZES = {
  // xs: a smoke run of the bench itself, not a measurement.
  xs: { largeFiles: 2, largeMiB: 4, smallFiles: 50, exportExisting: 500 },
  s: { largeFiles: 3, largeMiB: 64, smallFiles: 2000, exportExisting: 10000 },
  l: { largeFiles: 4, largeMiB: 1024, smallFiles: 20000, exportExisting: 10000 },
} as const;

interface Figure {
  figure: string;
  measured: number | string;
  baseline: number | string;
  ratio: number | null;
  target: string;
  result: 'pass' | 'miss' | 'info' | 'not measured';
  unit?: string;
  note?: string;
}

const BIN = join(import.meta.dirname, '..', 'bin', 'airlock.js');
// airlock as measured: the executable of `npm run build` when it is there (build first: a stale one is measured
// as it is), else bin/airlock.js run by this Node 24 directly, not through the re-executing launcher.
const EXE = join(import.meta.dirname, '..', 'dist', 'airlock');
const USE_EXE = existsSync(EXE);
const AIRLOCK = USE_EXE ? 'dist/airlock' : 'node bin/airlock.js (no dist/airlock: npm run build)';
const NODE = process.execPath;
/** Groups of figures, for `--only verify-large,export` (all by default). */
const GROUPS = ['verify-large', 'verify-small', 'rss', 'bundle', 'export', 'start'] as const;
type Group = (typeof GROUPS)[number];
const PUBLISHER: PrivatePublisher = { kind: 'GitHub', repository: 'acme/bench', workflow: 'release.yml' };

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

/** Runs airlock with `args` as a whole process (see AIRLOCK). */
function runAirlock(args: string[]): ReturnType<typeof runProcess> {
  return USE_EXE ? runProcess(args, {}, EXE) : runProcess([BIN, ...args]);
}

/** Runs a whole process; wall time and peak RSS (Linux /proc via /usr/bin/time -f). */
async function runProcess(
  args: string[],
  env: Record<string, string> = {},
  program = NODE,
): Promise<{ seconds: number; rssMB: number; code: number; stderr: string }> {
  const t0 = process.hrtime.bigint();
  const child = spawn('/usr/bin/time', ['-f', 'RSS_KB=%M', program, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const [code] = (await once(child, 'exit')) as [number];
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rss = /RSS_KB=(\d+)/.exec(stderr);
  return { seconds, rssMB: rss ? Number(rss[1]) / 1024 : Number.NaN, code, stderr };
}

async function best(n: number, f: () => Promise<number>): Promise<number> {
  let b = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) b = Math.min(b, await f());
  return b;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(c as Buffer);
  return h.digest('hex');
}

async function writeRandom(path: string, bytes: number): Promise<string> {
  const h = createHash('sha256');
  const out = createWriteStream(path);
  for (let left = bytes; left > 0; ) {
    const chunk = randomBytes(Math.min(left, 1 << 20));
    h.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
    left -= chunk.length;
  }
  out.end();
  await once(out, 'finish');
  return h.digest('hex');
}

function fig(
  figure: string,
  measured: number,
  baseline: number,
  target: { op: '>=' | '<='; value: number } | undefined,
  unit: string,
  ratio = measured / baseline,
): Figure {
  const ok = target ? (target.op === '>=' ? ratio >= target.value : ratio <= target.value) : undefined;
  return {
    figure,
    measured: Number(measured.toPrecision(4)),
    baseline: Number(baseline.toPrecision(4)),
    ratio: Number(ratio.toFixed(3)),
    target: target ? `${target.op} ${target.value}` : '-',
    result: ok === undefined ? 'info' : ok ? 'pass' : 'miss',
    unit,
  };
}

async function main(): Promise<number> {
  const size = arg('--size', 's') as keyof typeof SIZES;
  if (!(size in SIZES)) throw new Error(`--size s or l, not ${size}`);
  const cfg = {
    ...SIZES[size],
    ...(process.argv.includes('--small') ? { smallFiles: Number(arg('--small', '0')) } : {}),
  };
  const only = new Set(arg('--only', GROUPS.join(',')).split(','));
  for (const g of only) if (!GROUPS.includes(g as Group)) throw new Error(`--only takes ${GROUPS.join(',')}, not ${g}`);
  const want = (...g: Group[]): boolean => g.some((x) => only.has(x));
  const tmp = await mkdtemp(join(tmpdir(), 'airlock-bench-'));
  const figures: Figure[] = [];
  const t0 = Date.now();
  const log = (m: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);
  try {
    const sig = await PrivateSigstore.create();
    const repo = await sig.tufRepo(join(tmp, 'tuf'));
    const root = repo.path('metadata', '1.root.json');
    const policy = join(tmp, 'policy.toml');
    await writeFile(
      policy,
      `[defaults]\nrequire = "attested"\n` +
        `publishers = [{ kind = "GitHub", repository = "acme/bench", workflow = "release.yml" }]\n`,
    );

    /** A --from-dir folder of `files`, each with provenance; bundled to `out`. */
    const makeBundle = async (name: string, files: { filename: string; sha256: string }[], out: string) => {
      const dir = join(tmp, name);
      const prov = await sig.provenance(files, PUBLISHER);
      for (const f of files) await writeFile(join(dir, `${f.filename}.provenance`), prov.get(f.filename)!);
      const r = await runAirlock(['bundle', '--from-dir', dir, '--tuf-dir', repo.dir, '--root', root, '-o', out]);
      if (r.code !== 0) throw new Error(`bundle ${name} failed: ${r.stderr}`);
      return prov;
    };
    const verify = async (archive: string, extra: string[] = []) => {
      const state = await mkdtemp(join(tmp, 'state-'));
      const r = await runAirlock([
        'verify',
        archive,
        '--root',
        root,
        '--policy',
        policy,
        '--state',
        state,
        '--json',
        ...extra,
      ]);
      if (r.code !== 0) throw new Error(`verify ${archive} failed (${r.code}): ${r.stderr.slice(0, 2000)}`);
      await rm(state, { recursive: true, force: true });
      return r;
    };

    // --- corpora -------------------------------------------------------------
    const largeDir = join(tmp, 'large');
    await mkdir(largeDir);
    const large: DistFixture[] = [];
    const largeTar = join(tmp, 'large.tar');
    let largeProv = new Map<string, Buffer>();
    if (want('verify-large', 'rss', 'bundle')) log(`large corpus: ${cfg.largeFiles} x ${cfg.largeMiB} MiB`);
    for (let i = 0; want('verify-large', 'rss', 'bundle') && i < cfg.largeFiles; i++) {
      const filename = `big${i}-1.0.tar.gz`;
      const sha256 = await writeRandom(join(largeDir, filename), cfg.largeMiB << 20);
      const metadata = Buffer.from(`Metadata-Version: 2.1\nName: big${i}\nVersion: 1.0\n`);
      large.push({
        project: `big${i}`,
        version: '1.0',
        filename,
        sha256,
        bytes: Buffer.alloc(0),
        metadata,
        metadataSha256: createHash('sha256').update(metadata).digest('hex'),
      });
    }
    if (want('verify-large', 'rss', 'bundle')) largeProv = await makeBundle('large', large, largeTar);
    const smallDir = join(tmp, 'small');
    await mkdir(smallDir);
    const small: { filename: string; sha256: string }[] = [];
    const smallTar = join(tmp, 'small.tar');
    let smallProv = new Map<string, Buffer>();
    if (want('verify-small', 'rss')) log(`small corpus: ${cfg.smallFiles} files with provenance`);
    for (let i = 0; want('verify-small', 'rss') && i < cfg.smallFiles; i++) {
      const filename = `small${i}-1.0.tar.gz`;
      const bytes = Buffer.from(`small file ${i}\n`);
      await writeFile(join(smallDir, filename), bytes);
      small.push({ filename, sha256: createHash('sha256').update(bytes).digest('hex') });
    }
    if (want('verify-small', 'rss')) smallProv = await makeBundle('small', small, smallTar);
    const oneDir = join(tmp, 'one');
    await mkdir(oneDir);
    await writeFile(join(oneDir, 'one-1.0.tar.gz'), 'one\n');
    const oneTar = join(tmp, 'one.tar');
    if (want('start'))
      await makeBundle(
        'one',
        [{ filename: 'one-1.0.tar.gz', sha256: createHash('sha256').update('one\n').digest('hex') }],
        oneTar,
      );

    // --- verify, large files: bytes/s over node's streaming sha256 --------------
    let vLarge: Awaited<ReturnType<typeof verify>> | undefined;
    let vAll: Awaited<ReturnType<typeof verify>> | undefined;
    if (want('verify-large', 'rss')) {
      log('verify large');
      const largeBytes = (await stat(largeTar)).size;
      const hashS = await best(2, async () => {
        const t = performance.now();
        await sha256File(largeTar);
        return (performance.now() - t) / 1000;
      });
      vLarge = await verify(largeTar);
      figures.push(
        fig(
          'verify large files (MB/s, .tar)',
          largeBytes / 1e6 / vLarge.seconds,
          largeBytes / 1e6 / hashS,
          { op: '>=', value: 0.85 },
          'MB/s',
        ),
      );
      for (const [label, name] of [
        ['gzip', 'large.tar.gz'],
        ['zstd', 'large.tar.zst'],
      ] as const) {
        const out = join(tmp, name);
        const r = await runAirlock([
          'bundle',
          '--from-dir',
          largeDir,
          '--tuf-dir',
          repo.dir,
          '--root',
          root,
          '-o',
          out,
        ]);
        if (r.code !== 0) {
          figures.push({
            figure: `verify large files (${label})`,
            measured: 'n/a',
            baseline: 'n/a',
            ratio: null,
            target: '-',
            result: 'not measured',
            note: r.stderr.split('\n')[0],
          });
          continue;
        }
        const v = await verify(out);
        figures.push(
          fig(
            `verify large files (MB/s, ${label})`,
            largeBytes / 1e6 / v.seconds,
            largeBytes / 1e6 / hashS,
            undefined,
            'MB/s',
          ),
        );
      }
      const extractTo = join(tmp, 'extracted');
      const vExtract = await verify(largeTar, ['--extract', extractTo]);
      figures.push(
        fig(
          'verify large files (MB/s, --extract)',
          largeBytes / 1e6 / vExtract.seconds,
          largeBytes / 1e6 / hashS,
          undefined,
          'MB/s',
        ),
      );
      await rm(extractTo, { recursive: true, force: true });
    }

    // --- verify, many small files: attestations/s over the reference Verifier ----
    if (want('verify-small', 'rss')) {
      log('verify small (reference Verifier loop)');
      const trust = loadTrustMaterial(sig.trustedRoot(), 'trusted_root.json');
      const bundles = [...smallProv.values()].map((p) => {
        const prov = JSON.parse(p.toString('utf8')) as { attestation_bundles: { attestations: PypiAttestation[] }[] };
        return attestationToBundle(prov.attestation_bundles[0]!.attestations[0]!);
      });
      const verifier = new Verifier(trust.material, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
      const refS = await best(2, async () => {
        const t = performance.now();
        for (const b of bundles) verifier.verify(toSignedEntity(bundleFromJSON(b)));
        return (performance.now() - t) / 1000;
      });
      const refRate = bundles.length / refS;
      log('verify small (airlock)');
      const v1 = await verify(smallTar, ['--jobs', '1']);
      figures.push(
        fig(
          'verify small files, --jobs 1 (attestations/s)',
          bundles.length / v1.seconds,
          refRate,
          { op: '>=', value: 4 },
          'att/s',
        ),
      );
      vAll = await verify(smallTar);
      figures.push(
        fig(
          'verify small files, all cores (attestations/s)',
          bundles.length / vAll.seconds,
          refRate,
          { op: '>=', value: 7 },
          'att/s',
        ),
      );
    }

    // --- peak RSS ---------------------------------------------------------------
    if (vLarge && vAll) {
      const rss = fig('peak RSS verify large / small (MB)', vLarge.rssMB, vAll.rssMB, { op: '<=', value: 1.5 }, 'MB');
      if (vLarge.rssMB >= 200) {
        rss.result = 'miss';
        rss.note = `large verify peak ${vLarge.rssMB.toFixed(0)} MB, target < 200 MB`;
      }
      figures.push(rss);
    }

    // --- bundle from a local index server ---------------------------------------
    if (want('bundle')) {
      log('bundle from a local index server');
      for (const d of large) {
        d.bytes = readFileSync(join(largeDir, d.filename));
        d.provenance = largeProv.get(d.filename);
      }
      const server = await startIndexServer({ tufDir: repo.dir, dists: large });
      try {
        const dlDir = join(tmp, 'download');
        await mkdir(dlDir);
        const dlS = await best(2, async () => {
          const t = performance.now();
          await Promise.all(
            large.map(async (d) => {
              const res = await fetch(`${server.base}/files/${d.filename}`);
              const out = createWriteStream(join(dlDir, d.filename));
              for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
                if (!out.write(c)) await once(out, 'drain');
              }
              out.end();
              await once(out, 'finish');
            }),
          );
          return (performance.now() - t) / 1000;
        });
        const lock = join(tmp, 'pylock.toml');
        await writeFile(
          lock,
          `lock-version = "1.0"\ncreated-by = "airlock bench"\n\n${large
            .map(
              (d) =>
                `[[packages]]\nname = "${d.project}"\nversion = "${d.version}"\n` +
                `sdist = { name = "${d.filename}", url = "${server.base}/files/${d.filename}", ` +
                `size = ${d.bytes.length}, hashes = { sha256 = "${d.sha256}" } }\n`,
            )
            .join('\n')}`,
        );
        const out = join(tmp, 'from-index.tar');
        const r = await runAirlock([
          'bundle',
          '--lock',
          lock,
          '-o',
          out,
          '--index-url',
          server.indexUrl,
          '--tuf-url',
          server.tufUrl,
          '--root',
          root,
        ]);
        const totalBytes = large.reduce((n, d) => n + d.bytes.length, 0);
        if (r.code !== 0)
          figures.push({
            figure: 'bundle from a local index (MB/s)',
            measured: 'failed',
            baseline: 'n/a',
            ratio: null,
            target: '>= 0.8',
            result: 'miss',
            note: r.stderr.split('\n').slice(0, 2).join(' '),
          });
        else
          figures.push(
            fig(
              'bundle from a local index (MB/s)',
              totalBytes / 1e6 / r.seconds,
              totalBytes / 1e6 / dlS,
              { op: '>=', value: 0.8 },
              'MB/s',
            ),
          );
      } finally {
        await server.close();
        for (const d of large) d.bytes = Buffer.alloc(0);
      }
    }

    // --- export: 100 new files into an index of 10,000, over into an empty one ---
    if (want('export')) {
      const e = await exportFigure({
        tmp,
        existing: cfg.exportExisting,
        makeBundle,
        airlock: runAirlock,
        verifyArgs: ['--root', root, '--policy', policy, '--json'],
        log,
      });
      figures.push(
        fig(`export 100 into ${cfg.exportExisting} / into empty (s)`, e.into, e.empty, { op: '<=', value: 2 }, 's'),
      );
    }

    // --- cold start -------------------------------------------------------------
    if (want('start')) {
      const note = AIRLOCK;
      log(`cold start (${note})`);
      const nodeS = await best(5, async () => (await runProcess(['-e', '0'])).seconds);
      const versionS = await best(5, async () => (await runAirlock(['--version'])).seconds);
      figures.push({ ...fig('cold start: airlock --version (s)', versionS, nodeS, { op: '<=', value: 2 }, 's'), note });
      const oneS = await best(5, async () => {
        const state = await mkdtemp(join(tmp, 'state-'));
        const r = await runAirlock(['verify', oneTar, '--root', root, '--policy', policy, '--state', state, '--json']);
        if (r.code !== 0) throw new Error(`verify ${oneTar} failed (${r.code}): ${r.stderr.slice(0, 2000)}`);
        await rm(state, { recursive: true, force: true });
        return r.seconds;
      });
      figures.push({
        ...fig('cold start: verify of a one-file bundle (s)', oneS, nodeS, { op: '<=', value: 4 }, 's'),
        note,
      });
    }
  } finally {
    if (process.argv.includes('--keep')) process.stderr.write(`kept ${tmp}\n`);
    else await rm(tmp, { recursive: true, force: true });
  }

  const rows = figures.map((f) => [
    f.figure,
    String(f.measured),
    String(f.baseline),
    f.ratio === null ? '-' : String(f.ratio),
    f.target,
    f.result + (f.note ? ` (${f.note})` : ''),
  ]);
  const head = ['figure', 'measured', 'baseline', 'ratio', 'target', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  process.stdout.write(
    `size ${size}, airlock measured: ${AIRLOCK}; the machine may be shared: figures are ` +
      `noisy\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${rows.map(line).join('\n')}\n`,
  );
  await writeFile(
    join(import.meta.dirname, 'results.json'),
    `${JSON.stringify({ size, airlock: AIRLOCK, date: new Date().toISOString(), figures }, null, 2)}\n`,
  );
  const misses = figures.filter((f) => f.result === 'miss').length;
  if (misses) process.stdout.write(`${misses} figure(s) missed their target\n`);
  return misses ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 2;
  },
);
