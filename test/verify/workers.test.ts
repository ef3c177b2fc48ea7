import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, test } from 'node:test';
import { isAirlockError } from '../../lib/errors.ts';
import { loadTrustMaterial, type SigstoreTrust } from '../../lib/sigstore/index.ts';
import { checkProvenanceBytes, type ProvenanceTask } from '../../lib/verify/provenance.ts';
import { provenanceChecker, type ProvenanceChecker } from '../../lib/verify/workers.ts';
import { PrivateSigstore } from '../helpers/private-sigstore.ts';

// The provenance pool of `verify` (lib/verify/workers.ts): the same answer for
// every file whichever thread checks it, and fail closed when a worker
// misbehaves (crashes, throws, answers nonsense): INTERNAL_ERROR for the files
// it held, never a pass.

const sha = (b: string) => createHash('sha256').update(b).digest('hex');

let trust: SigstoreTrust;
let rootBytes: Uint8Array;
let tasks: ProvenanceTask[];

before(async () => {
  const sig = await PrivateSigstore.create();
  rootBytes = Buffer.from(JSON.stringify(sig.trustedRoot()));
  trust = loadTrustMaterial(rootBytes, 'trusted_root.json');
  const files = Array.from({ length: 24 }, (_, i) => ({ filename: `f${i}-1.0.tar.gz`, body: `file ${i}\n` }));
  const prov = await sig.provenance(
    files.map((f) => ({ filename: f.filename, sha256: sha(f.body) })),
    { kind: 'GitHub', repository: 'acme/app', workflow: 'release.yml' },
  );
  tasks = files.map((f, i) => {
    let bytes = prov.get(f.filename)!;
    // Some files fail, each in its own way: another digest, a changed signature, not JSON, a bare attestation.
    if (i % 6 === 1)
      return { bytes, file: `${f.filename}.provenance`, dist: { filename: f.filename, sha256: sha('x') } };
    if (i % 6 === 2) {
      const doc = JSON.parse(bytes.toString('utf8'));
      const env = doc.attestation_bundles[0].attestations[0].envelope;
      env.signature = Buffer.from(Buffer.from(env.signature, 'base64').map((b, j) => (j === 10 ? b ^ 1 : b))).toString(
        'base64',
      );
      bytes = Buffer.from(JSON.stringify(doc));
    }
    if (i % 6 === 3) bytes = Buffer.from('{not json');
    if (i % 6 === 4)
      bytes = Buffer.from(JSON.stringify(JSON.parse(bytes.toString('utf8')).attestation_bundles[0].attestations[0]));
    return { bytes, file: `${f.filename}.provenance`, dist: { filename: f.filename, sha256: sha(f.body) } };
  });
});

type Outcome = { ok: unknown } | { code: string; message: string; file?: string; field?: string };

async function outcome(p: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await p };
  } catch (e) {
    assert.ok(isAirlockError(e), `not a coded error: ${String(e)}`);
    return {
      code: e.code,
      message: e.message,
      ...(e.file ? { file: e.file } : {}),
      ...(e.field ? { field: e.field } : {}),
    };
  }
}

function inThread(t: ProvenanceTask): Outcome | Promise<Outcome> {
  return outcome((async () => checkProvenanceBytes(t, trust))());
}

function pool(opts: { jobs: number; script?: { code: string } }): ProvenanceChecker {
  return provenanceChecker({
    trust,
    trustedRoot: { bytes: rootBytes, label: 'trusted_root.json' },
    jobs: opts.jobs,
    tasks: tasks.length,
    tasksPerWorker: 1,
    ...(opts.script ? { script: opts.script } : {}),
  });
}

test('workers and this thread give every file the same results and the same coded errors', async () => {
  const expected = await Promise.all(tasks.map(inThread));
  assert.ok(expected.some((o) => 'ok' in o) && expected.some((o) => 'code' in o));
  const checker = pool({ jobs: 3 });
  try {
    await checker.ready;
    // Twice, in two orders: a file's answer never depends on which thread took it or when.
    const got = await Promise.all(tasks.map((t) => outcome(checker.attest(t))));
    assert.deepEqual(got, expected);
    const reversed = await Promise.all([...tasks].reverse().map((t) => outcome(checker.attest(t))));
    assert.deepEqual(reversed.reverse(), expected);
  } finally {
    await checker.close();
  }
});

const READY = "const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ ready: true });";

for (const [what, code] of [
  ['exits in the middle of a task', `${READY} parentPort.on('message', () => process.exit(3));`],
  ['throws outside a task', `${READY} parentPort.on('message', () => { throw new Error('boom'); });`],
  [
    'answers with no results',
    `${READY} parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, results: [] }));`,
  ],
  [
    'answers with something that is not a result list',
    `${READY} parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, results: 'accepted' }));`,
  ],
  [
    'answers a task it was not given',
    `${READY} parentPort.on('message', (m) => parentPort.postMessage({ id: m.id + 1000, results: [{}] }));`,
  ],
  [
    'answers with an error code that is a property of every object',
    `${READY} parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, error: { code: 'constructor', message: 'x' } }));`,
  ],
  [
    'answers with an unknown error code',
    `${READY} parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, error: { code: 'OK', message: 'fine' } }));`,
  ],
] as const) {
  test(`a worker that ${what}: INTERNAL_ERROR for the files it held, never a pass`, async () => {
    const checker = pool({ jobs: 2, script: { code } });
    try {
      await checker.ready;
      const good = tasks[0]!;
      const first = await outcome(checker.attest(good));
      assert.ok('code' in first, `accepted: ${JSON.stringify(first)}`);
      assert.equal(first.code, 'INTERNAL_ERROR');
      assert.equal(first.file, good.file);
      assert.match(first.message, /provenance worker/);
    } finally {
      await checker.close();
    }
  });
}

test('once its worker has stopped, the pool checks the next files in this thread, with the same answers', async () => {
  const checker = pool({ jobs: 2, script: { code: `${READY} parentPort.on('message', () => process.exit(3));` } });
  try {
    await checker.ready;
    assert.equal(((await outcome(checker.attest(tasks[0]!))) as { code: string }).code, 'INTERNAL_ERROR');
    const rest = await Promise.all(tasks.map((t) => outcome(checker.attest(t))));
    assert.deepEqual(rest, await Promise.all(tasks.map(inThread)));
  } finally {
    await checker.close();
  }
});

test('--jobs 1, or too few files for a worker: everything in this thread, no worker started', async () => {
  const one = provenanceChecker({
    trust,
    trustedRoot: { bytes: rootBytes, label: 'trusted_root.json' },
    jobs: 1,
    tasks: 10_000,
  });
  const few = provenanceChecker({
    trust,
    trustedRoot: { bytes: rootBytes, label: 'trusted_root.json' },
    jobs: 8,
    tasks: 5,
  });
  for (const c of [one, few]) {
    assert.deepEqual(await outcome(c.attest(tasks[0]!)), await inThread(tasks[0]!));
    await c.close();
  }
});
