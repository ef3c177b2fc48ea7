import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseJson } from '../../lib/util/json.ts';
import { findDuplicateKey } from '../../lib/util/json-keys.ts';
import { RUNS, returnsOrCoded } from '../helpers/json-mutations.ts';

// parseJson, the one JSON parser: a key given twice in one object is refused
// (JSON.parse would silently keep the last value; other readers the first).

function refused(text: string, field: string, key: string): void {
  assert.throws(() => parseJson(text, 'f.json'), {
    code: 'MALFORMED_JSON',
    file: 'f.json',
    field,
    message: `not valid JSON (key ${JSON.stringify(key)} given twice in one object)`,
  });
}

test('a key given twice is refused, naming where', () => {
  refused('{"a":1,"a":2}', '/a', 'a');
  refused('{"a":{"b":[1,{"c":1,"c":2}]}}', '/a/b/1/c', 'c');
  refused('{"x/y":{"~":1,"~":1}}', '/x~1y/~0', '~');
  refused('[{"k":0},{"k":1,"k":1}]', '/1/k', 'k');
});

test('a key given twice under two spellings of one string is refused', () => {
  refused('{"a":1,"\\u0061":2}', '/a', 'a');
  refused('{"é":1,"\\u00e9":2}', '/é', 'é');
});

test('the same key in different objects, or as a value, is not a duplicate', () => {
  assert.deepEqual(parseJson('{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":"a","d":"\\"a"}', 'f.json'), {
    a: { a: 1 },
    b: [{ a: 1 }, { a: 2 }],
    c: 'a',
    d: '"a',
  });
  assert.equal(findDuplicateKey('"{\\"a\\":1,\\"a\\":1}"'), undefined);
});

test('property: JSON.stringify output has no duplicate and reads back the same', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const text = JSON.stringify(v);
      assert.equal(JSON.stringify(parseJson(text, 'f.json')), text);
    }),
    RUNS,
  );
});

test('property: a key repeated in any object, in any spelling, is found', () => {
  const obj = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 });
  fc.assert(
    fc.property(obj, fc.nat(), fc.boolean(), fc.jsonValue({ maxDepth: 1 }), (o, n, escaped, extra) => {
      const keys = Object.keys(o);
      const key = keys[n % keys.length]!;
      const spelled = escaped
        ? `"${[...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`
        : JSON.stringify(key);
      const text = `{"wrap":[0,${JSON.stringify(o).slice(0, -1)},${spelled}:${JSON.stringify(extra)}}]}`;
      assert.deepEqual(findDuplicateKey(text), {
        key,
        pointer: `/wrap/1/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`,
      });
    }),
    RUNS,
  );
});

test('property: arbitrary text is read or refused with MALFORMED_JSON, quickly', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json(), fc.uint8Array()), (t) => returnsOrCoded(() => parseJson(t, 'f.json'))),
    RUNS,
  );
});

test('a deeply nested document is scanned without recursion', () => {
  const depth = 50_000;
  const text = `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;
  assert.doesNotThrow(() => findDuplicateKey(text));
  const deep = `${'['.repeat(depth)}{"k":1,"k":2}${']'.repeat(depth)}`;
  assert.deepEqual(findDuplicateKey(deep), { key: 'k', pointer: `/${'0/'.repeat(depth)}k` });
  // parseJson refuses such nesting before either JSON.parse or the scan sees it.
  assert.throws(() => parseJson(deep, 'f.json'), {
    code: 'MALFORMED_JSON',
    message: 'not accepted: nested deeper than 100 levels at position 100',
  });
});
