import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './fixtures.ts';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI in a child process, as a user or a script would. Unless
 * the caller sets them, HOME and XDG_STATE_HOME point to a fresh folder for
 * each run, so no test reads or moves the real trust state, nor another
 * test's.
 */
export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const home = mkdtempSync(join(tmpdir(), 'airlock-cli-home-'));
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'airlock.js'), ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: { ...process.env, HOME: home, XDG_STATE_HOME: join(home, 'state'), ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 120_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  }).finally(() => rmSync(home, { recursive: true, force: true }));
}
