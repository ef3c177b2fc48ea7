import type { ManifestPackage, ManifestTuf, MemberInput } from '../bundle/types.ts';
import type { TrustResult } from '../tuf/types.ts';
import { coreMetadataPath, distPath, indexPagePath, provenancePath } from './layout.ts';
import type { TufBundleFiles } from './tuf-verify.ts';
import type { CollectedPackage } from './types.ts';

// Collected files → bundle members and manifest entries. Pure; sorted so that
// the same inputs always give the same manifest.

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function packageMembers(pkgs: CollectedPackage[]): { members: MemberInput[]; packages: ManifestPackage[] } {
  const members: MemberInput[] = [];
  const packages: ManifestPackage[] = [];
  const sorted = [...pkgs].sort((a, b) => byText(a.name, b.name) || byText(a.version, b.version));
  for (const p of sorted) {
    const mp: ManifestPackage = { name: p.name, version: p.version, files: [] };
    if (p.indexPage) {
      mp.indexPage = indexPagePath(p.name);
      members.push({
        path: mp.indexPage,
        role: 'index-page',
        localPath: p.indexPage.localPath,
        sha256: p.indexPage.sha256,
        size: p.indexPage.size,
      });
    }
    for (const f of [...p.files].sort((a, b) => byText(a.filename, b.filename))) {
      const path = distPath(p.name, f.filename);
      members.push({ path, role: 'distribution', localPath: f.localPath, sha256: f.sha256, size: f.size });
      const mf: ManifestPackage['files'][number] = { filename: f.filename, path, sha256: f.sha256, size: f.size };
      if (f.provenance) {
        mf.provenance = provenancePath(p.name, f.filename);
        members.push({ path: mf.provenance, role: 'provenance', ...f.provenance });
      }
      if (f.coreMetadata) {
        mf.coreMetadata = coreMetadataPath(p.name, f.filename);
        members.push({ path: mf.coreMetadata, role: 'core-metadata', ...f.coreMetadata });
      }
      if (f.requiresPython !== undefined) mf.requiresPython = f.requiresPython;
      if (f.yanked !== undefined) mf.yanked = f.yanked;
      if (f.url !== undefined) mf.url = f.url;
      mp.files.push(mf);
    }
    packages.push(mp);
  }
  return { members, packages };
}

export function tufMembers(t: TufBundleFiles): MemberInput[] {
  return t.members.map((m) => ({ path: m.path, role: m.role, localPath: m.localPath, sha256: m.sha256, size: m.size }));
}

export function manifestTuf(r: TrustResult, instance: string | undefined): ManifestTuf {
  const out: ManifestTuf = {
    pinnedRoot: r.pinned,
    rootVersion: r.root.version,
    timestamp: { version: r.timestamp.version, expires: r.timestamp.expires },
    snapshot: { version: r.snapshot.version, expires: r.snapshot.expires },
    targets: { version: r.targets.version, expires: r.targets.expires },
  };
  if (instance !== undefined) out.instance = instance;
  return out;
}
