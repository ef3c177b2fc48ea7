import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { getAsset, isSea } from 'node:sea';
import { toolVersion } from '../bundle/tool.ts';
import { main } from './main.ts';
import { isProvenanceWorker, serveProvenanceChecks } from '../verify/provenance-worker.ts';

// The entry of the single-file build (scripts/build.ts), which is CommonJS, so
// no top-level await here (bin/airlock.js stays the launcher of a clone).
// --version names the exact script that runs: the executable carries its
// script's sha256 as an asset, and the npm package's script hashes itself.

export const BUNDLE_DIGEST_ASSET = 'bundle.sha256';
/** The script itself, for the provenance workers: a Worker inside a single executable has no file to start from. */
export const BUNDLE_SCRIPT_ASSET = 'airlock.cjs';

function bundleDigest(): string {
  if (isSea()) return getAsset(BUNDLE_DIGEST_ASSET, 'utf8');
  return createHash('sha256').update(readFileSync(__filename)).digest('hex');
}

// This same script also runs as a provenance worker of `verify` (lib/verify/workers.ts starts it: see the
// build's lib/verify/worker-script.ts); it then serves the pool instead of reading a command line.
if (isProvenanceWorker()) serveProvenanceChecks();
else {
  const argv = process.argv.slice(2);
  const version = argv.includes('--version') ? `${toolVersion()} (bundle sha256 ${bundleDigest()})` : toolVersion();
  main(argv, version).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`airlock: INTERNAL_ERROR: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
