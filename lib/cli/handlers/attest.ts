import { basename } from 'node:path';
import type { CommandResult } from '../output.ts';
import { InputError, UsageError, errorFor } from '../../errors.ts';
import { canonicalDistFilename } from '../../dist/index.ts';
import {
  parseDocument,
  verifyAttestation,
  verifyProvenance,
  inspectAttestation,
  inspectProvenance,
  type Pep740Document,
} from '../../pep740/index.ts';
import {
  formatInspectReport,
  formatVerifyReport,
  publisherNote,
  type InspectReport,
  type VerifyReport,
} from '../../pep740/report.ts';
import { policyFromOptions, type PublisherOptions } from '../../publisher/index.ts';
import { checkTrustArgs, loadTrust, type TrustArgs } from './trust-material.ts';
import { sha256File } from '../../util/digest.ts';
import { CAPS } from '../../util/caps.ts';
import { parseJson } from '../../util/json.ts';
import { readInput } from './read-input.ts';
import { parseNow } from '../../util/time.ts';

// `attest verify` and `attest inspect`: the I/O edge of lib/pep740. Files are
// read here (the distribution streamed through sha256), everything else is
// the pure verification functions.

export interface AttestVerifyArgs extends TrustArgs, PublisherOptions {
  file: string;
  provenance?: string | undefined;
  attestation?: string | undefined;
  now?: string | undefined;
}

async function readPep740(path: string, what: string): Promise<Pep740Document> {
  return parseDocument(parseJson(await readInput(path, CAPS.provenance, what), path), path);
}

async function readDocument(path: string, want: 'provenance' | 'attestation'): Promise<Pep740Document> {
  const doc = await readPep740(path, `PEP 740 ${want}`);
  if (doc.kind !== want) {
    throw new InputError('SCHEMA_INVALID', `is a PEP 740 ${doc.kind}, but was given as --${want}`, {
      file: path,
      field: '/',
    });
  }
  return doc;
}

export async function verify(args: AttestVerifyArgs): Promise<CommandResult> {
  if ((args.provenance === undefined) === (args.attestation === undefined)) {
    throw new UsageError('USAGE', 'give exactly one of --provenance or --attestation');
  }
  checkTrustArgs(args);
  const now = parseNow(args.now);
  const expected = policyFromOptions(args);
  const filename = basename(args.file);
  // A file that is not a wheel or sdist can match no subject: say so first (exit 2).
  try {
    canonicalDistFilename(filename);
  } catch (e) {
    if (e instanceof InputError) throw errorFor(e.code, e.message, { file: args.file, cause: e });
    throw e;
  }
  const sourceKind = args.provenance !== undefined ? 'provenance' : 'attestation';
  const sourceFile = (args.provenance ?? args.attestation)!;
  const doc = await readDocument(sourceFile, sourceKind);
  // The file is read before the trust material: with --trust-dir, loading it
  // moves the trust state forward, which an unreadable FILE must not have done.
  const { sha256, size } = await sha256File(args.file);
  const { trust, label, commit } = await loadTrust(args, now);
  const opts = { dist: { filename, sha256 }, expected, file: sourceFile };
  const attestations =
    doc.kind === 'provenance'
      ? verifyProvenance(doc.provenance, trust, opts)
      : [verifyAttestation(doc.attestation, trust, opts)];
  const report: VerifyReport = {
    ok: true,
    command: 'attest verify',
    file: args.file,
    sha256,
    size,
    source: { kind: sourceKind, file: sourceFile },
    trust: { trustedRoot: label, trustDir: args.trustDir ?? null, now: now.toISOString() },
    publisher: {
      pinned: expected !== undefined,
      expected: expected ?? null,
      note: publisherNote(expected, sourceKind),
    },
    attestations,
  };
  return { exitCode: 0, text: formatVerifyReport(report), json: report, ...(commit ? { commit } : {}) };
}

export async function inspect(args: { provenance: string }): Promise<CommandResult> {
  const file = args.provenance;
  const doc = await readPep740(file, 'PEP 740 provenance or attestation');
  const attestations =
    doc.kind === 'provenance'
      ? inspectProvenance(doc.provenance, file)
      : [inspectAttestation(doc.attestation, null, file)];
  const report: InspectReport = {
    ok: true,
    command: 'attest inspect',
    verified: false,
    file,
    source: { kind: doc.kind },
    attestations,
  };
  return { exitCode: 0, text: formatInspectReport(report), json: report };
}
