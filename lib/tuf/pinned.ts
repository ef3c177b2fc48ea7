import { assetBytes, assetNames } from '../assets.ts';
import { TufError, UsageError } from '../errors.ts';
import { sha256Hex } from '../util/digest.ts';
import { TUF_LIMITS } from '../util/caps.ts';
import { readUserFile } from '../util/read.ts';
import { parseMetadata, versionFromName } from './parse.ts';
import type { Instance, PinnedRoot } from './types.ts';

// Pinned roots: the TUF root.json that trust starts from. The ones that ship
// live in trust-roots/<instance>/N.root.json (see trust-roots/README.md); the
// newest version there is the pin. They are embedded in the executable
// (lib/assets.ts). A user may bring their own with --root.

export const INSTANCES: readonly Instance[] = ['public-good', 'staging'];
const ROOT_CAP = TUF_LIMITS.rootMaxBytes;

function pinnedFrom(bytes: Uint8Array, label: string, instance?: Instance): PinnedRoot {
  // Parsing here makes a bad --root fail at once, naming the file; signatures
  // are checked when the trusted set loads it (5.2).
  const md = parseMetadata(bytes, 'root', label);
  return { bytes, label, version: md.signed.version, sha256: sha256Hex(bytes), ...(instance ? { instance } : {}) };
}

export async function loadPinnedRoot(opts: { instance?: Instance; rootFile?: string } = {}): Promise<PinnedRoot> {
  if (opts.rootFile !== undefined) {
    if (opts.instance !== undefined) throw new UsageError('USAGE', 'give either a root file or an instance, not both');
    // The same cap as any root the updater reads (python-tuf's default).
    const file = opts.rootFile;
    const bytes = await readUserFile(file, {
      cap: ROOT_CAP,
      tooLarge: () => new TufError('TUF_TOO_LARGE', `more than the cap of ${ROOT_CAP} bytes for a root`, { file }),
    });
    return pinnedFrom(bytes, file);
  }
  const instance = opts.instance ?? 'public-good';
  if (!INSTANCES.includes(instance))
    throw new UsageError('USAGE', `unknown instance '${String(instance)}' (${INSTANCES.join(', ')})`);
  const dir = `trust-roots/${instance}`;
  const versions = assetNames(dir)
    .filter((n) => /^\d+\.root\.json$/.test(n))
    .map((n) => versionFromName(n)!)
    .sort((a, b) => b - a);
  if (versions[0] === undefined) throw new UsageError('USAGE', `no pinned root for instance ${instance} in ${dir}`);
  const label = `${dir}/${versions[0]}.root.json`;
  return pinnedFrom(assetBytes(label), label, instance);
}
