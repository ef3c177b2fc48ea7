import { type AirlockError, errorFor, errorMessage, isAirlockError, type ErrorCode } from '../errors.ts';
import { parseJson } from '../util/json.ts';

// The one place where @sigstore/verify's VerificationError codes become
// airlock codes. The library's codes are coarse (one CERTIFICATE_ERROR for a
// bad chain, an expired certificate and a bad SCT), so the pipeline in
// verify.ts runs the checks one at a time and says which one it is running;
// `fallback` is the code for that step and the library code only refines it.

const LIBRARY_CODES: Record<string, ErrorCode> = {
  TLOG_INCLUSION_PROMISE_ERROR: 'TLOG_SET',
  TLOG_INCLUSION_PROOF_ERROR: 'TLOG_PROOF',
  TLOG_MISSING_INCLUSION_ERROR: 'TLOG_PROOF',
  TLOG_BODY_ERROR: 'TLOG_BODY_MISMATCH',
  // Thrown for too few entries, or for a duplicate (checked before, in tlog.ts).
  TLOG_ERROR: 'TLOG_MISSING',
  TIMESTAMP_ERROR: 'TIMESTAMP_INVALID',
  SIGNATURE_ERROR: 'SIGNATURE_INVALID',
  PUBLIC_KEY_ERROR: 'SIGNATURE_INVALID',
};

function libraryCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Wraps an error thrown by the library during one verification step, keeping
 * the original as `cause`. Our own AirlockErrors pass through unchanged.
 */
export function wrapStep(e: unknown, fallback: ErrorCode, file: string, field?: string): AirlockError {
  if (isAirlockError(e)) return e;
  const lib = libraryCode(e);
  let code: ErrorCode = fallback;
  if (lib === 'CERTIFICATE_ERROR') {
    // SCT failures and chain failures share one library code; the message is
    // the only thing that tells them apart (pinned both ways by
    // test/sigstore/library-contract.test.ts).
    code = /\bSCTs?\b/.test(errorMessage(e)) ? 'SCT_INVALID' : 'CERT_CHAIN';
  } else if (lib !== undefined && LIBRARY_CODES[lib] !== undefined) {
    code = LIBRARY_CODES[lib];
  }
  const details = { file, cause: e, ...(field === undefined ? {} : { field }) };
  return errorFor(code, errorMessage(e), details);
}

export function fail(code: ErrorCode, message: string, file: string, field?: string, cause?: unknown): AirlockError {
  return errorFor(code, message, {
    file,
    ...(field === undefined ? {} : { field }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Takes a document as bytes, text or already-parsed JSON; text that is not
 * JSON fails with `code` (BUNDLE_MALFORMED, TRUSTED_ROOT_INVALID) naming the file.
 */
export function jsonInput(input: unknown, file: string, code: ErrorCode): unknown {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return input;
  try {
    return parseJson(input, file);
  } catch (e) {
    // parseJson's message already says "not valid JSON (why)"; keep its field.
    if (isAirlockError(e)) throw fail(code, e.message, file, e.field, e);
    throw fail(code, `not valid JSON (${errorMessage(e)})`, file, undefined, e);
  }
}
