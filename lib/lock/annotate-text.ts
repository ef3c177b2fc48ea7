import { isDeepStrictEqual } from 'node:util';
import { parse } from 'smol-toml';
import { parseTOML, type AST } from 'toml-eslint-parser';
import { InputError, errorMessage } from '../errors.ts';
import { readLockToml } from './pylock.ts';
import type { GitHubEntry, GitLabEntry, GoogleEntry } from '../policy/types.ts';

// Adding `attestation-identities` to a pylock.toml by inserting text, never by
// re-serialising: comments, key order, quoting and line endings of everything
// else stay byte for byte. Where each package table is written comes from a
// TOML parser that keeps source positions (toml-eslint-parser); the result is
// then read back with the parser airlock reads locks with (smol-toml) and must
// be exactly the original document plus the new keys, else nothing is
// returned. Pure: text in, text out.

/** An identity PEP 751 `attestation-identities` can hold: PyPI's Trusted Publisher shapes. */
export type LockIdentity = GitHubEntry | GitLabEntry | GoogleEntry;

export interface IdentityAddition {
  /** Index of the package in `packages`. */
  index: number;
  identities: readonly LockIdentity[];
}

export interface InsertedText {
  text: string;
  /** [start, end) of every inserted piece, in the new text, in order. */
  inserted: Array<[number, number]>;
  /** By package index: the TOML text added for it. */
  snippets: Map<number, string>;
}

export const IDENTITIES_KEY = 'attestation-identities';

type Table = Record<string, unknown>;

function unsafe(file: string, message: string, field?: string, cause?: unknown): InputError {
  return new InputError('LOCK_EDIT_UNSAFE', message, {
    file,
    ...(field !== undefined ? { field } : {}),
    ...(cause !== undefined ? { cause } : {}),
  });
}

// JSON string syntax is TOML basic-string syntax (`\"`, `\\`, `\n`, `\uXXXX`)
// except that TOML also wants DEL escaped. Format characters (bidi controls,
// zero-width) and line separators are escaped too, so that the text a
// reviewer reads in a diff is the text a parser reads. A lone surrogate (not
// a Unicode scalar value) fails the read-back check rather than being written.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

function tomlString(s: string): string {
  return JSON.stringify(s).replace(HIDDEN, (c) => {
    const cp = c.codePointAt(0)!;
    return cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });
}

/** Fields in PyPI's order, so that the added text reads like the publisher objects it comes from. */
function fields(id: LockIdentity): Array<[string, string]> {
  const out: Array<[string, string | undefined]> =
    id.kind === 'GitHub'
      ? [
          ['repository', id.repository],
          ['workflow', id.workflow],
          ['environment', id.environment],
        ]
      : id.kind === 'GitLab'
        ? [
            ['repository', id.repository],
            ['workflow_filepath', id.workflow_filepath],
            ['environment', id.environment],
            ['issuer', id.issuer],
          ]
        : [['email', id.email]];
  return [['kind', id.kind], ...out].filter((f): f is [string, string] => f[1] !== undefined);
}

export function identityToml(id: LockIdentity): string {
  return `{ ${fields(id)
    .map(([k, v]) => `${k} = ${tomlString(v)}`)
    .join(', ')} }`;
}

function identitiesValue(ids: readonly LockIdentity[]): string {
  return `[${ids.map(identityToml).join(', ')}]`;
}

function keyPath(key: AST.TOMLKey): string[] {
  return key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
}

/** Where package `index` is written: its `[[packages]]` section, or its inline table in `packages = [...]`. */
type Place = { kind: 'section'; table: AST.TOMLTable } | { kind: 'inline'; table: AST.TOMLInlineTable };

function placeOf(top: AST.TOMLTopLevelTable, index: number): Place | undefined {
  for (const node of top.body) {
    if (
      node.type === 'TOMLTable' &&
      node.kind === 'array' &&
      node.resolvedKey.length === 2 &&
      node.resolvedKey[0] === 'packages' &&
      node.resolvedKey[1] === index
    )
      return { kind: 'section', table: node };
    if (node.type === 'TOMLKeyValue' && isDeepStrictEqual(keyPath(node.key), ['packages'])) {
      const el = node.value.type === 'TOMLArray' ? node.value.elements[index] : undefined;
      return el?.type === 'TOMLInlineTable' ? { kind: 'inline', table: el } : undefined;
    }
  }
  return undefined;
}

function lineEnding(text: string, at: number): string {
  const nl = text.indexOf('\n', at);
  if (nl > 0 && text[nl - 1] === '\r') return '\r\n';
  if (nl >= 0) return '\n';
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

/**
 * A key placed at the end of the package's own section: after its last
 * key/value line (a trailing comment stays on that line), before any blank
 * line, comment or sub-table header (`[packages.sdist]`, `[[packages.wheels]]`)
 * that follows, which is where a key of this table may still go.
 */
function sectionInsertion(text: string, table: AST.TOMLTable, value: string): { at: number; piece: string } {
  const last = table.body.at(-1);
  const anchor = last ? last.range[1] : table.range[1];
  const indent = /^[ \t]*/.exec(text.slice(lineStart(text, last ? last.range[0] : table.range[0])))![0];
  const eol = lineEnding(text, anchor);
  const line = `${indent}${IDENTITIES_KEY} = ${value}`;
  const nl = text.indexOf('\n', anchor);
  return nl === -1 ? { at: text.length, piece: `${eol}${line}` } : { at: nl + 1, piece: `${line}${eol}` };
}

/** A key appended inside the inline table, after its last key/value (TOML 1.0 has no trailing comma). */
function inlineInsertion(table: AST.TOMLInlineTable, value: string): { at: number; piece: string } {
  const last = table.body.at(-1);
  const piece = `${IDENTITIES_KEY} = ${value}`;
  return last ? { at: last.range[1], piece: `, ${piece}` } : { at: table.range[0] + 1, piece: ` ${piece} ` };
}

function positions(text: string, file: string): AST.TOMLTopLevelTable {
  try {
    return parseTOML(text, { tomlVersion: '1.1' }).body[0];
  } catch (e) {
    throw unsafe(file, `cannot locate the package tables (${errorMessage(e).split('\n')[0]})`, undefined, e);
  }
}

function expectedDocument(text: string, additions: readonly IdentityAddition[], file: string): Table {
  const doc = readLockToml(text, file);
  const pkgs = doc.packages;
  for (const a of additions) {
    const pkg = Array.isArray(pkgs) ? (pkgs[a.index] as Table | undefined) : undefined;
    const field = `packages[${a.index}]`;
    if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg))
      throw unsafe(file, 'is not a package table', field);
    if (IDENTITIES_KEY in pkg) throw unsafe(file, `has ${IDENTITIES_KEY} already: it is never changed`, field);
    // smol-toml's tables have no prototype: the expected ones neither, for the deep comparison.
    pkg[IDENTITIES_KEY] = a.identities.map((id) => Object.assign(Object.create(null), Object.fromEntries(fields(id))));
  }
  return doc;
}

/**
 * `text` with each addition's identities inserted into its package's table.
 * Throws LOCK_INVALID when `text` is not TOML, LOCK_EDIT_UNSAFE when a
 * package's table cannot be found or the result would read as anything but
 * the original document plus the identities.
 */
export function insertIdentities(text: string, additions: readonly IdentityAddition[], file: string): InsertedText {
  const expected = expectedDocument(text, additions, file);
  const top = positions(text, file);
  const edits = additions.map((a) => {
    const place = placeOf(top, a.index);
    if (!place) throw unsafe(file, 'cannot find where this package table is written', `packages[${a.index}]`);
    const value = identitiesValue(a.identities);
    const edit =
      place.kind === 'section' ? sectionInsertion(text, place.table, value) : inlineInsertion(place.table, value);
    return { ...edit, index: a.index };
  });
  // Stable order by position; two edits at one position keep the additions' order.
  edits.sort((x, y) => x.at - y.at);
  let out = '';
  let from = 0;
  const inserted: Array<[number, number]> = [];
  const snippets = new Map<number, string>();
  for (const e of edits) {
    out += text.slice(from, e.at);
    inserted.push([out.length, out.length + e.piece.length]);
    out += e.piece;
    from = e.at;
    snippets.set(e.index, e.piece);
  }
  out += text.slice(from);
  let got: Table;
  try {
    got = parse(out) as Table;
  } catch (e) {
    throw unsafe(file, `the edited lock would not be valid TOML (${errorMessage(e).split('\n')[0]})`, undefined, e);
  }
  if (!isDeepStrictEqual(got, expected))
    throw unsafe(file, 'the edited lock would not read as the original plus the new identities');
  return { text: out, inserted, snippets };
}

/** By package index: whether the package table has `attestation-identities` (any value: it is left as it is). */
export function identitiesPresent(text: string, file: string): boolean[] {
  const pkgs = readLockToml(text, file).packages;
  if (!Array.isArray(pkgs)) return [];
  return pkgs.map((p) => typeof p === 'object' && p !== null && IDENTITIES_KEY in p);
}
