import { UsageError } from '../../errors.ts';
import { afterSuccess } from '../command.ts';
import { loadTrustMaterial, type SigstoreTrust } from '../../sigstore/index.ts';
import { defaultStateDir, trustedRootFromRepository, type Instance } from '../../tuf/index.ts';
import { parseJson } from '../../util/json.ts';
import { INPUT_CAPS, readJsonCapped } from './read-capped.ts';
import { parseDuration } from '../../util/time.ts';

// Where a command's Sigstore trusted root comes from: a trusted_root.json the
// user vouches for (--trusted-root), or a TUF copy checked on the spot from a
// pinned root (--trust-dir), against the same forward-only state as
// `trust verify`. Shared by `attest verify` and `sigstore verify-bundle`.

export interface TrustArgs {
  trustedRoot?: string;
  trustDir?: string;
  instance?: Instance;
  grace?: string;
  state?: string;
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

export async function loadTrust(args: TrustArgs, now: Date): Promise<{ trust: SigstoreTrust; label: string }> {
  checkTrustArgs(args);
  if (args.trustedRoot !== undefined) {
    return {
      trust: loadTrustMaterial(
        await readJsonCapped(args.trustedRoot, INPUT_CAPS.trustedRoot, 'trusted_root.json'),
        args.trustedRoot,
      ),
      label: args.trustedRoot,
    };
  }
  const dir = args.trustDir!;
  const { trustedRoot, result, commitState } = await trustedRootFromRepository(dir, {
    instance: args.instance ?? 'public-good',
    now,
    graceMs: args.grace === undefined ? 0 : parseDuration(args.grace),
    stateDir: args.state ?? defaultStateDir(),
    deferStateWrite: true,
  });
  const target = result.targetFiles.find((t) => t.name === 'trusted_root.json');
  const label = `${dir}/${target?.path ?? 'trusted_root.json'}`;
  const trust = loadTrustMaterial(parseJson(trustedRoot, label), label);
  // The trust state moves forward only when the whole command succeeds: a
  // refused attestation or bundle (or an unusable trusted root) leaves it as it was.
  if (commitState) afterSuccess(commitState);
  return { trust, label };
}
