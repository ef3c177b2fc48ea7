import { posix } from 'node:path';
import type { TargetFile, Targets } from '@tufjs/models';
import { TufError } from '../errors.ts';
import { TUF_LIMITS } from '../util/caps.ts';
import type { Loaded } from './trusted-set.ts';

// 5.6.7 and 5.7: finding a target through the targets role and its delegations, and
// naming its file. Only roles on the search path are loaded: a snapshot may
// list roles that no longer exist, and a target we do not need must never
// make the check fail.

export type LoadRole = (role: string, delegator: string) => Promise<Loaded<Targets>>;

export interface FoundTarget {
  target: TargetFile;
  /** The metadata file that lists it, for messages. */
  listedIn: string;
}

/** 5.6.7: preorder depth-first search, as python-tuf's `_preorder_depth_first_walk`. */
export async function findTarget(
  path: string,
  getLoaded: (role: string) => Loaded<Targets> | undefined,
  load: LoadRole,
  maxDelegations: number = TUF_LIMITS.maxDelegations,
): Promise<FoundTarget | undefined> {
  const stack: Array<{ role: string; delegator: string }> = [{ role: 'targets', delegator: 'root' }];
  const visited = new Set<string>();
  while (stack.length && visited.size < maxDelegations) {
    const { role, delegator } = stack.pop()!;
    if (visited.has(role)) continue;
    visited.add(role);
    const loaded = getLoaded(role) ?? (await load(role, delegator));
    const targets: Targets = loaded.md.signed;
    const found = targets.targets[path];
    if (found) return { target: found, listedIn: loaded.file };
    const children: Array<{ role: string; delegator: string }> = [];
    for (const child of targets.delegations?.rolesForTarget(path) ?? []) {
      children.push({ role: child.role, delegator: role });
      // A terminating delegation ends the search below it: nothing after it is consulted.
      if (child.terminating) {
        stack.length = 0;
        break;
      }
    }
    stack.push(...children.reverse());
  }
  return undefined;
}

/**
 * 5.7.2: the target's path under targets/: with consistent snapshots the sha256 is
 * prefixed to the base name (`dir/SHA256.name`), otherwise the name itself.
 */
export function targetPath(found: FoundTarget, consistent: boolean): { hashedName: string; sha256: string } {
  const { target, listedIn } = found;
  const sha256 = target.hashes.sha256;
  // We name, check and report targets by sha256; a target without one cannot be used.
  if (!sha256 || !/^[0-9a-f]{64}$/i.test(sha256)) {
    throw new TufError('TUF_METADATA_MALFORMED', `target ${target.path} has no sha256 hash`, {
      file: listedIn,
      field: `signed.targets.${target.path}.hashes`,
    });
  }
  const dir = posix.dirname(target.path);
  const base = posix.basename(target.path);
  const hashedName = consistent ? (dir === '.' ? `${sha256}.${base}` : `${dir}/${sha256}.${base}`) : target.path;
  return { hashedName, sha256: sha256.toLowerCase() };
}
