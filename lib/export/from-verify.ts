import { join } from 'node:path';
import { ExportError } from '../errors.ts';
import { unsafePathReason } from '../bundle/paths.ts';
import type { FileVerdict } from '../verify/types.ts';
import type { ExportFile, ExportInput } from './types.ts';

// The one bridge from lib/verify's report to lib/export's input.
// Only accepted files are exported; bytes come from the reader's checked
// extraction (`checkedDir`), never from the archive again.

/** The verdict fields the export reads, and the VSA path the command adds for the tree format. */
export type VerdictLike = Pick<
  FileVerdict,
  | 'project'
  | 'version'
  | 'filename'
  | 'sha256'
  | 'size'
  | 'member'
  | 'verdict'
  | 'provenanceMember'
  | 'coreMetadataMember'
  | 'requiresPython'
  | 'yanked'
  | 'uploadTime'
> & { vsaPath?: string };

export interface VerifyReportLike {
  files: VerdictLike[];
  projects?: Array<{ name: string; status?: { status: string; reason?: string; verified: false } }>;
}

function member(checkedDir: string, path: string): string {
  // The reader already refused unsafe member paths; checked again because this joins them to a folder.
  const reason = unsafePathReason(path);
  if (reason !== undefined)
    throw new ExportError('EXPORT_UNSAFE_NAME', `unsafe member path: ${reason}`, { file: path });
  return join(checkedDir, path);
}

export function exportInputFromVerify(report: VerifyReportLike, checkedDir: string, bundleSha256: string): ExportInput {
  const files: ExportFile[] = report.files
    .filter((f) => f.verdict === 'accepted')
    .map((f) => {
      const out: ExportFile = {
        project: f.project,
        version: f.version,
        filename: f.filename,
        sha256: f.sha256,
        size: f.size,
        source: member(checkedDir, f.member),
      };
      if (f.provenanceMember) out.provenance = member(checkedDir, f.provenanceMember);
      if (f.coreMetadataMember) out.coreMetadata = member(checkedDir, f.coreMetadataMember);
      if (f.requiresPython) out.requiresPython = f.requiresPython;
      if (f.yanked) out.yanked = f.yanked;
      if (f.uploadTime) out.uploadTime = f.uploadTime;
      if (f.vsaPath) out.vsa = f.vsaPath;
      return out;
    });
  const projects = (report.projects ?? []).map((p) => {
    const status = p.status
      ? { status: p.status.status, ...(p.status.reason !== undefined ? { reason: p.status.reason } : {}) }
      : undefined;
    return status ? { name: p.name, status } : { name: p.name };
  });
  return { files, projects, report, bundleSha256 };
}
