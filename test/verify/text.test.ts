import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatVerifyReport, type VerifyReport } from '../../lib/verify/index.ts';

// Every string that came from the bundle reaches the terminal escaped: a file
// name or message may carry control sequences that rewrite the screen.

test('the text report escapes control characters from the bundle', () => {
  const evil = 'x\u001b[2J\u009b31m\r\nACCEPTED evil';
  const report: VerifyReport = {
    ok: false,
    command: 'verify',
    tool: { name: 'airlock', version: '0' },
    archive: `b${evil}.tar`,
    now: '2026-08-22T00:00:00.000Z',
    nowSource: '--now',
    graceMs: 0,
    graceUsed: false,
    trust: null,
    policy: { uri: 'urn:x', sha256: '0'.repeat(64), builtin: true },
    summary: { accepted: 0, refused: 1, notVerified: 0 },
    files: [
      {
        project: `p${evil}`,
        version: `1${evil}`,
        filename: `f${evil}.tar.gz`,
        sha256: '0'.repeat(64),
        size: 1,
        member: 'packages/p/f',
        verdict: 'refused',
        code: 'NO_PROVENANCE',
        message: `m${evil}`,
        decidedBy: [],
        attestations: [],
      },
    ],
    projects: [{ name: `n${evil}`, status: { status: `s${evil}`, verified: false } }],
    pinEvents: [],
  };
  const text = formatVerifyReport(report);
  const control = [...text].filter((c) => {
    const n = c.codePointAt(0) ?? 0;
    return n !== 10 && (n < 0x20 || (n >= 0x7f && n <= 0x9f));
  });
  assert.deepEqual(control, []);
  // The injected line break stays escaped: no forged line reads as a verdict.
  assert.ok(text.split('\n').every((line) => !line.startsWith('ACCEPTED')));
  assert.ok(text.includes('\\u001b[2J'));
});
