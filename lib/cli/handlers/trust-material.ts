import { UsageError } from '../../errors.ts';
import { loadTrustMaterial, type SigstoreTrust } from '../../sigstore/index.ts';
import { checkRepository, defaultStateDir, type Instance } from '../../tuf/index.ts';
import { CAPS } from '../../util/caps.ts';
import { parseJson } from '../../util/json.ts';
import { parseDuration } from '../../util/time.ts';
import { readInput } from './read-input.ts';

// Where a command's Sigstore trusted root comes from: a trusted_root.json the
// user vouches for (--trusted-root), or a TUF copy checked on the spot from a
// pinned root (--trust-dir), against the same forward-only state as
// `trust verify`. Shared by `attest verify` and `sigstore verify-bundle`.

export interface TrustArgs {
  trustedRoot?: string | undefined;
  trustDir?: string | undefined;
  instance?: Instance | undefined;
  grace?: string | undefined;
  state?: string | undefined;
}

export interface LoadedTrust {
  trust: SigstoreTrust;
  label: string;
  /**
   * Moves the trust state forward (with --trust-dir); the command returns it
   * in its result so that it runs only when the whole command succeeded: a
   * refused attestation or bundle leaves the state as it was.
   */
  commit?: () => Promise<void>;
}

export function checkTrustArgs(args: TrustArgs): void {
  if ((args.trustedRoot === undefined) === (args.trustDir === undefined)) {
    throw new UsageError(
      'USAGE',
      'give exactly one of --trusted-root or --trust-dir: airlock never fetches a trusted root',
    );
  }
  for (const opt of ['instance', 'grace', 'state'] as const) {
    if (args[opt] !== undefined && args.trustDir === undefined)
      throw new UsageError('USAGE', `--${opt} goes with --trust-dir`);
  }
}

export async function loadTrust(args: TrustArgs, now: Date): Promise<LoadedTrust> {
  checkTrustArgs(args);
  if (args.trustedRoot !== undefined) {
    const file = args.trustedRoot;
    const bytes = await readInput(file, CAPS.trustedRoot, 'trusted_root.json');
    return { trust: loadTrustMaterial(parseJson(bytes, file), file), label: file };
  }
  const dir = args.trustDir!;
  const checked = await checkRepository({
    pin: { instance: args.instance ?? 'public-good' },
    source: dir,
    now,
    graceMs: args.grace === undefined ? 0 : parseDuration(args.grace),
    stateDir: args.state ?? defaultStateDir(),
  });
  const target = checked.result.targetFiles.find((t) => t.name === 'trusted_root.json');
  const label = `${dir}/${target?.path ?? 'trusted_root.json'}`;
  const trust = loadTrustMaterial(parseJson(checked.trustedRoot, label), label);
  return { trust, label, commit: checked.commit };
}
