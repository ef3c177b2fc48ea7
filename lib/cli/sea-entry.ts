import { readFileSync } from 'node:fs';
import { getAsset, isSea } from 'node:sea';
import { toolVersion } from '../bundle/tool.ts';

// The entry of the single-file build (scripts/build.ts), which is CommonJS, so
// no top-level await here (bin/airlock.js stays the launcher of a clone).
// --version names the exact script that runs: the executable carries its
// script's sha256 as an asset, and the npm package's script hashes itself.

export const BUNDLE_DIGEST_ASSET = 'bundle.sha256';

function bundleDigest(): string {
  if (isSea()) return getAsset(BUNDLE_DIGEST_ASSET, 'utf8');
  // node:crypto is loaded here, not at start: the executable's --version never needs it.
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256').update(readFileSync(__filename)).digest('hex');
}

const argv = process.argv.slice(2);
const version = argv.includes('--version') ? `${toolVersion()} (bundle sha256 ${bundleDigest()})` : toolVersion();
// A lone --version is answered here, as bin/airlock.js does for a clone: the
// CLI's modules (yargs, the command table) are initialised only when needed.
const run: Promise<number> =
  argv.length === 1 && argv[0] === '--version'
    ? Promise.resolve(process.stdout.write(`${version}\n`)).then(() => 0)
    : import('./main.ts').then(({ main }) => main(argv, version));
run.then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`airlock: INTERNAL_ERROR: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
