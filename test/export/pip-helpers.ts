import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/fixtures.ts';

// Real pip in a fresh virtual environment, and Debian's nginx with the
// example configuration. Debian's python3 is preferred: .ci/run installs
// python3-venv, python3-pip and the build backends the fixture sdists name
// (flit_core, setuptools with wheel), so pip can prepare their metadata
// offline with --no-build-isolation; the venv sees them through
// --system-site-packages and has nothing else installed by pip.

export function findPython(): string | undefined {
  for (const py of [process.env.AIRLOCK_TEST_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!py) continue;
    const r = spawnSync(py, ['-c', 'import venv, ensurepip'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

export interface Run {
  code: number;
  out: string;
}

export function run(cmd: string, args: string[], timeout = 300_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

export async function makeVenv(python: string, dir: string): Promise<string> {
  const r = await run(python, ['-m', 'venv', '--system-site-packages', dir]);
  if (r.code !== 0) throw new Error(`venv failed: ${r.out}`);
  return join(dir, 'bin', 'python');
}

export function pip(venvPython: string, args: string[]): Promise<Run> {
  return run(venvPython, [
    '-m',
    'pip',
    '--isolated',
    '--disable-pip-version-check',
    '--no-input',
    '--no-cache-dir',
    '--timeout',
    '60',
    ...args,
  ]);
}

export async function canBuildSdists(venvPython: string): Promise<boolean> {
  return (await run(venvPython, ['-c', 'import flit_core, setuptools, wheel'])).code === 0;
}

export function hasNginx(): boolean {
  return spawnSync('nginx', ['-v'], { stdio: 'ignore' }).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Runs nginx in the foreground with examples/nginx.conf, only its listen and root lines changed. */
export async function startNginx(exportDir: string, work: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const prefix = join(work, 'nginx');
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  // nginx workers run as an unprivileged user: the export must be readable by them.
  for (const d of [work, exportDir]) chmodSync(d, 0o755);
  const conf = readFileSync(join(REPO_ROOT, 'examples', 'nginx.conf'), 'utf8')
    .replace('listen 127.0.0.1:8080;', `listen 127.0.0.1:${port};`)
    .replace('root /srv/airlock-export;', `root ${exportDir};`);
  writeFileSync(join(prefix, 'nginx.conf'), conf);
  const child: ChildProcess = spawn(
    'nginx',
    [
      '-p',
      prefix,
      '-c',
      join(prefix, 'nginx.conf'),
      '-g',
      `daemon off; pid ${join(prefix, 'nginx.pid')}; error_log stderr;`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  const url = `http://127.0.0.1:${port}/simple/`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(url).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`nginx exited: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.on('close', () => resolve());
        child.kill('SIGQUIT');
      }),
  };
}
