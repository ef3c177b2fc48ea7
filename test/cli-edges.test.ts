import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from './helpers/cli.ts';
import { REPO_ROOT, TUF_2026 } from './helpers/fixtures.ts';

// Issue 9.9: command-line edges. An unknown command is USAGE (exit 2) with
// or without --help; every option given twice is USAGE for every command
// (lib/cli/commands/single-options.ts, derived from each declaration), flags
// included; `--now` twice no longer crashes. And issue 9.5: the launcher
// forwards a signal to the Node it re-executes and exits when it does.

const dir = mkdtempSync(join(tmpdir(), 'airlock-cli-edges-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('an unknown command or subcommand is USAGE, exit 2, with or without --help', async () => {
  for (const args of [
    ['frobnicate'],
    ['frobnicate', '--help'],
    ['--help', 'frobnicate'],
    ['trust', 'frobnicate', '--help'],
  ]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
    assert.match(r.stderr, /^airlock: USAGE: Unknown argument: frobnicate\n$/, args.join(' '));
  }
  const help = await runCli(['trust', 'verify', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /airlock trust verify <dir>/);
});

const REPEATED: Array<[string, string[]]> = [
  ['now', ['trust', 'verify', 'x', '--now', '2026-08-22T00:00:00Z', '--now', '2026-08-23T00:00:00Z']],
  ['state', ['trust', 'verify', 'x', '--state', 'a', '--state', 'b']],
  ['now', ['attest', 'verify', 'f.whl', '--trusted-root', 'r', '--now', 'a', '--now', 'b']],
  ['provenance', ['attest', 'verify', 'f.whl', '--provenance', 'a', '--provenance', 'b']],
  ['now', ['sigstore', 'verify-bundle', 'a', '--bundle', 'b', '--now', 'a', '--now', 'b']],
  ['bundle', ['sigstore', 'verify-bundle', 'a', '--bundle', 'b', '--bundle', 'c']],
  ['output', ['bundle', 'x==1', '-o', 'a.tar', '-o', 'b.tar']],
  ['now', ['bundle', 'x==1', '-o', 'a.tar', '--now', 'a', '--now', 'b']],
  ['jobs', ['bundle', 'x==1', '-o', 'a.tar', '--jobs', '1', '--jobs', '2']],
  ['only-binary', ['bundle', 'x==1', '-o', 'a.tar', '--only-binary', '--only-binary']],
  ['json', ['inspect', 'a.tar', '--json', '--json']],
  ['debug', ['--debug', 'attest', 'inspect', 'p', '--debug']],
];

test('every option given twice is USAGE, for every command', async () => {
  for (const [name, args] of REPEATED) {
    const r = await runCli(args);
    assert.equal(r.code, 2, args.join(' '));
    // (--debug adds the stack after the one line.)
    assert.equal(
      r.stderr.split('\n')[0],
      `airlock: USAGE: --${name} is given more than once; give it once`,
      args.join(' '),
    );
  }
  // A repeatable option stays repeatable.
  const p = await runCli([
    'bundle',
    'x==1',
    '-o',
    join(dir, 'o.tar'),
    '--platform',
    'a',
    '--platform',
    'b',
    '--jobs',
    '0',
  ]);
  assert.match(p.stderr, /USAGE: --jobs must be an integer/);
});

/** A Node older than 24 on the PATH, so that the launcher re-executes itself (as on a user's host). */
function oldNode(): string | undefined {
  try {
    const path = execFileSync('which', ['node'], { encoding: 'utf8' }).trim();
    const major = Number(execFileSync(path, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }));
    return major < 24 ? path : undefined;
  } catch {
    return undefined;
  }
}

const OLD_NODE = oldNode();

test('SIGTERM to the launcher reaches the re-executed Node; both exit, no orphan', { skip: !OLD_NODE }, async () => {
  // The command waits on the state lock held by this (live) process.
  const state = join(dir, 'state-held');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(state, { recursive: true });
  writeFileSync(
    join(state, '.airlock.lock'),
    JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }),
  );
  const launcher = spawn(
    OLD_NODE!,
    [
      join(REPO_ROOT, 'bin', 'airlock.js'),
      'trust',
      'verify',
      TUF_2026(),
      '--state',
      state,
      '--now',
      '2026-08-22T00:00:00Z',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  launcher.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    launcher.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const children = () => {
    try {
      return execFileSync('ps', ['-o', 'pid=', '--ppid', String(launcher.pid)], { encoding: 'utf8' })
        .split('\n')
        .map((s) => Number(s.trim()))
        .filter((n) => n > 0);
    } catch {
      return [];
    }
  };
  let child: number[] = [];
  for (let i = 0; i < 200 && child.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    child = children();
  }
  assert.equal(child.length, 1, 'the launcher runs one child');
  // Let the child load and reach the lock wait (up to 30 s), its signal handlers installed.
  await new Promise((r) => setTimeout(r, 8000));
  launcher.kill('SIGTERM');
  const end = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
  assert.notEqual(end, 'timeout', 'the launcher exits when its child does');
  assert.ok(end !== 'timeout' && (end.signal === 'SIGTERM' || end.code === 143), JSON.stringify(end));
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 100 && alive(child[0]!); i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(alive(child[0]!), false, 'no orphaned child');
  assert.match(stderr, /INTERRUPTED: received SIGTERM/);
});
