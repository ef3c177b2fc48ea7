import { eq } from '@renovatebot/pep440';
import { normalizeProjectName } from '../dist/index.ts';
import type { LockEntry } from '../lock/types.ts';
import { describeEntries, matchesEntry, publisherOfCertificate, uniqueEntries } from './entry.ts';
import type { FileFacts, LockRule, LockStep, PolicyStep } from './types.ts';

// The lock's word on one file, pure (issue 12 item 3): the file must be one the
// lock lists, with the lock's hash, and when the lock names the release's
// Trusted Publishers (PEP 751 `attestation-identities`), every attestation's
// certificate must match one of them. Certificates are compared through
// lib/publisher (matchesEntry), never the provenance's claim alone.

function sameVersion(a: string, b: string): boolean {
  try {
    return a === b || eq(a, b);
  } catch {
    return false;
  }
}

function refused(code: LockStep['code'], message: string, decidedBy: string[]): LockStep {
  return { outcome: 'refused', code, message, decidedBy, identities: false };
}

function entryFor(lock: LockRule, f: FileFacts): { entry: LockEntry; sha256: string; field: string } | undefined {
  const project = normalizeProjectName(f.project);
  for (const entry of lock.entries) {
    if (entry.name !== project || !sameVersion(entry.version, f.version)) continue;
    const listed = entry.files?.find((x) => x.filename === f.filename);
    if (listed) return { entry, sha256: listed.sha256, field: listed.field ?? entry.field };
  }
  return undefined;
}

function checkIdentities(lock: LockRule, entry: LockEntry, f: FileFacts, decidedBy: string[]): LockStep {
  const ids = entry.identities!;
  const key = `${entry.field}.attestation-identities`;
  const by = [...decidedBy, `lock:${key}`];
  const atts = f.attestations ?? [];
  if (atts.length === 0) {
    return refused(
      'LOCK_IDENTITY_MISMATCH',
      `${f.filename} has no provenance; ${lock.file} ${key} requires one of ${describeEntries(ids)}`,
      by,
    );
  }
  const unmatched = atts.filter((a) => !ids.some((e) => matchesEntry(e, a)));
  if (unmatched.length > 0) {
    const shown = uniqueEntries(unmatched.map((a) => publisherOfCertificate(a.certificate)));
    return refused(
      'LOCK_IDENTITY_MISMATCH',
      `${f.filename}: the certificates show ${describeEntries(shown)}; ${lock.file} ${key} names ` +
        `${describeEntries(ids)}`,
      by,
    );
  }
  return { outcome: 'accepted', decidedBy: by, identities: true };
}

/** The lock's decision on one file. */
export function evaluateLock(lock: LockRule, f: FileFacts): LockStep {
  const found = entryFor(lock, f);
  if (!found) {
    return refused(
      'LOCK_FILE_NOT_IN_LOCK',
      `${f.filename} (${f.project} ${f.version}) is not a file ${lock.file} lists`,
      [`lock:${lock.file}`],
    );
  }
  const decidedBy = [`lock:${found.field}`];
  if (found.sha256 !== f.sha256) {
    return refused(
      'HASH_PIN_MISMATCH',
      `${f.filename}: sha256 ${f.sha256}, but ${lock.file} ${found.field} locks ${found.sha256}`,
      decidedBy,
    );
  }
  if (found.entry.identities !== undefined) return checkIdentities(lock, found.entry, f, decidedBy);
  return { outcome: 'accepted', decidedBy, identities: false };
}

/**
 * The policy's step and the lock's, combined: a file passes only if both accept it. A deny entry refuses
 * whatever the lock says; identities the lock names decide the publisher as a policy list does (the pins then
 * only record it); a release the lock names no identities for falls back to the policy, then the pins.
 */
export function withLock(p: PolicyStep, l: LockStep): PolicyStep {
  if (p.code === 'DENIED') return p;
  if (l.outcome === 'refused') {
    const { code, message } = l;
    return { ...p, outcome: 'refused', code, message, decidedBy: l.decidedBy, publisherListed: false };
  }
  const decidedBy = [...l.decidedBy, ...p.decidedBy];
  if (l.identities && p.outcome === 'needs-pin') return { ...p, outcome: 'accepted', decidedBy, publisherListed: true };
  if (l.identities && p.outcome === 'accepted') return { ...p, decidedBy, publisherListed: true };
  return { ...p, decidedBy };
}
