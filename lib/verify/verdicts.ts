import type { Manifest } from '../bundle/index.ts';
import type { AirlockError } from '../errors.ts';
import type { FileDecision, PublisherEntry } from '../policy/types.ts';
import type { FileCheck } from './file.ts';
import type { FileVerdict, VerifyReport } from './types.ts';

// Turning checks and the policy's decisions into the report's verdicts, one
// per distribution, in manifest order (packages and files are sorted there),
// so that no verdict depends on member order or timing.

/** The report's `publisher`: the identity the verified certificates show, as a flat record of strings. */
export function publisherOf(p: PublisherEntry): { kind: string; [field: string]: string } {
  const out: { kind: string; [field: string]: string } = { kind: p.kind };
  for (const [k, v] of Object.entries(p)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Every file of the manifest, not verified because `e` stopped the whole run. */
export function notVerified(manifest: Manifest, e: AirlockError): FileVerdict[] {
  return manifest.packages.flatMap((pkg) =>
    pkg.files.map((f) => ({
      project: pkg.name,
      version: pkg.version,
      filename: f.filename,
      sha256: f.sha256,
      size: f.size,
      member: f.path,
      verdict: 'not-verified' as const,
      code: e.code,
      message: `not verified: ${e.toLine()}`,
      decidedBy: [],
      attestations: [],
    })),
  );
}

/** Merges the per-file checks with the decisions judgeFiles made for the files that passed them (same order). */
export function judged(checks: FileCheck[], decisions: FileDecision[]): FileVerdict[] {
  let next = 0;
  return checks.map((c) => {
    const v = { ...c.verdict };
    if (c.refusal) {
      v.verdict = 'refused';
      v.code = c.refusal.code;
      v.message = c.refusal.toLine();
      return v;
    }
    const d = decisions[next++];
    if (!d) throw new Error('the policy returned fewer decisions than files');
    v.verdict = d.verdict;
    v.decidedBy = [...d.decidedBy];
    if (d.publishers[0]) v.publisher = publisherOf(d.publishers[0]);
    if (d.admittedBy) v.admittedBy = d.admittedBy;
    if (d.verdict === 'refused') {
      v.code = d.code ?? 'INTERNAL_ERROR';
      v.message = d.message ?? 'refused by the policy';
      delete v.provenanceMember;
      delete v.provenanceSha256;
      delete v.coreMetadataMember;
    }
    return v;
  });
}

export function summarise(files: FileVerdict[]): VerifyReport['summary'] {
  const n = (x: FileVerdict['verdict']) => files.filter((f) => f.verdict === x).length;
  return { accepted: n('accepted'), refused: n('refused'), notVerified: n('not-verified') };
}
