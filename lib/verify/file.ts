import { join } from 'node:path';
import type { ManifestFile, ManifestPackage } from '../bundle/index.ts';
import {
  type AirlockError,
  ArchiveError,
  DigestError,
  InternalError,
  VerifyError,
  errorMessage,
  isAirlockError,
} from '../errors.ts';
import type { AttestationResult } from '../pep740/index.ts';
import type { IndexPageFacts } from './index-page.ts';
import type { ProvenanceTask } from './provenance.ts';
import type { CheckedBundle } from './read.ts';
import type { FileVerdict } from './types.ts';
import { readWheel, requiresPythonOf } from './wheel.ts';

// Everything about one distribution that does not depend on the other files:
// its bytes against the index page, its zip structure and core metadata, and
// its provenance against the trusted root TUF verified. The policy and pins,
// which look at whole releases and projects, come after (index.ts).

export interface FileCheck {
  verdict: FileVerdict;
  /** Set when this file is already refused. */
  refusal?: AirlockError;
  /** Verified attestations; null when the file has no provenance. */
  attestations: AttestationResult[] | null;
}

export interface FileContext {
  bundle: CheckedBundle;
  /** Verifies one provenance member (in this thread or a pool worker: workers.ts). */
  attest: (task: ProvenanceTask) => Promise<AttestationResult[]>;
  index?: IndexPageFacts | undefined;
}

function baseVerdict(pkg: ManifestPackage, f: ManifestFile, sha256: string, size: number): FileVerdict {
  return {
    project: pkg.name,
    version: pkg.version,
    filename: f.filename,
    sha256,
    size,
    member: f.path,
    verdict: 'not-verified',
    decidedBy: [],
    attestations: [],
  };
}

function asCoded(e: unknown, file: string): AirlockError {
  if (isAirlockError(e)) return e;
  return new InternalError(`unexpected error: ${errorMessage(e)}`, { file, cause: e });
}

function indexFields(v: FileVerdict, index: IndexPageFacts | undefined): void {
  const facts = index?.files.get(v.filename);
  if (!facts) return;
  if (facts.requiresPython !== undefined) v.requiresPython = { value: facts.requiresPython, verified: false };
  if (facts.yanked !== undefined && facts.yanked !== false) v.yanked = { value: facts.yanked, verified: false };
  if (facts.uploadTime !== undefined) v.uploadTime = { value: facts.uploadTime, verified: false };
}

/** The index page may only agree with the verified file; it decides nothing else. */
function checkIndex(v: FileVerdict, index: IndexPageFacts | undefined): void {
  if (index?.error) throw index.error;
  const bad = index?.mismatches.get(v.filename);
  if (bad && index) throw new VerifyError('INDEX_MISMATCH', `${v.filename}: ${bad}`, { file: index.member });
}

async function checkWheel(v: FileVerdict, f: ManifestFile, ctx: FileContext): Promise<void> {
  if (!f.filename.toLowerCase().endsWith('.whl')) {
    if (f.coreMetadata !== undefined)
      v.dropped = [
        { member: f.coreMetadata, reason: 'not a wheel: its core metadata cannot be checked against the file' },
      ];
    return;
  }
  const wheel = await readWheel(join(ctx.bundle.dir, ...f.path.split('/')), f.path);
  if (wheel.metadata) {
    const rp = requiresPythonOf(wheel.metadata);
    if (rp !== undefined) v.requiresPython = { value: rp, verified: true };
  }
  if (f.coreMetadata === undefined) return;
  const served = ctx.bundle.small.get(f.coreMetadata);
  if (wheel.metadata && served && Buffer.from(served).equals(Buffer.from(wheel.metadata))) {
    v.coreMetadataMember = f.coreMetadata;
    return;
  }
  // A wheel's own METADATA is what pip installs from; core metadata that says otherwise was changed on the way
  // (the manifest is not signed, so whoever changed it could rewrite the manifest too): refuse the file.
  const reason = wheel.metadata
    ? `differs from ${wheel.metadataName} inside the verified wheel`
    : 'the wheel has no .dist-info/METADATA to compare it with';
  throw new VerifyError('CORE_METADATA_MISMATCH', `the bundled core metadata ${reason}`, { file: f.coreMetadata });
}

async function checkProvenance(v: FileVerdict, f: ManifestFile, ctx: FileContext): Promise<AttestationResult[] | null> {
  if (f.provenance === undefined) return null;
  const bytes = ctx.bundle.small.get(f.provenance);
  if (!bytes) throw new ArchiveError('MEMBER_MISSING', 'the provenance member was not read', { file: f.provenance });
  const results = await ctx.attest({ bytes, file: f.provenance, dist: { filename: v.filename, sha256: v.sha256 } });
  v.attestations = results.flatMap((r) =>
    r.tlogEntries.map((t) => ({
      logIndex: t.logIndex,
      integratedTime: t.integratedTime,
      predicateType: r.predicateType,
      identity: r.certificate.identity,
      issuer: r.certificate.issuer,
    })),
  );
  return results;
}

/** Checks one distribution; never throws: a failure becomes the file's refusal. */
export async function checkFile(pkg: ManifestPackage, f: ManifestFile, ctx: FileContext): Promise<FileCheck> {
  // The reader verified the member against the manifest's member list; the file entry must name the same bytes.
  const member = ctx.bundle.members.get(f.path);
  const v = baseVerdict(pkg, f, member?.sha256 ?? f.sha256, member?.size ?? f.size);
  indexFields(v, ctx.index);
  try {
    if (member?.role !== 'distribution')
      throw new ArchiveError('MEMBER_MISSING', 'the manifest lists this file but no distribution member', {
        file: f.path,
      });
    if (member.sha256 !== f.sha256 || member.size !== f.size)
      throw new DigestError('DIGEST_MISMATCH', 'the manifest gives the file two different digests or sizes', {
        file: f.path,
      });
    checkIndex(v, ctx.index);
    await checkWheel(v, f, ctx);
    const attestations = await checkProvenance(v, f, ctx);
    if (attestations) {
      v.provenanceMember = f.provenance!;
      v.provenanceSha256 = ctx.bundle.members.get(f.provenance!)?.sha256 ?? '';
    }
    return { verdict: v, attestations };
  } catch (e) {
    const err = asCoded(e, f.path);
    delete v.provenanceMember;
    delete v.provenanceSha256;
    delete v.coreMetadataMember;
    return { verdict: v, refusal: err, attestations: null };
  }
}
