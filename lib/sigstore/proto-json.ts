import {
  hashAlgorithmFromJSON,
  hashAlgorithmToJSON,
  publicKeyDetailsFromJSON,
  publicKeyDetailsToJSON,
} from '@sigstore/protobuf-specs';
import type { AirlockError } from '../errors.ts';

// Bundles and trusted roots are protobuf messages in the proto3 JSON mapping
// (https://protobuf.dev/programming-guides/json/). Other clients (Go protojson,
// Python json_format, sigstore-js) read every form that mapping allows, so a
// valid bundle may spell a field in any of them. This table of the messages
// airlock reads turns each input into one canonical shape (lowerCamelCase
// names, nulls dropped, padded standard base64, int64 as decimal strings, enum
// names, UTC timestamps) before the schema and @sigstore/* decoders see it;
// anything the mapping does not allow is refused here, naming the field.
// Unknown fields are dropped, as the JS client ignores them.

type Scalar = 'string' | 'bytes' | 'int64' | 'timestamp' | 'hashAlgorithm' | 'keyDetails';
type Field = {
  readonly proto: string;
  readonly json: string;
  readonly type: Scalar | MessageName;
  readonly repeated: boolean;
};

/** lowerCamelCase JSON name of a proto field name, as protoc derives it. */
function jsonName(proto: string): string {
  return proto.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export type MessageName =
  | 'Bundle'
  | 'VerificationMaterial'
  | 'TimestampVerificationData'
  | 'Envelope'
  | 'Signature'
  | 'PublicKeyIdentifier'
  | 'X509CertificateChain'
  | 'X509Certificate'
  | 'RFC3161SignedTimestamp'
  | 'MessageSignature'
  | 'HashOutput'
  | 'LogId'
  | 'PublicKey'
  | 'TimeRange'
  | 'DistinguishedName'
  | 'TransparencyLogEntry'
  | 'KindVersion'
  | 'InclusionPromise'
  | 'InclusionProof'
  | 'Checkpoint'
  | 'TrustedRoot'
  | 'TransparencyLogInstance'
  | 'CertificateAuthority';

function f(proto: string, type: Scalar | MessageName, repeated = false): Field {
  return { proto, json: jsonName(proto), type, repeated };
}

const MESSAGES: Record<MessageName, readonly Field[]> = {
  // sigstore_bundle.proto
  Bundle: [
    f('media_type', 'string'),
    f('verification_material', 'VerificationMaterial'),
    f('message_signature', 'MessageSignature'),
    f('dsse_envelope', 'Envelope'),
  ],
  VerificationMaterial: [
    f('public_key', 'PublicKeyIdentifier'),
    f('x509_certificate_chain', 'X509CertificateChain'),
    f('certificate', 'X509Certificate'),
    f('tlog_entries', 'TransparencyLogEntry', true),
    f('timestamp_verification_data', 'TimestampVerificationData'),
  ],
  TimestampVerificationData: [f('rfc3161_timestamps', 'RFC3161SignedTimestamp', true)],
  // envelope.proto (DSSE): its proto names are already the JSON names.
  Envelope: [f('payload', 'bytes'), f('payloadType', 'string'), f('signatures', 'Signature', true)],
  Signature: [f('sig', 'bytes'), f('keyid', 'string')],
  // sigstore_common.proto
  PublicKeyIdentifier: [f('hint', 'string')],
  X509CertificateChain: [f('certificates', 'X509Certificate', true)],
  X509Certificate: [f('raw_bytes', 'bytes')],
  RFC3161SignedTimestamp: [f('signed_timestamp', 'bytes')],
  MessageSignature: [f('message_digest', 'HashOutput'), f('signature', 'bytes')],
  HashOutput: [f('algorithm', 'hashAlgorithm'), f('digest', 'bytes')],
  LogId: [f('key_id', 'bytes')],
  PublicKey: [f('raw_bytes', 'bytes'), f('key_details', 'keyDetails'), f('valid_for', 'TimeRange')],
  TimeRange: [f('start', 'timestamp'), f('end', 'timestamp')],
  DistinguishedName: [f('organization', 'string'), f('common_name', 'string')],
  // sigstore_rekor.proto
  TransparencyLogEntry: [
    f('log_index', 'int64'),
    f('log_id', 'LogId'),
    f('kind_version', 'KindVersion'),
    f('integrated_time', 'int64'),
    f('inclusion_promise', 'InclusionPromise'),
    f('inclusion_proof', 'InclusionProof'),
    f('canonicalized_body', 'bytes'),
  ],
  KindVersion: [f('kind', 'string'), f('version', 'string')],
  InclusionPromise: [f('signed_entry_timestamp', 'bytes')],
  InclusionProof: [
    f('log_index', 'int64'),
    f('root_hash', 'bytes'),
    f('tree_size', 'int64'),
    f('hashes', 'bytes', true),
    f('checkpoint', 'Checkpoint'),
  ],
  Checkpoint: [f('envelope', 'string')],
  // sigstore_trustroot.proto
  TrustedRoot: [
    f('media_type', 'string'),
    f('tlogs', 'TransparencyLogInstance', true),
    f('certificate_authorities', 'CertificateAuthority', true),
    f('ctlogs', 'TransparencyLogInstance', true),
    f('timestamp_authorities', 'CertificateAuthority', true),
  ],
  TransparencyLogInstance: [
    f('base_url', 'string'),
    f('hash_algorithm', 'hashAlgorithm'),
    f('public_key', 'PublicKey'),
    f('log_id', 'LogId'),
    f('checkpoint_key_id', 'LogId'),
    f('operator', 'string'),
  ],
  CertificateAuthority: [
    f('subject', 'DistinguishedName'),
    f('uri', 'string'),
    f('cert_chain', 'X509CertificateChain'),
    f('valid_for', 'TimeRange'),
    f('operator', 'string'),
  ],
};

/** Builds the caller's error (its code and class) for a field, a JSON pointer. */
export type Refusal = (message: string, field: string) => AirlockError;

interface Ctx {
  readonly refusal: Refusal;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An input value for a message, cut short: a refused value may be megabytes long. */
function quote(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function refuse(ctx: Ctx, field: string, message: string): never {
  throw ctx.refusal(message, field);
}

/**
 * Decodes proto3 JSON `bytes`: standard or URL-safe base64 (one alphabet, not
 * both), padded or not. Line breaks (CR, LF) anywhere are skipped, as Go's
 * decoder skips them (PEM-style wrapping); any other whitespace or character
 * is refused. Undefined when the text is not that.
 */
export function decodeProtoBytes(text: string): Buffer | undefined {
  const s = text.replace(/[\r\n]/g, '');
  const m = /^([A-Za-z0-9+/]*|[A-Za-z0-9_-]*)(={0,2})$/.exec(s);
  if (!m) return undefined;
  const body = m[1]!;
  const pad = m[2]!.length;
  if (body.length % 4 === 1) return undefined;
  if (pad > 0 && (body.length + pad) % 4 !== 0) return undefined;
  return Buffer.from(body, /[-_]/.test(body) ? 'base64url' : 'base64');
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** int64: a decimal string or an exact (safe) integer number; canonical decimal string out. */
function int64(v: unknown, ctx: Ctx, field: string): string {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v))
      refuse(ctx, field, `${v} is not an exact integer (give large int64 values as strings)`);
    return String(v);
  }
  if (typeof v !== 'string' || !/^-?(0|[1-9][0-9]{0,18})$/.test(v) || v === '-0') {
    refuse(ctx, field, 'must be an int64: a decimal string or an integer number');
  }
  const n = BigInt(v);
  if (n < INT64_MIN || n > INT64_MAX) refuse(ctx, field, `${v} is outside the int64 range`);
  return v;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * google.protobuf.Timestamp: RFC 3339 with a zone, years 0001-9999. Checked
 * field by field, because Date rolls 30 February over into March; the
 * canonical form is UTC with milliseconds (finer digits are dropped).
 */
function timestamp(v: unknown, ctx: Ctx, field: string): string {
  const m = typeof v === 'string' ? RFC3339.exec(v) : null;
  if (!m) refuse(ctx, field, 'must be an RFC 3339 date-time with a zone, e.g. 2025-01-01T00:00:00Z');
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const [oh, om] = [Number(m[9] ?? 0), Number(m[10] ?? 0)];
  const daysInMonth = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1] ?? 0;
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59 || oh > 23 || om > 59) {
    refuse(ctx, field, `${quote(v)} is not a valid date-time`);
  }
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  const offset = (m[8] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return new Date(date.getTime() - offset).toISOString();
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Enums by name or number (proto3 JSON allows both); the canonical form is the name. */
function enumName(v: unknown, ctx: Ctx, field: string, type: 'hashAlgorithm' | 'keyDetails'): string {
  if (typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))) {
    try {
      return type === 'hashAlgorithm'
        ? hashAlgorithmToJSON(hashAlgorithmFromJSON(v))
        : publicKeyDetailsToJSON(publicKeyDetailsFromJSON(v));
    } catch {
      // An unknown name or number: refused below, with the field named.
    }
  }
  return refuse(ctx, field, `unknown ${type === 'hashAlgorithm' ? 'hash algorithm' : 'key type'} ${quote(v)}`);
}

function scalar(type: Scalar, v: unknown, ctx: Ctx, field: string): unknown {
  switch (type) {
    case 'string':
      if (typeof v !== 'string') refuse(ctx, field, 'must be a string');
      return v;
    case 'bytes': {
      const b = typeof v === 'string' ? decodeProtoBytes(v) : undefined;
      if (b === undefined)
        refuse(ctx, field, 'must be base64 (standard or URL-safe, padded or not, lines broken by CR/LF only)');
      return b.toString('base64');
    }
    case 'int64':
      return int64(v, ctx, field);
    case 'timestamp':
      return timestamp(v, ctx, field);
    default:
      return enumName(v, ctx, field, type);
  }
}

function value(type: Scalar | MessageName, v: unknown, ctx: Ctx, field: string): unknown {
  if (type in MESSAGES) return message(type as MessageName, v, ctx, field);
  return scalar(type as Scalar, v, ctx, field);
}

function member(fd: Field, v: unknown, ctx: Ctx, field: string): unknown {
  if (!fd.repeated) return value(fd.type, v, ctx, field);
  if (!Array.isArray(v)) refuse(ctx, field, 'must be an array');
  return v.map((item, i) => {
    // null is "absent" for a field, but a list has no absent elements.
    if (item === null) refuse(ctx, `${field}/${i}`, 'a list element cannot be null');
    return value(fd.type, item, ctx, `${field}/${i}`);
  });
}

function message(name: MessageName, v: unknown, ctx: Ctx, at: string): Record<string, unknown> {
  if (!isObject(v)) refuse(ctx, at || '/', 'must be a JSON object');
  const out: Record<string, unknown> = {};
  for (const fd of MESSAGES[name]) {
    const given: string[] = [fd.json, fd.proto].filter((k, i, all) => all.indexOf(k) === i && Object.hasOwn(v, k));
    if (given.length > 1) {
      refuse(ctx, `${at}/${fd.json}`, `given twice, as ${given.join(' and ')}: one field, one value`);
    }
    const key = given[0];
    // null is the mapping's "absent"; undefined is the same for objects built in JS.
    if (key === undefined || v[key] === null || v[key] === undefined) continue;
    out[fd.json] = member(fd, v[key], ctx, `${at}/${key}`);
  }
  return out;
}

/**
 * The canonical proto3 JSON of `json` read as message `name`, or the error
 * `refusal` builds, naming the field (a JSON pointer under `at`).
 */
export function normaliseProtoJson(
  name: MessageName,
  json: unknown,
  refusal: Refusal,
  at = '',
): Record<string, unknown> {
  return message(name, json, { refusal }, at);
}
