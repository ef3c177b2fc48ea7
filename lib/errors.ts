// The one registry of airlock's error codes. Every failure a user can see has a
// code listed here; the CLI maps the code to its exit status and scripts rely on
// the code staying stable, so codes are only ever added, never renamed.
//
// exit 1: verification failed (the input was read and is not trustworthy)
// exit 2: bad usage or unreadable / malformed input (nothing could be judged)

export const EXIT_OK = 0;
export const EXIT_VERIFY = 1;
export const EXIT_INPUT = 2;

/** The error class of a code: each code belongs to exactly one (and so to one exit status). */
export type ErrorKind =
  | 'usage'
  | 'input'
  | 'internal'
  | 'tuf'
  | 'sigstore'
  | 'pep740'
  | 'digest'
  | 'archive'
  | 'source'
  | 'policy'
  | 'verify'
  | 'export'
  | 'audit';

interface CodeInfo {
  readonly kind: ErrorKind;
  readonly exit: typeof EXIT_VERIFY | typeof EXIT_INPUT;
  readonly summary: string;
}

function v<const K extends ErrorKind>(kind: K, summary: string): CodeInfo & { readonly kind: K; readonly exit: 1 } {
  return { kind, exit: EXIT_VERIFY, summary };
}
function i<const K extends ErrorKind>(kind: K, summary: string): CodeInfo & { readonly kind: K; readonly exit: 2 } {
  return { kind, exit: EXIT_INPUT, summary };
}

export const CODES = {
  // --- usage and input (any command) ---
  USAGE: i('usage', 'The command line is wrong: unknown command or option, missing or invalid argument.'),
  INPUT_UNREADABLE: i('input', 'A file or folder named on the command line (or inside an input) cannot be read.'),
  MALFORMED_JSON: i(
    'input',
    'A JSON input is not valid UTF-8 JSON, gives one key twice in an object, or nests arrays and objects deeper ' +
      'than 100 levels.',
  ),
  SCHEMA_INVALID: i('input', 'A JSON input does not match its schema; the message names the file and field.'),
  OUTPUT_FAILED: i(
    'input',
    'An output file or folder cannot be written (read-only folder, disk full); nothing was left under the final name.',
  ),
  INTERRUPTED: i('input', 'The command was interrupted by a signal; nothing was left under the final name.'),
  LOCKED: i(
    'input',
    'Another airlock process holds the lock of the state folder or export destination, and did not release it in time.',
  ),
  INTERNAL_ERROR: i(
    'internal',
    'An unexpected internal error (a bug of airlock, such as the bundle writer building a manifest its reader ' +
      'refuses); run again with --debug and report it.',
  ),

  // --- TUF trust (lib/tuf) ---
  TUF_NOT_A_REPOSITORY: i(
    'tuf',
    'The folder is not a TUF repository copy (no root, timestamp, snapshot or targets metadata found), or holds ' +
      'metadata in both layouts.',
  ),
  TUF_METADATA_MALFORMED: i('tuf', 'TUF metadata is not valid JSON or lacks a required field of the TUF format.'),
  TUF_STATE_UNREADABLE: i('tuf', 'The trust state folder exists but its content cannot be read or parsed.'),
  TUF_MISSING_FILE: v('tuf', 'A metadata or target file that the verified metadata requires is not in the copy.'),
  TUF_WRONG_TYPE: v('tuf', 'Metadata `_type` is not the role it was loaded as.'),
  TUF_SIGNATURE: v('tuf', 'Metadata is not signed by a threshold of distinct trusted keys.'),
  TUF_ROOT_VERSION: v('tuf', 'A new root is not exactly version N+1 of the trusted root.'),
  TUF_VERSION_MISMATCH: v(
    'tuf',
    'A metadata version differs from the one its file name or the referring metadata names.',
  ),
  TUF_ROLLBACK: v(
    'tuf',
    'A metadata version is lower than the one already trusted (stored state or the copy itself), or equal to it ' +
      'with different content.',
  ),
  TUF_EXPIRED: v(
    'tuf',
    'Metadata expired at the reference time (`--now`), beyond any grace allowed; an expired root is never accepted.',
  ),
  TUF_HASH_MISMATCH: v('tuf', 'A metadata or target file does not match the hash that the referring metadata records.'),
  TUF_LENGTH_MISMATCH: v(
    'tuf',
    'A metadata or target file does not have the length that the referring metadata records.',
  ),
  TUF_TOO_LARGE: v('tuf', 'A metadata file is larger than the size cap.'),
  TUF_UNKNOWN_TARGET: v(
    'tuf',
    'A required target (trusted_root.json, signing_config) is not listed in the verified targets metadata.',
  ),

  // --- Sigstore bundle verification (lib/sigstore) ---
  BUNDLE_UNSUPPORTED: i(
    'sigstore',
    'The Sigstore bundle media type or version is unknown, or it cannot be verified from what was given (a ' +
      'non-ECDSA signature from a digest alone).',
  ),
  BUNDLE_MALFORMED: i('sigstore', 'The Sigstore bundle is structurally invalid (missing field, bad base64).'),
  TRUSTED_ROOT_INVALID: i('sigstore', 'The trusted_root.json cannot be parsed or has no usable authorities.'),
  CERT_CHAIN: v('sigstore', 'The signing certificate does not chain to a Fulcio CA valid at the signing time.'),
  CERT_VALIDITY: v('sigstore', 'The signing time lies outside the certificate validity.'),
  SCT_INVALID: v('sigstore', 'The certificate has no valid signed certificate timestamp from a trusted CT log.'),
  TLOG_PROOF: v('sigstore', 'The transparency-log inclusion proof or checkpoint does not verify.'),
  TLOG_SET: v('sigstore', 'The signed entry timestamp (SET) of a Rekor v1 entry does not verify.'),
  TLOG_BODY_MISMATCH: v('sigstore', 'The transparency-log entry body does not match the signature, key or payload.'),
  TLOG_MISSING: v('sigstore', 'The bundle has no transparency-log entry from a trusted log.'),
  TLOG_DUPLICATE: v('sigstore', 'The bundle lists the same transparency-log entry more than once.'),
  NO_TRUSTED_TIME: v(
    'sigstore',
    'No verified timestamp (SET, TSA or proven log time) establishes when the signature was made.',
  ),
  TIMESTAMP_INVALID: v('sigstore', 'An RFC 3161 timestamp does not verify against a trusted timestamp authority.'),
  SIGNATURE_INVALID: v('sigstore', 'The signature does not verify with the certificate or key.'),
  IDENTITY_MISMATCH: v('sigstore', 'The certificate identity (SAN) or issuer differs from the one expected.'),

  // --- PEP 740 and publishers (lib/pep740, lib/publisher) ---
  STATEMENT_TYPE: v('pep740', 'The DSSE payload is not an in-toto Statement v1.'),
  SUBJECT_NAME: v(
    'pep740',
    'The statement subject is not exactly the distribution file (name compared as PEP 740 says).',
  ),
  DIGEST_MISMATCH: v(
    'digest',
    'A sha256 digest differs from the one expected (statement subject, manifest, index or lock).',
  ),
  PREDICATE_TYPE: v('pep740', 'The statement predicate type is neither PyPI publish v1 nor SLSA provenance v1.'),
  PUBLISHER_MISMATCH: v(
    'pep740',
    'The certificate does not match the Trusted Publisher expected or the one the provenance names.',
  ),
  NO_ATTESTATIONS: v('pep740', 'A provenance object holds no attestation.'),
  DIST_FILENAME_INVALID: i(
    'input',
    'A distribution file name is not a valid wheel or sdist name (PEP 427, PEP 625) or its version is not PEP 440.',
  ),

  // --- portable bundle archive (lib/bundle) ---
  ARCHIVE_UNREADABLE: i('archive', 'The bundle archive is not a readable tar archive (or its compression is broken).'),
  ARCHIVE_TRUNCATED: v('archive', 'The bundle archive ends in the middle of a member.'),
  ARCHIVE_TRAILING_DATA: v('archive', 'The bundle archive has data after its end.'),
  ARCHIVE_UNSAFE_PATH: v('archive', 'A member path is absolute, contains `..`, or is otherwise unsafe.'),
  ARCHIVE_AMBIGUOUS: v(
    'archive',
    'A tar header or extended record could be read two ways by other readers (GNU tar, bsdtar, Python tarfile); the ' +
      'message names the member and the field.',
  ),
  ARCHIVE_LINK: v('archive', 'A member is a symbolic or hard link.'),
  ARCHIVE_SPECIAL_FILE: v('archive', 'A member is a device, FIFO or other non-regular file.'),
  ARCHIVE_DUPLICATE: v('archive', 'Two members have the same path.'),
  ARCHIVE_PATH_COLLISION: v('archive', 'Two member paths collide after Unicode normalisation or case folding.'),
  ARCHIVE_TOO_LARGE: v('archive', 'A member, the archive (headers included) or an extended header is beyond its cap.'),
  MANIFEST_MISSING: v('archive', 'The archive does not start with the airlock manifest.'),
  MANIFEST_INVALID: v('archive', 'The manifest fails its schema.'),
  MEMBER_UNLISTED: v('archive', 'A member is not listed in the manifest.'),
  MEMBER_MISSING: v('archive', 'A member listed in the manifest is not in the archive.'),
  MEMBER_SIZE_MISMATCH: v('archive', 'A member size differs from the manifest.'),
  MEMBER_DIGEST_MISMATCH: v('archive', 'A member sha256 differs from the manifest.'),

  // --- sources on the connected side (lib/sources, lib/lock) ---
  LOCK_INVALID: i(
    'input',
    'The lock or requirements file cannot be parsed, or an entry lacks a name, version or hash, or has a `url` that ' +
      'is not a URL.',
  ),
  HTTP_ERROR: i('source', 'A server answered with an HTTP error status (after retries for 5xx).'),
  HTTP_TIMEOUT: i('source', 'A server did not answer within the timeout.'),
  HTTP_INSECURE_REDIRECT: v('source', 'A redirect pointed to a non-https URL (loopback excepted).'),
  DOWNLOAD_TRUNCATED: v('source', 'A download ended before the length the server or index announced.'),
  HASH_PIN_MISMATCH: v(
    'source',
    'A downloaded or bundled file does not match the hash pinned in the lock, requirements or policy file.',
  ),
  NOT_FOUND: i('source', 'A project, version or file named in the input is not on the index.'),
  YANKED: v('source', 'A file is yanked on the index and was not pinned exactly.'),
  INDEX_MALFORMED: i(
    'source',
    'An index page is neither PEP 691 JSON nor PEP 503 HTML, has an API version airlock does not know, or can be ' +
      'read two ways (an attribute given twice in one `<a>`, a malformed percent-escape in a link).',
  ),
  // --- lock annotate (lib/lock/annotate*.ts) ---
  LOCK_EDIT_UNSAFE: i(
    'input',
    '`lock annotate` cannot add the identities by inserting text: a package table cannot be found, or the edited ' +
      'lock would not read as exactly the original plus the new identities; nothing was written.',
  ),
  LOCK_NO_PROVENANCE: v(
    'source',
    '`lock annotate`: a locked file has no provenance on the index, so its package was not annotated (the others were).',
  ),
  LOCK_PUBLISHERS_DIFFER: v(
    'source',
    "`lock annotate`: the verified certificates of a package's files show more than one publisher, so it was not " +
      'annotated (the others were).',
  ),
  LOCK_IDENTITY_UNSUPPORTED: v(
    'source',
    "`lock annotate`: a package's verified certificates show no Trusted Publisher (GitHub, GitLab, Google) that " +
      '`attestation-identities` can name, so it was not annotated (the others were).',
  ),
  // --- policy, pins and verify (lib/policy, lib/pins, lib/verify) ---
  POLICY_INVALID: i(
    'policy',
    'The policy file is not valid TOML, or has an unknown key, an unknown publisher kind or a malformed digest; the ' +
      'message names the key.',
  ),
  PINS_UNREADABLE: i(
    'policy',
    'The publisher pins file in the state folder cannot be read or does not match its schema (never reset silently).',
  ),
  NO_PROVENANCE: v(
    'policy',
    'A file has no provenance and the policy requires attestations (`require = "attested"`, the default).',
  ),
  PUBLISHER_NOT_ALLOWED: v(
    'policy',
    'The publisher the certificates show is not one the policy lists for the project (or its kind is one airlock ' +
      'cannot check, such as ActiveState).',
  ),
  PUBLISHER_UNPINNED: v(
    'policy',
    'A project that neither the policy nor a pin names came with provenance; `--accept-new` pins the publisher its ' +
      'certificates show.',
  ),
  PUBLISHER_CHANGED: v(
    'policy',
    "A pinned project's publisher (from its certificates) differs from the pinned ones; `--accept-change PROJECT` " +
      'accepts it.',
  ),
  PROVENANCE_DROPPED: v(
    'policy',
    'A project that had provenance arrives without it (even under `require = "hash"`); `--accept-change PROJECT` ' +
      'accepts it.',
  ),
  PUBLISHER_INCONSISTENT: v(
    'policy',
    'The files of one release (or one project under `--accept-new`) come from different publishers and the policy ' +
      'does not list each of them.',
  ),
  DENIED: v(
    'policy',
    "A file matches an entry of the policy's `deny` list (project and version, file digest or publisher), " +
      'which refuses it whatever else accepts it; the message names the entry.',
  ),
  LOCK_IDENTITY_MISMATCH: v(
    'policy',
    "A file's certificates do not show one of the Trusted Publishers its release's `attestation-identities` in the " +
      'deciding lock name (or it has no provenance); the message names the lock entry and the identity found.',
  ),
  LOCK_FILE_NOT_IN_LOCK: v('policy', 'A distribution in the bundle is not a file the deciding lock lists.'),
  LOCK_DIGEST_MISMATCH: v(
    'policy',
    "The lock that would decide (`--lock`, or the bundle's copy) does not have the sha256 the policy's " +
      '`[defaults] lock` names: every file is refused.',
  ),
  LOCK_MISSING: v(
    'policy',
    "The policy's `[defaults] lock` names a lock, and neither `--lock` nor the bundle gives one: every file is refused.",
  ),
  TIME_ROLLBACK: v(
    'policy',
    'The reference time (`--now` or the clock) is earlier than the latest time the trust state has accepted (check ' +
      'an old bundle with a separate `--state`).',
  ),
  BUNDLE_UNSIGNED: v(
    'verify',
    "Trusted signers are configured (`--trusted-signer`, the policy's `signers`) and the bundle carries no signature.",
  ),
  BUNDLE_SIGNER_UNTRUSTED: v('verify', 'The bundle is signed by a key that is not one of the trusted signers.'),
  BUNDLE_SIGNATURE_MISMATCH: v(
    'verify',
    "The bundle's signature is over another manifest (its subject's sha256 is not this manifest's).",
  ),
  BUNDLE_SIGNATURE_INVALID: v(
    'verify',
    "The bundle's signature member is not a DSSE envelope over an airlock bundle statement, " +
      'or its signature does not verify with the key it names.',
  ),
  SIGNING_KEY_INVALID: i(
    'input',
    'A `--sign-key`, `--trusted-signer` or policy `signers` key is not a PEM key of the right type ' +
      '(Ed25519 or ECDSA P-256).',
  ),
  INDEX_MISMATCH: v('verify', "An index page gives a file a sha256 or size other than the verified file's."),
  ZIP_AMBIGUOUS: v(
    'verify',
    "A wheel's zip could be read two ways (local and central headers disagree, duplicate or overlapping entries, " +
      'data outside the central directory) or is not a readable zip.',
  ),
  CORE_METADATA_MISMATCH: v(
    'verify',
    "A wheel's bundled PEP 658 core metadata differs from the METADATA inside the verified wheel " +
      '(or the wheel has none).',
  ),
  VSA_KEY_INVALID: i('input', 'The `--vsa-key` file is not a PEM private key that can sign.'),
  // --- the audit log of the trust state (lib/audit) ---
  AUDIT_LOG_BROKEN: v(
    'audit',
    'The audit log (`STATE/audit.jsonl`) is not an unbroken chain: a line was edited, deleted, inserted ' +
      'or is not a valid entry; the message names the first broken line.',
  ),
  AUDIT_LOG_UNREADABLE: i(
    'audit',
    'The audit log cannot be read or written (not a regular file, no permission, a line beyond the cap).',
  ),
  // --- export and serve (lib/export, lib/serve) ---
  EXPORT_CONFLICT: v(
    'export',
    'The export destination already holds a file of that name with other content (or another export layout); ' +
      'nothing in it was changed.',
  ),
  EXPORT_UNSAFE_NAME: v(
    'export',
    'A project or file name to export is not a normalised PEP 503 name or a safe file name under the bundle path ' +
      'rules.',
  ),
  EXPORT_UNSAFE_DIR: i(
    'export',
    'Something in the export destination where airlock writes is a symbolic link or not a regular file or folder.',
  ),
  EXPORT_SOURCE_CHANGED: v(
    'export',
    'A checked file to export no longer has the size and sha256 that verification accepted.',
  ),
  SERVE_INSECURE: i('input', 'serve was asked to listen beyond loopback over plain HTTP without --insecure-http.'),
} as const;

export type ErrorCode = keyof typeof CODES;

/** The codes of one error class. */
export type CodeOf<K extends ErrorKind> = {
  [C in ErrorCode]: (typeof CODES)[C]['kind'] extends K ? C : never;
}[ErrorCode];

export interface ErrorDetails {
  /** The file (or URL, or archive member) the error is about, as the user named it. */
  file?: string;
  /** The field inside the file, as a JSON pointer or dotted path. */
  field?: string;
  cause?: unknown;
}

export class AirlockError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly field?: string;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    if (details.file !== undefined) this.file = details.file;
    if (details.field !== undefined) this.field = details.field;
  }

  get exitCode(): number {
    return CODES[this.code].exit;
  }

  /** The one line a user sees: `CODE: file: field: message`. */
  toLine(): string {
    const where = [this.file, this.field].filter((s) => s !== undefined && s !== '').join(': ');
    return where ? `${this.code}: ${where}: ${this.message}` : `${this.code}: ${this.message}`;
  }

  toJSON(): Record<string, string> {
    const out: Record<string, string> = { code: this.code, message: this.message };
    if (this.file !== undefined) out.file = this.file;
    if (this.field !== undefined) out.field = this.field;
    return out;
  }
}

// One subclass per concern, so callers can tell where a failure came from with
// instanceof while the code stays the single thing scripts match on. Each
// constructor takes only the codes of its class (CODES[code].kind): a code
// thrown as another class does not compile.
export class UsageError extends AirlockError {
  constructor(code: CodeOf<'usage'>, message: string, details?: ErrorDetails) {
    super(code, message, details);
  }
}
export class InputError extends AirlockError {
  constructor(code: CodeOf<'input'>, message: string, details?: ErrorDetails) {
    super(code, message, details);
  }
}
/** A bug in airlock, never an input's fault: printed as INTERNAL_ERROR. */
export class InternalError extends AirlockError {
  constructor(message: string, details?: ErrorDetails) {
    super('INTERNAL_ERROR', message, details);
  }
}
export class TufError extends AirlockError {
  constructor(code: CodeOf<'tuf'>, message: string, details?: ErrorDetails) {
    super(code, message, details);
  }
}
export class SigstoreError extends AirlockError {
  constructor(code: CodeOf<'sigstore'>, message: string, details?: ErrorDetails) {
    super(code, message, details);
  }
}
export class Pep740Error extends AirlockError {
  constructor(code: CodeOf<'pep740'>, message: string, details?: ErrorDetails) {
    super(code, message, details);
  }
}
/**
 * A digest that differs from the one expected, wherever it is checked (PEP 740 subject, Sigstore artifact, download).
 */
export class DigestError extends AirlockError {
  constructor(code: CodeOf<'digest'>, message: string, details?: ErrorDetails) {
    super(code, message, details);
  }
}
export class ArchiveError extends AirlockError {
  constructor(code: CodeOf<'archive'>, message: string, details?: ErrorDetails) {
    super(code, message, details);
  }
}
export class SourceError extends AirlockError {
  constructor(code: CodeOf<'source'>, message: string, details?: ErrorDetails) {
    super(code, message, details);
  }
}
/** The policy file, publisher pins and the time the state accepted (lib/policy, lib/pins). */
export class PolicyError extends AirlockError {
  constructor(code: CodeOf<'policy'>, message: string, details?: ErrorDetails) {
    super(code, message, details);
  }
}
/** Writing an export (lib/export): conflicts and unsafe names or destinations. */
export class ExportError extends AirlockError {
  constructor(code: CodeOf<'export'>, message: string, details?: ErrorDetails) {
    super(code, message, details);
  }
}
/** What `airlock verify` finds in a bundle beyond the archive rules (lib/verify). */
export class VerifyError extends AirlockError {
  constructor(code: CodeOf<'verify'>, message: string, details?: ErrorDetails) {
    super(code, message, details);
  }
}

/** The audit log of the trust state (lib/audit). */
export class AuditError extends AirlockError {
  constructor(code: CodeOf<'audit'>, message: string, details?: ErrorDetails) {
    super(code, message, details);
  }
}

/** The class of each kind, for code that picks a code at run time (a schema check, a verification step). */
export const ERROR_CLASSES = {
  usage: UsageError,
  input: InputError,
  internal: InternalError,
  tuf: TufError,
  sigstore: SigstoreError,
  pep740: Pep740Error,
  digest: DigestError,
  archive: ArchiveError,
  source: SourceError,
  policy: PolicyError,
  verify: VerifyError,
  export: ExportError,
  audit: AuditError,
} as const satisfies Record<ErrorKind, abstract new (...args: never[]) => AirlockError>;

/** An error of the class `code` belongs to. */
export function errorFor(code: ErrorCode, message: string, details?: ErrorDetails): AirlockError {
  const kind = CODES[code].kind;
  if (kind === 'internal') return new InternalError(message, details);
  const Class = ERROR_CLASSES[kind] as new (c: ErrorCode, m: string, d?: ErrorDetails) => AirlockError;
  return new Class(code, message, details);
}

export function isAirlockError(e: unknown): e is AirlockError {
  return e instanceof AirlockError;
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
