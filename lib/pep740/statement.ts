import { canonicalDistFilename } from '../dist/index.ts';
import { isSha256Hex } from '../util/digest.ts';
import { parseJson } from '../util/json.ts';
import { Pep740Error, errorMessage } from '../errors.ts';
import {
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_V1,
  PREDICATE_TYPES,
  type Distribution,
  type StatementFacts,
} from './types.ts';

// The PEP 740 checks on a verified DSSE payload, in pypi-attestations'
// Attestation.verify order: in-toto Statement v1, exactly one subject, whose
// name is the distribution's file name (both "ultranormalised"), whose sha256
// is the file's, and a predicate type PyPI knows.

interface Where {
  file: string;
  field?: string;
}

function err(
  code: 'STATEMENT_TYPE' | 'SUBJECT_NAME' | 'DIGEST_MISMATCH' | 'PREDICATE_TYPE',
  message: string,
  where: Where,
): Pep740Error {
  return new Pep740Error(code, message, where);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decodes the statement without judging it (for inspection, and as the first step of checking). */
export function decodeStatement(payload: Uint8Array, where: Where): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJson(payload, 'statement');
  } catch (e) {
    throw err('STATEMENT_TYPE', `the statement is not UTF-8 JSON (${errorMessage(e)})`, where);
  }
  if (!isObject(value)) throw err('STATEMENT_TYPE', 'the statement is not a JSON object', where);
  return value;
}

export function checkStatement(
  payloadType: string,
  payload: Uint8Array,
  dist: Distribution,
  where: Where,
): StatementFacts {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE)
    throw err('STATEMENT_TYPE', `DSSE payload type is '${payloadType}', expected '${IN_TOTO_PAYLOAD_TYPE}'`, where);
  const st = decodeStatement(payload, where);
  if (st._type !== IN_TOTO_STATEMENT_V1)
    throw err(
      'STATEMENT_TYPE',
      `statement _type is ${JSON.stringify(st._type)}, expected '${IN_TOTO_STATEMENT_V1}'`,
      where,
    );
  const subjects = st.subject;
  if (!Array.isArray(subjects) || subjects.length !== 1) {
    throw err(
      'SUBJECT_NAME',
      `the statement must have exactly one subject, it has ${Array.isArray(subjects) ? subjects.length : 'none'}`,
      where,
    );
  }
  const subject: unknown = subjects[0];
  const name = isObject(subject) ? subject.name : undefined;
  if (typeof name !== 'string' || name === '') throw err('SUBJECT_NAME', 'the statement subject has no name', where);
  let subjectName: string;
  try {
    subjectName = canonicalDistFilename(name);
  } catch (e) {
    throw err(
      'SUBJECT_NAME',
      `the statement subject '${name}' is not a distribution file name (${errorMessage(e)})`,
      where,
    );
  }
  // The caller has already parsed the distribution's own name (a bad local
  // name is a usage error, exit 2, raised before any verification).
  const distName = canonicalDistFilename(dist.filename);
  if (subjectName !== distName)
    throw err('SUBJECT_NAME', `the statement is about '${name}', not '${dist.filename}'`, where);
  const digest = isObject(subject) && isObject(subject.digest) ? subject.digest.sha256 : undefined;
  // Exact comparison with the lower-case hex the file hashed to, as pypi-attestations does.
  // Both sides must be 64 lower-case hex digits on their own: a caller that
  // passed an upper-case (or prefixed) file digest must not make an
  // upper-case (or prefixed) subject digest acceptable.
  if (typeof digest !== 'string' || !isSha256Hex(digest) || !isSha256Hex(dist.sha256) || digest !== dist.sha256) {
    throw err(
      'DIGEST_MISMATCH',
      `the statement subject sha256 is ${typeof digest === 'string' ? digest : '(none)'}, the file's is ${dist.sha256}`,
      where,
    );
  }
  const predicateType = st.predicateType;
  if (typeof predicateType !== 'string' || !PREDICATE_TYPES.includes(predicateType)) {
    throw err(
      'PREDICATE_TYPE',
      `predicate type ${JSON.stringify(predicateType)} is neither ${PREDICATE_TYPES.join(' nor ')}`,
      where,
    );
  }
  return { predicateType, subject: { name, sha256: digest } };
}
