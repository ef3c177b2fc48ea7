import { readFileSync } from 'node:fs';
import { getAsset, isSea } from 'node:sea';
import { toolVersion } from '../bundle/tool.ts';
import { isMainThread } from 'node:worker_threads';

// The entry of the single-file build (scripts/build.ts), which is CommonJS, so
// no top-level await here (bin/airlock.js stays the launcher of a clone).
// --version names the exact script that runs: the executable carries its
// script's sha256 as an asset, and the npm package's script hashes itself.

export const BUNDLE_DIGEST_ASSET = 'bundle.sha256';
/** The script itself, for the provenance workers: a Worker inside a single executable has no file to start from. */
export const BUNDLE_SCRIPT_ASSET = 'airlock.cjs';

function bundleDigest(): string {
  if (isSea()) return getAsset(BUNDLE_DIGEST_ASSET, 'utf8');
  // node:crypto is loaded here, not at start: the executable's --version never needs it.
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256').update(readFileSync(__filename)).digest('hex');
}

const argv = process.argv.slice(2);
const version = argv.includes('--version') ? `${toolVersion()} (bundle sha256 ${bundleDigest()})` : toolVersion();
// This same script also runs as a provenance worker of `verify` (lib/verify/workers.ts starts it: see the
// build's lib/verify/worker-script.ts); it then serves the pool instead of reading a command line. A lone
// --version is answered here, as bin/airlock.js does for a clone: the CLI's modules (yargs, the command
// table) are initialised only when needed.
const run: Promise<number> = !isMainThread
  ? import('../verify/provenance-worker.ts').then((w) => {
      if (!w.isProvenanceWorker()) throw new Error('started as a worker that is not a provenance worker');
      w.serveProvenanceChecks();
      return 0;
    })
  : argv.length === 1 && argv[0] === '--version'
    ? Promise.resolve(process.stdout.write(`${version}\n`)).then(() => 0)
    : import('./main.ts').then(({ main }) => main(argv, version));
run.then(
  (code) => {
    if (isMainThread) process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`airlock: INTERNAL_ERROR: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
