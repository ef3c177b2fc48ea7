#!/usr/bin/env node
// airlock runs on the Node.js 24 that `npm ci` installs as the `node`
// devDependency, whatever Node the host has: on an older Node this launcher
// re-executes itself with that one. It is plain JavaScript so that any Node
// can read it; everything else lives in lib/ as TypeScript run by Node 24.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  let nodeBin;
  try {
    nodeBin = join(dirname(createRequire(import.meta.url).resolve('node/package.json')), 'bin', 'node');
  } catch {
    process.stderr.write(
      `airlock: INTERNAL_ERROR: Node.js ${process.versions.node} is too old and the node@24 devDependency is not ` +
        `installed; run 'npm ci' first\n`,
    );
    process.exit(2);
  }
  // Async, so that this process stays responsive: a SIGINT or SIGTERM sent to
  // the launcher (not only to the terminal's process group) is passed on to
  // the child, which removes its partial output; the launcher exits when the
  // child does, with its status, and never leaves it orphaned.
  const child = spawn(nodeBin, [import.meta.filename ?? new URL(import.meta.url).pathname, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('error', (e) => {
    process.stderr.write(`airlock: INTERNAL_ERROR: cannot start ${nodeBin}: ${e.message}\n`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Die of the same signal, as a shell expects; our own handlers step aside first.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 2);
  });
} else if (process.argv.length === 3 && process.argv[2] === '--version') {
  // Answered here: loading the CLI (yargs, the TypeScript loader, the command
  // table) would make `airlock --version` several times `node -e 0`.
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  // V8's compile cache (in the OS temp folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off) keeps the
  // compiled modules between runs: a third of a short run's start-up otherwise.
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();
  const { main } = await import('../lib/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
