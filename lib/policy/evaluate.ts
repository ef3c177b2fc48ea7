import { normalizeProjectName } from '../dist/index.ts';
import { deniedBy } from './deny.ts';
import { describeEntries, matchesEntry, publisherOfCertificate, uniqueEntries } from './entry.ts';
import type { FileFacts, Policy, PolicyStep, ProjectRule } from './types.ts';

// The policy's word on one file, pure. A file with provenance reaches here
// only when its provenance verified; publishers are judged from the
// certificates through lib/publisher, never from the provenance's claim
// (the claim only supplies the environment, which certificates lack, and it
// was itself checked against the certificate).

type Attestations = NonNullable<FileFacts['attestations']>;

function ruleName(project: string, rule: ProjectRule | undefined, field: keyof ProjectRule): string {
  return rule?.[field] !== undefined ? `policy:projects.${project}` : 'policy:defaults';
}

function refused(base: Omit<PolicyStep, 'outcome'>, code: PolicyStep['code'], message: string): PolicyStep {
  return { ...base, outcome: 'refused', code, message };
}

function withoutProvenance(f: FileFacts, policy: Policy, project: string, rule: ProjectRule | undefined): PolicyStep {
  const require = rule?.require ?? policy.defaults.require;
  const base = { project, publishers: [], publisherListed: false, decidedBy: [ruleName(project, rule, 'require')] };
  if (require === 'attested') {
    return refused(base, 'NO_PROVENANCE', `${f.filename} has no provenance and ${base.decidedBy[0]} requires it`);
  }
  if (!rule?.hashes?.includes(f.sha256)) {
    const listed = rule?.hashes ? `the ${rule.hashes.length} listed in policy:projects.${project}` : 'none listed';
    return refused(
      { ...base, decidedBy: [rule ? `policy:projects.${project}` : 'policy:defaults'] },
      'HASH_PIN_MISMATCH',
      `${f.filename} has no provenance and its sha256 ${f.sha256} is not among the allowed hashes (${listed})`,
    );
  }
  return { ...base, outcome: 'accepted', decidedBy: [`policy:projects.${project}`], admittedBy: 'hash' };
}

function withProvenance(
  f: FileFacts,
  atts: Attestations,
  policy: Policy,
  project: string,
  rule?: ProjectRule,
): PolicyStep {
  const publishers = uniqueEntries(atts.map((a) => publisherOfCertificate(a.certificate)));
  const base = { project, publishers, publisherListed: false, decidedBy: [ruleName(project, rule, 'require')] };
  if (atts.length === 0) return refused(base, 'NO_PROVENANCE', `${f.filename}: its provenance holds no attestation`);
  const allowed = rule?.publishers ?? policy.defaults.publishers;
  if (allowed === undefined) return { ...base, outcome: 'needs-pin', admittedBy: 'attestation' };
  const listRule = ruleName(project, rule, 'publishers');
  const unmatched = atts.filter((a) => !allowed.some((e) => matchesEntry(e, a)));
  if (unmatched.length > 0) {
    const shown = uniqueEntries(unmatched.map((a) => publisherOfCertificate(a.certificate)));
    return refused(
      { ...base, decidedBy: [listRule] },
      'PUBLISHER_NOT_ALLOWED',
      `${f.filename}: the certificates show ${describeEntries(shown)}; ${listRule} allows ${describeEntries(allowed)}`,
    );
  }
  return { ...base, outcome: 'accepted', decidedBy: [listRule], publisherListed: true, admittedBy: 'attestation' };
}

/** The policy's decision on one file; `needs-pin` when the policy names no publisher for it. */
export function evaluatePolicy(policy: Policy, f: FileFacts): PolicyStep {
  const project = normalizeProjectName(f.project);
  const denied = deniedBy(policy.deny, f);
  if (denied) {
    return {
      project,
      outcome: 'refused',
      code: 'DENIED',
      message: `${f.filename} is denied by policy:${denied.key} (${denied.text})`,
      decidedBy: [`policy:${denied.key}`],
      publishers: uniqueEntries((f.attestations ?? []).map((a) => publisherOfCertificate(a.certificate))),
      publisherListed: false,
    };
  }
  const rule = policy.projects.get(project);
  if (rule?.hashes !== undefined && !rule.hashes.includes(f.sha256) && f.attestations !== null) {
    // Listed hashes are an allow-list for every file of the project, attested or not.
    return {
      project,
      outcome: 'refused',
      code: 'HASH_PIN_MISMATCH',
      message:
        `${f.filename}: sha256 ${f.sha256} is not one of the ${rule.hashes.length} hashes ` +
        `policy:projects.${project} lists`,
      decidedBy: [`policy:projects.${project}`],
      publishers: uniqueEntries(f.attestations.map((a) => publisherOfCertificate(a.certificate))),
      publisherListed: false,
    };
  }
  return f.attestations === null
    ? withoutProvenance(f, policy, project, rule)
    : withProvenance(f, f.attestations, policy, project, rule);
}
