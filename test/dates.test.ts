import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseManifest } from '../lib/bundle/manifest.ts';
import { parseMetadata } from '../lib/tuf/parse.ts';
import { TUF_2026 } from './helpers/fixtures.ts';
import { manifestFor } from './helpers/tar.ts';

// One reading of every date (issue 9.8): a date another reader would roll over
// (2026-02-30 → 2 March, T24:00:00 → the next day) or read otherwise is refused.

const IMPOSSIBLE = [
  '2026-02-30T00:00:00Z',
  '2026-01-01T24:00:00Z',
  '2026-04-31T00:00:00Z',
  'Tue, 01 Dec 2026 00:00:00 GMT',
];

test('TUF expires: an impossible or non-RFC 3339 date is TUF_METADATA_MALFORMED naming signed.expires', () => {
  const name = 'timestamp.json';
  const real = JSON.parse(readFileSync(join(TUF_2026(), 'metadata', name), 'utf8'));
  assert.ok(parseMetadata(Buffer.from(JSON.stringify(real)), 'timestamp', name));
  for (const expires of IMPOSSIBLE) {
    real.signed.expires = expires;
    assert.throws(
      () => parseMetadata(Buffer.from(JSON.stringify(real)), 'timestamp', name),
      { code: 'TUF_METADATA_MALFORMED', file: name, field: 'signed.expires' },
      expires,
    );
  }
});

test('manifest createdAt: an impossible date is MANIFEST_INVALID naming /createdAt', () => {
  assert.ok(parseManifest(Buffer.from(JSON.stringify(manifestFor([])))));
  for (const createdAt of ['2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z', '2026-13-01T00:00:00Z']) {
    assert.throws(
      () => parseManifest(Buffer.from(JSON.stringify(manifestFor([], { createdAt })))),
      { code: 'MANIFEST_INVALID', field: '/createdAt' },
      createdAt,
    );
  }
});
