import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'smol-toml';
import { AirlockError } from '../../lib/errors.ts';
import { insertIdentities, type IdentityAddition, type LockIdentity } from '../../lib/lock/annotate-text.ts';
import { RUNS, returnsOrCoded } from '../helpers/json-mutations.ts';

// The text insertion of `lock annotate`: identities go into each package's
// own table wherever and however it is written, and nothing else changes.

const H = 'ab'.repeat(32);
const GH: LockIdentity = { kind: 'GitHub', repository: 'acme/demo', workflow: 'release.yml' };
const GH_LINE = 'attestation-identities = [{ kind = "GitHub", repository = "acme/demo", workflow = "release.yml" }]';

type Json = Record<string, unknown>;
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

/** What the result must read as: the original document with each addition's identities set. */
function expected(text: string, additions: readonly IdentityAddition[]): unknown {
  const doc = plain(parse(text)) as { packages: Json[] };
  for (const a of additions) doc.packages[a.index]!['attestation-identities'] = plain(a.identities);
  return doc;
}

/** The result minus the inserted ranges must be the original, byte for byte. */
function withoutInserted(out: string, ranges: ReadonlyArray<[number, number]>): string {
  let s = '';
  let from = 0;
  for (const [a, b] of ranges) {
    s += out.slice(from, a);
    from = b;
  }
  return s + out.slice(from);
}

function check(text: string, additions: IdentityAddition[]): string {
  const r = insertIdentities(text, additions, 'pylock.toml');
  assert.equal(withoutInserted(r.text, r.inserted), text);
  assert.deepEqual(plain(parse(r.text)), expected(text, additions));
  return r.text;
}

function codeOf(fn: () => unknown): { code: string; field: string | undefined; message: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof AirlockError, String(e));
    return { code: e.code, field: e.field, message: e.message };
  }
  assert.fail('did not throw');
}

test('[[packages]] followed by [packages.sdist] and [[packages.wheels]]: the key goes in the package section, after its last key', () => {
  const text = [
    'lock-version = "1.0"',
    '',
    '[[packages]]',
    'name = "demo"   # the project',
    'version = "1.0"',
    '',
    '# its sdist',
    '[packages.sdist]',
    `name = "demo-1.0.tar.gz"`,
    `hashes = { sha256 = "${H}" }`,
    '',
    '[[packages.wheels]]',
    `name = "demo-1.0-py3-none-any.whl"`,
    `hashes.sha256 = "${H}"`,
    '',
    '[[packages]]',
    'name = "other"',
    '[[packages.wheels]]',
    `name = "other-1.0-py3-none-any.whl"`,
    `hashes.sha256 = "${H}"`,
    '',
    '[tool.x]',
    'y = 1',
    '',
  ].join('\n');
  const out = check(text, [
    { index: 0, identities: [GH] },
    { index: 1, identities: [{ kind: 'Google', email: 'ci@acme.iam.gserviceaccount.com' }] },
  ]);
  const lines = out.split('\n');
  assert.deepEqual(lines.slice(3, 7), ['name = "demo"   # the project', 'version = "1.0"', GH_LINE, '']);
  assert.deepEqual(lines.slice(17, 20), [
    'name = "other"',
    'attestation-identities = [{ kind = "Google", email = "ci@acme.iam.gserviceaccount.com" }]',
    '[[packages.wheels]]',
  ]);
});

test('packages = [ inline tables ]: the key is appended inside each inline table', () => {
  const text = [
    'lock-version = "1.0"',
    'packages = [',
    `  { name = "a", version = "1", sdist = { name = "a-1.tar.gz", hashes = { sha256 = "${H}" } } }, # first`,
    '  {name="b",version="2"},',
    ']',
    'created-by = "me"',
    '',
  ].join('\n');
  const out = check(text, [
    { index: 1, identities: [GH] },
    { index: 0, identities: [GH] },
  ]);
  const lines = out.split('\n');
  assert.ok(lines[2]!.endsWith(`} }, ${GH_LINE} }, # first`), lines[2]);
  assert.equal(lines[3], `  {name="b",version="2", ${GH_LINE}},`);
});

test('CRLF line endings, indentation, a section without keys, and no final newline are kept', () => {
  const text = [
    'lock-version = "1.0"',
    '  [[packages]]',
    '  name = "a"',
    '  [packages.sdist]',
    '  name = "a-1.tar.gz"',
    '[[packages]] # only sub-tables',
    '[packages.sdist]',
    'name = "b-1.tar.gz"',
    '[[packages]]',
    'name = "c"',
  ].join('\r\n');
  const out = check(text, [
    { index: 0, identities: [GH] },
    { index: 1, identities: [GH] },
    { index: 2, identities: [GH] },
  ]);
  assert.equal(
    out,
    [
      'lock-version = "1.0"',
      '  [[packages]]',
      '  name = "a"',
      `  ${GH_LINE}`,
      '  [packages.sdist]',
      '  name = "a-1.tar.gz"',
      '[[packages]] # only sub-tables',
      GH_LINE,
      '[packages.sdist]',
      'name = "b-1.tar.gz"',
      '[[packages]]',
      'name = "c"',
      GH_LINE,
    ].join('\r\n'),
  );
});

test('a multi-line value and a string holding a [[packages]] line do not mislead the placement', () => {
  const text = [
    'lock-version = "1.0"',
    '[[packages]]',
    'name = "a"',
    'note = """',
    '[[packages]]',
    'name = "fake"',
    '"""',
    'wheels = [',
    `  { name = "a-1-py3-none-any.whl", hashes = { sha256 = "${H}" } }, # w`,
    ']  # end',
    '',
  ].join('\n');
  const out = check(text, [{ index: 0, identities: [GH] }]);
  assert.ok(out.endsWith(`]  # end\n${GH_LINE}\n`));
});

test('strings are escaped as TOML basic strings: quotes, backslashes, control characters, DEL, non-ASCII', () => {
  const text = 'lock-version = "1.0"\n[[packages]]\nname = "a"\n';
  const nasty = 'a"b\\c\nd\u0000e\u007ff\u202eg\u{1f600}';
  const id: LockIdentity = { kind: 'GitLab', repository: nasty, workflow_filepath: 'x', environment: nasty };
  const out = check(text, [{ index: 0, identities: [id] }]);
  assert.ok(!out.includes('\u007f') && !out.includes('\u0000') && !out.includes('\u202e'));
});

test('refusals: not TOML (LOCK_INVALID with the line), a package that has identities, a package that is not there', () => {
  assert.deepEqual(
    codeOf(() => insertIdentities('lock-version = "1.0"\n[[packages]\n', [], 'pylock.toml')).code,
    'LOCK_INVALID',
  );
  assert.equal(codeOf(() => insertIdentities('a = \n', [], 'pylock.toml')).field, 'line 1');
  const has = `lock-version = "1.0"\n[[packages]]\nname = "a"\n[[packages.attestation-identities]]\nkind = "GitHub"\n`;
  const e = codeOf(() => insertIdentities(has, [{ index: 0, identities: [GH] }], 'pylock.toml'));
  assert.deepEqual([e.code, e.field], ['LOCK_EDIT_UNSAFE', 'packages[0]']);
  assert.match(e.message, /attestation-identities already/);
  const missing = codeOf(() =>
    insertIdentities('lock-version = "1.0"\n[[packages]]\nname = "a"\n', [{ index: 1, identities: [GH] }], 'p'),
  );
  assert.deepEqual([missing.code, missing.field], ['LOCK_EDIT_UNSAFE', 'packages[1]']);
  const notArray = codeOf(() => insertIdentities('[packages]\nname = "a"\n', [{ index: 0, identities: [GH] }], 'p'));
  assert.equal(notArray.code, 'LOCK_EDIT_UNSAFE');
});

// --- generated locks -------------------------------------------------------

const text = fc.string({ unit: 'binary', maxLength: 12 });
const identity: fc.Arbitrary<LockIdentity> = fc.oneof(
  fc
    .record({ repository: text, workflow: text, environment: fc.option(text, { nil: undefined }) })
    .map((r): LockIdentity => ({ kind: 'GitHub', repository: r.repository, workflow: r.workflow, ...env(r) })),
  fc
    .record({
      repository: text,
      workflow_filepath: text,
      environment: fc.option(text, { nil: undefined }),
      issuer: fc.option(text, { nil: undefined }),
    })
    .map(
      (r): LockIdentity => ({
        kind: 'GitLab',
        repository: r.repository,
        workflow_filepath: r.workflow_filepath,
        ...env(r),
        ...(r.issuer !== undefined ? { issuer: r.issuer } : {}),
      }),
    ),
  text.map((email): LockIdentity => ({ kind: 'Google', email })),
);
function env(r: { environment: string | undefined }): { environment?: string } {
  return r.environment !== undefined ? { environment: r.environment } : {};
}

interface GenPackage {
  keys: boolean;
  comment: boolean;
  sdist: 'none' | 'inline' | 'dotted' | 'table';
  wheels: 'none' | 'inline' | 'multiline' | 'tables';
  note: boolean;
  ids: 'none' | 'key' | 'tables';
}
const genPackage: fc.Arbitrary<GenPackage> = fc.record({
  keys: fc.boolean(),
  comment: fc.boolean(),
  sdist: fc.constantFrom('none', 'inline', 'dotted', 'table'),
  wheels: fc.constantFrom('none', 'inline', 'multiline', 'tables'),
  note: fc.boolean(),
  ids: fc.constantFrom('none', 'none', 'key', 'tables'),
});
interface GenLock {
  inline: boolean;
  eol: '\n' | '\r\n';
  indent: '' | '  ' | '\t';
  finalNewline: boolean;
  tool: boolean;
  packages: GenPackage[];
}
const genLock: fc.Arbitrary<GenLock> = fc.record({
  inline: fc.boolean(),
  eol: fc.constantFrom('\n' as const, '\r\n' as const),
  indent: fc.constantFrom('' as const, '  ' as const, '\t' as const),
  finalNewline: fc.boolean(),
  tool: fc.boolean(),
  packages: fc.array(genPackage, { minLength: 1, maxLength: 4 }),
});

const ID_INLINE = '{ kind = "GitHub", repository = "o/r", workflow = "w.yml" }';

function sectionText(p: GenPackage, i: number, g: GenLock): string[] {
  const ind = g.indent;
  const lines = [`${ind}[[packages]]${p.comment ? ' # [[packages]] "x"' : ''}`];
  const subs: string[] = [];
  // A package with only sub-tables (no key of its own) is possible too.
  if (p.keys) lines.push(`${ind}name = "p${i}"`, `${ind}version = "1.${i}"`);
  if (p.note) lines.push(`${ind}note = """`, '[[packages]]', `name = 'fake' # not a comment`, '"""');
  if (p.sdist === 'inline') lines.push(`${ind}sdist = { name = "p${i}-1.tar.gz", hashes = { sha256 = "${H}" } }`);
  if (p.sdist === 'dotted') lines.push(`${ind}sdist.name = "p${i}-1.tar.gz"`, `${ind}sdist.hashes.sha256 = "${H}"`);
  if (p.sdist === 'table') subs.push('', `${ind}[packages.sdist]`, `name = "p${i}-1.tar.gz"`);
  if (p.wheels === 'inline') lines.push(`${ind}wheels = [{ name = "w${i}.whl", hashes = { sha256 = "${H}" } }]`);
  if (p.wheels === 'multiline')
    lines.push(`${ind}wheels = [ # wheels`, `  { name = "w${i}.whl" }, # one`, '  # [[packages]]', ']');
  if (p.wheels === 'tables') subs.push(`${ind}[[packages.wheels]]`, `name = "w${i}.whl"`, '[[packages.wheels]]');
  if (p.ids === 'key') lines.push(`${ind}attestation-identities = [${ID_INLINE}]`);
  if (p.ids === 'tables') subs.push('[[packages.attestation-identities]]', 'kind = "Google"', 'email = "e@x"');
  if (p.comment) lines.push('', '# a comment before the sub-tables');
  return [...lines, ...subs, ''];
}

function inlineText(p: GenPackage, i: number, g: GenLock): string[] {
  const kv: string[] = [];
  if (p.keys) kv.push(`name = "p${i}"`, `version = "1.${i}"`);
  if (p.sdist !== 'none') kv.push(`sdist = { name = "p${i}-1.tar.gz", hashes = { sha256 = "${H}" } }`);
  if (p.wheels === 'multiline') kv.push(`wheels = [${g.eol}    { name = "w${i}.whl" }, # one${g.eol}  ]`);
  else if (p.wheels !== 'none') kv.push(`wheels = [{ name = "w${i}.whl" }]`);
  if (p.ids !== 'none') kv.push(`attestation-identities = [${ID_INLINE}]`);
  return [`${g.indent}{${p.comment ? ' ' : ''}${kv.join(p.comment ? ', ' : ',')}${p.comment ? ' ' : ''}},`];
}

function lockText(g: GenLock): string {
  const lines = ['lock-version = "1.0"', '# created by a test'];
  if (g.inline) {
    lines.push('packages = [');
    lines.push(...g.packages.flatMap((p, i) => inlineText(p, i, g)));
    lines.push(']', 'created-by = "test"');
  } else {
    lines.push('created-by = "test"', '');
    lines.push(...g.packages.flatMap((p, i) => sectionText(p, i, g)));
  }
  if (g.tool) lines.push('[tool.airlock]', 'x = [1, 2]', '# end');
  const out = lines.join(g.eol);
  return g.finalNewline ? `${out}${g.eol}` : out.replace(/(\r?\n)+$/, '');
}

const lockAndAdditions = genLock.chain((g) => {
  const free = g.packages.flatMap((p, i) => (p.ids === 'none' ? [i] : []));
  return fc.record({
    text: fc.constant(lockText(g)),
    additions: fc
      .subarray(free)
      .chain((idx) =>
        fc.tuple(
          ...idx.map((index) =>
            fc.array(identity, { minLength: 1, maxLength: 2 }).map((ids) => ({ index, identities: ids })),
          ),
        ),
      ),
  });
});

test('property: any generated lock (tables, sub-tables, inline tables, comments, CRLF) reads as the original plus the identities', () => {
  fc.assert(
    fc.property(lockAndAdditions, ({ text, additions }) => {
      check(text, additions);
    }),
    RUNS,
  );
});

test('property: a damaged lock gives the exact result or a coded error, quickly', () => {
  const damaged = fc
    .tuple(lockAndAdditions, fc.nat(), fc.nat({ max: 3 }), fc.string({ unit: 'binary', maxLength: 3 }))
    .map(([{ text, additions }, at, del, ins]) => {
      const p = at % (text.length + 1);
      return { text: text.slice(0, p) + ins + text.slice(p + del), additions };
    });
  fc.assert(
    fc.property(damaged, ({ text, additions }) => {
      returnsOrCoded(() => {
        const r = insertIdentities(text, additions, 'pylock.toml');
        assert.equal(withoutInserted(r.text, r.inserted), text);
        assert.deepEqual(plain(parse(r.text)), expected(text, additions));
      });
    }),
    RUNS,
  );
});
