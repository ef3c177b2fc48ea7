import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { canonicalVersion, normalizeProjectName } from '../dist/index.ts';
import { PolicyError, errorFor, errorMessage, isAirlockError } from '../errors.ts';
import { validateSchema } from '../schemas.ts';
import { sha256Hex } from '../util/digest.ts';
import { signerKeyId, signingKey } from '../bundle/signature.ts';
import { describeEntry } from './entry.ts';
import type { DenyEntry, Policy, ProjectRule, PublisherEntry, Require } from './types.ts';

// The policy file: TOML, validated against schemas/policy.schema.json, then
// the rules the schema cannot say. Every failure is POLICY_INVALID (exit 2)
// naming the TOML key, so an operator can fix the file from the message.

interface RawProject {
  require?: Require;
  hashes?: string[];
  publishers?: PublisherEntry[];
}
interface RawPolicy {
  deny?: Array<string | PublisherEntry>;
  signers?: string[];
  defaults?: { require?: Require; publishers?: PublisherEntry[]; lock?: string };
  projects?: Record<string, RawProject>;
}

/**
 * A JSON pointer as the dotted TOML key an operator wrote: `/projects/a.b/publishers/0` →
 * `projects."a.b".publishers[0]`.
 */
export function tomlKey(pointer: string): string {
  if (pointer === '' || pointer === '/') return '(top level)';
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = '';
  for (const p of parts) {
    if (/^\d+$/.test(p)) out += `[${p}]`;
    else out += (out ? '.' : '') + (/^[A-Za-z0-9_-]+$/.test(p) ? p : JSON.stringify(p));
  }
  return out || '(top level)';
}

function invalid(file: string, key: string, message: string, cause?: unknown): PolicyError {
  return new PolicyError('POLICY_INVALID', message, { file, field: key, ...(cause !== undefined ? { cause } : {}) });
}

function readToml(bytes: Uint8Array, file: string): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw invalid(file, '(file)', 'not valid UTF-8', e);
  }
  try {
    return parse(text);
  } catch (e) {
    const where = e instanceof TomlError ? `line ${e.line}` : '(file)';
    throw invalid(file, where, `not valid TOML (${errorMessage(e).split('\n')[0]})`, e);
  }
}

function validate(doc: unknown, file: string): RawPolicy {
  try {
    return validateSchema<RawPolicy>('policy', doc, file, 'POLICY_INVALID');
  } catch (e) {
    if (!isAirlockError(e)) throw e;
    throw invalid(file, tomlKey(e.field ?? '/'), e.message.replace(/ \(schema policy\)$/, ''), e);
  }
}

const ENTRY_FIELDS = [
  'kind',
  'repository',
  'workflow',
  'workflow_filepath',
  'environment',
  'issuer',
  'email',
  'identity',
];

/** A plain copy holding only the schema's fields (the TOML reader's tables are not plain objects). */
function copyEntry(p: PublisherEntry): PublisherEntry {
  const src = new Map(Object.entries(p));
  return Object.fromEntries(ENTRY_FIELDS.filter((f) => src.has(f)).map((f) => [f, src.get(f)])) as PublisherEntry;
}

function checkPublisher(p: PublisherEntry, key: string, file: string): PublisherEntry {
  // The schema admits the kind so that this reason, not "unknown kind", is what the operator reads.
  if ((p as { kind: string }).kind === 'ActiveState') {
    throw invalid(
      file,
      key,
      'ActiveState publishers cannot be checked: PyPI defines no attestation identity for ActiveState and no ' +
        'Sigstore certificate carries its claims',
    );
  }
  return copyEntry(p);
}

function checkPublishers(list: PublisherEntry[] | undefined, key: string, file: string): PublisherEntry[] | undefined {
  return list?.map((p, i) => checkPublisher(p, `${key}.publishers[${i}]`, file));
}

function signer(pem: string, key: string, file: string): Policy['signers'][number] {
  try {
    const k = signingKey(pem, 'public', file);
    return { key: k, keyid: signerKeyId(k) };
  } catch (e) {
    throw invalid(file, key, isAirlockError(e) ? e.message : errorMessage(e), e);
  }
}

function denyEntry(raw: string | PublisherEntry, key: string, file: string): DenyEntry {
  if (typeof raw !== 'string') {
    const publisher = checkPublisher(raw, key, file);
    return { key, text: describeEntry(publisher), kind: 'publisher', publisher };
  }
  if (raw.startsWith('sha256:')) return { key, text: raw, kind: 'digest', sha256: raw.slice('sha256:'.length) };
  const [name, version] = raw.split('==') as [string, string];
  try {
    return {
      key,
      text: raw,
      kind: 'release',
      project: normalizeProjectName(name),
      version: canonicalVersion(version, file),
    };
  } catch (e) {
    throw invalid(file, key, `'${version}' is not a valid PEP 440 version`, e);
  }
}

function project(raw: RawProject, key: string, file: string): ProjectRule {
  const publishers = checkPublishers(raw.publishers, key, file);
  if (raw.require === 'hash' && raw.hashes === undefined) {
    throw invalid(file, `${key}.require`, 'require = "hash" needs the allowed digests in `hashes`');
  }
  const rule: ProjectRule = {};
  if (raw.require !== undefined) rule.require = raw.require;
  if (raw.hashes !== undefined) rule.hashes = raw.hashes.map((h) => h.slice('sha256:'.length));
  if (publishers !== undefined) rule.publishers = publishers;
  return rule;
}

function build(raw: RawPolicy, meta: Pick<Policy, 'uri' | 'sha256' | 'file' | 'builtin'>): Policy {
  const { file } = meta;
  const defaultPublishers = checkPublishers(raw.defaults?.publishers, 'defaults', file);
  const projects = new Map<string, ProjectRule>();
  const spelled = new Map<string, string>();
  for (const [name, p] of Object.entries(raw.projects ?? {})) {
    const key = tomlKey(`/projects/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    const norm = normalizeProjectName(name);
    const other = spelled.get(norm);
    if (other !== undefined) {
      throw invalid(file, key, `names the same project as projects.${other} (PEP 503 names compare normalised)`);
    }
    spelled.set(norm, name);
    projects.set(norm, project(p, key, file));
  }
  const defaults: Policy['defaults'] = { require: raw.defaults?.require ?? 'attested' };
  if (defaultPublishers !== undefined) defaults.publishers = defaultPublishers;
  if (raw.defaults?.lock !== undefined) defaults.lock = raw.defaults.lock.slice('sha256:'.length);
  const deny = (raw.deny ?? []).map((d, i) => denyEntry(d, `deny[${i}]`, file));
  const signers = (raw.signers ?? []).map((pem, i) => signer(pem, `signers[${i}]`, file));
  return { ...meta, defaults, projects, deny, signers };
}

/**
 * Publisher tables from another document (a PEP 751 lock's `attestation-identities`), checked against the one
 * description of a publisher table, the policy schema's: every failure is `code`, naming `key` and the field.
 * airlock's own `Identity` kind is not a Trusted Publisher kind, so only a policy may use it.
 */
export function readPublisherTables(list: unknown, file: string, key: string, code: 'LOCK_INVALID'): PublisherEntry[] {
  const fail = (field: string, message: string, cause?: unknown) =>
    errorFor(code, message, { file, field, ...(cause !== undefined ? { cause } : {}) });
  let raw: RawPolicy;
  try {
    raw = validateSchema<RawPolicy>('policy', { defaults: { publishers: list } }, file, 'POLICY_INVALID');
  } catch (e) {
    if (!isAirlockError(e)) throw e;
    const at = (e.field ?? '').replace(/^\/defaults\/publishers/, '');
    throw fail(
      `${key}${tomlKey(at)
        .replace(/^\(top level\)$/, '')
        .replace(/^(?=[^[])/, '.')}`,
      e.message.replace(/ \(schema policy\)$/, ''),
      e,
    );
  }
  return (raw.defaults?.publishers ?? []).map((p, i) => {
    const at = `${key}[${i}]`;
    if (p.kind === 'Identity')
      throw fail(`${at}.kind`, "kind 'Identity' is airlock's policy vocabulary, not a Trusted Publisher kind");
    try {
      return checkPublisher(p, at, file);
    } catch (e) {
      throw fail(`${at}.kind`, errorMessage(e), e);
    }
  });
}

/** Parses and checks a policy file's bytes; `file` is the path as the user gave it. */
export function parsePolicy(bytes: Uint8Array, file: string): Policy {
  const raw = validate(readToml(bytes, file), file);
  return build(raw, { uri: pathToFileURL(resolve(file)).href, sha256: sha256Hex(bytes), file, builtin: false });
}

/** Documented in docs/policy.md: what applies when no --policy is given. */
export const BUILTIN_POLICY_URI = 'urn:airlock:policy:builtin-default:1';
export const BUILTIN_POLICY_TEXT = '[defaults]\nrequire = "attested"\n';

/** The policy without --policy: every file needs verified provenance; publishers come from pins (or --accept-new). */
export function builtinPolicy(): Policy {
  const bytes = new TextEncoder().encode(BUILTIN_POLICY_TEXT);
  const raw = validate(readToml(bytes, '(built-in default)'), '(built-in default)');
  return build(raw, { uri: BUILTIN_POLICY_URI, sha256: sha256Hex(bytes), file: '(built-in default)', builtin: true });
}
