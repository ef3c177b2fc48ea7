import { Metadata, MetadataKind, type Root, type Snapshot, type Targets, type Timestamp } from '@tufjs/models';
import { TufError, errorMessage } from '../errors.ts';
import { isObject, parseJson } from '../util/json.ts';
import { parseTimestamp } from '../util/time.ts';

// Bytes → @tufjs/models objects, with our error codes. The library parses the
// role bodies; we check the envelope first so that a user sees the exact field
// that is wrong instead of a bare TypeError.

export type RoleType = 'root' | 'timestamp' | 'snapshot' | 'targets';
type ModelOf<R extends RoleType> = R extends 'root'
  ? Root
  : R extends 'timestamp'
    ? Timestamp
    : R extends 'snapshot'
      ? Snapshot
      : Targets;

function malformed(file: string, field: string | undefined, message: string, cause?: unknown): TufError {
  return new TufError('TUF_METADATA_MALFORMED', message, {
    file,
    ...(field ? { field } : {}),
    ...(cause ? { cause } : {}),
  });
}

const KIND: Record<RoleType, MetadataKind> = {
  root: MetadataKind.Root,
  timestamp: MetadataKind.Timestamp,
  snapshot: MetadataKind.Snapshot,
  targets: MetadataKind.Targets,
};

/**
 * Parses one metadata file as `role` (delegated targets roles parse as
 * 'targets'). Throws TUF_METADATA_MALFORMED for bad JSON or a bad envelope,
 * TUF_WRONG_TYPE for another role's metadata, TUF_SIGNATURE for a signature
 * list naming one key id twice.
 */
export function parseMetadata<R extends RoleType>(bytes: Uint8Array, role: R, file: string): Metadata<ModelOf<R>> {
  const json = parseJson(bytes, file, (message, cause) => malformed(file, undefined, message, cause));
  if (!isObject(json)) throw malformed(file, undefined, 'not a JSON object');
  const { signed, signatures } = json;
  if (!isObject(signed)) throw malformed(file, 'signed', signed === undefined ? 'missing' : 'must be an object');
  if (typeof signed._type !== 'string')
    throw malformed(file, 'signed._type', signed._type === undefined ? 'missing' : 'must be a string');
  // 5.3.x/5.4.x/5.5.x/5.6.x: metadata of one role must never be accepted as another's.
  if (signed._type !== role)
    throw new TufError('TUF_WRONG_TYPE', `_type is '${signed._type}', expected '${role}'`, {
      file,
      field: 'signed._type',
    });
  if (!Number.isSafeInteger(signed.version) || (signed.version as number) < 1)
    throw malformed(file, 'signed.version', 'must be an integer >= 1');
  if (typeof signed.expires !== 'string' || parseTimestamp(signed.expires) === undefined)
    throw malformed(file, 'signed.expires', 'must be an RFC 3339 date-time with every field in range');
  if (typeof signed.spec_version !== 'string') throw malformed(file, 'signed.spec_version', 'must be a string');
  if (!Array.isArray(signatures))
    throw malformed(file, 'signatures', signatures === undefined ? 'missing' : 'must be an array');
  const seen = new Set<string>();
  for (const [i, s] of signatures.entries()) {
    if (!isObject(s) || typeof s.keyid !== 'string' || typeof s.sig !== 'string') {
      throw malformed(file, `signatures[${i}]`, 'must be an object with string keyid and sig');
    }
    // A repeated key id must not count twice toward a threshold; refuse the file outright.
    if (seen.has(s.keyid))
      throw new TufError('TUF_SIGNATURE', `key id ${s.keyid.slice(0, 16)}… signs twice`, {
        file,
        field: `signatures[${i}]`,
      });
    seen.add(s.keyid);
  }
  try {
    return Metadata.fromJSON(KIND[role] as MetadataKind.Root, json as never) as unknown as Metadata<ModelOf<R>>;
  } catch (e) {
    throw malformed(file, 'signed', errorMessage(e), e);
  }
}

/** Version encoded in a consistent-snapshot file name (`165.snapshot.json` → 165). */
export function versionFromName(name: string): number | undefined {
  const m = /^(\d+)\./.exec(name);
  return m ? Number(m[1]) : undefined;
}
