import { canonicalVersion, normalizeProjectName } from '../dist/index.ts';
import { matchesEntry } from './entry.ts';
import type { DenyEntry, FileFacts } from './types.ts';

// The policy's deny list, pure: the first entry that matches a file. It is
// asked before every other rule, so nothing (a listed publisher, a listed
// hash, a pin, --accept-new, --accept-change) can let a denied file in.

function releaseOf(f: FileFacts): string | undefined {
  try {
    return canonicalVersion(f.version, f.filename);
  } catch {
    // A version PEP 440 cannot read matches no `name==version` entry (entries are checked to be PEP 440).
    return undefined;
  }
}

function matches(d: DenyEntry, f: FileFacts, project: string, version: string | undefined): boolean {
  switch (d.kind) {
    case 'release':
      // PEP 440 `==`: an entry without a local label matches every local version of its public one.
      return (
        d.project === project &&
        version !== undefined &&
        (d.version === version || (!d.version.includes('+') && version.split('+')[0] === d.version))
      );
    case 'digest':
      return d.sha256 === f.sha256;
    case 'publisher':
      // Judged from the verified certificates, as the allow-lists are: one matching attestation denies the file.
      return (f.attestations ?? []).some((a) => matchesEntry(d.publisher, a));
  }
}

/** The entry of `deny` that refuses the file, if any. */
export function deniedBy(deny: readonly DenyEntry[], f: FileFacts): DenyEntry | undefined {
  if (deny.length === 0) return undefined;
  const project = normalizeProjectName(f.project);
  const version = releaseOf(f);
  return deny.find((d) => matches(d, f, project, version));
}
