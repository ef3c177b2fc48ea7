import { canonicalVersion, normalizeProjectName } from '../dist/index.ts';
import { describeEntries, uniqueEntries } from './entry.ts';
import type { FileFacts, PolicyStep } from './types.ts';

// PyPI marks a release whose files were published by different publishers as
// inconsistent. One publisher per release, unless the policy itself lists
// every publisher that signed (then the operator has said each is fine).

function releaseKey(f: FileFacts): string {
  let version = f.version;
  try {
    // 1.0 and 1.0.0 are one release.
    version = canonicalVersion(f.version, f.filename);
  } catch {
    // A version the parser refuses is compared as written.
  }
  return `${normalizeProjectName(f.project)}\n${version}`;
}

/** Returns `steps` with every file of an inconsistent release refused (PUBLISHER_INCONSISTENT). */
export function checkReleases(files: readonly FileFacts[], steps: readonly PolicyStep[]): PolicyStep[] {
  const groups = new Map<string, number[]>();
  files.forEach((f, i) => {
    const k = releaseKey(f);
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  const out = [...steps];
  for (const idx of groups.values()) {
    const live = idx.filter((i) => out[i]!.outcome !== 'refused');
    const publishers = uniqueEntries(live.flatMap((i) => out[i]!.publishers));
    if (publishers.length <= 1) continue;
    if (live.every((i) => out[i]!.publishers.length === 0 || out[i]!.publisherListed)) continue;
    const f = files[idx[0]!]!;
    const message =
      `the files of ${f.project} ${f.version} come from ${publishers.length} publishers ` +
      `(${describeEntries(publishers)}); list each in the policy to allow that`;
    for (const i of live) out[i] = { ...out[i]!, outcome: 'refused', code: 'PUBLISHER_INCONSISTENT', message };
  }
  return out;
}
