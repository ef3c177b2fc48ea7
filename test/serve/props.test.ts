import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { negotiate } from '../../lib/serve/negotiate.ts';
import { parseRange } from '../../lib/serve/range.ts';
import { segmentsOf } from '../../lib/serve/resolve.ts';

// The request parsers take any bytes a client sends: they return a value,
// quickly, and never a path segment that climbs out.

test('negotiate, parseRange and segmentsOf return a value for any input', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), fc.nat(), (s, size) => {
      const started = Date.now();
      negotiate(s);
      const r = parseRange(s, size);
      if (r.kind === 'part') assert.ok(r.start >= 0 && r.end < size && r.start <= r.end);
      const segs = segmentsOf(`/${s}`);
      if (segs)
        for (const seg of segs) assert.ok(seg !== '..' && seg !== '.' && !seg.includes('/') && !seg.includes('\0'));
      assert.ok(Date.now() - started < 1000);
    }),
    { numRuns: 3000 },
  );
});

test('segmentsOf refuses traversal and encoded separators in every spelling', () => {
  for (const dots of ['..', '%2e%2e', '%2E%2e', '.%2e', '%2e.', '.'])
    for (const sep of ['/', '%2f', '%2F', '%5c', '%5C']) assert.equal(segmentsOf(`/files/${dots}${sep}x`), undefined);
  assert.deepEqual(segmentsOf('/simple/rfc8785/'), ['simple', 'rfc8785', '']);
});
