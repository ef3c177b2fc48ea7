import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { signerKeyId } from '../../lib/bundle/signature.ts';
import { validateSchema } from '../../lib/schemas.ts';
import type { VerifyReport } from '../../lib/verify/index.ts';
import { runCli } from '../helpers/cli.ts';
import { startIndexServer, type IndexServer } from '../helpers/index-server.ts';
import { makeBundle, NOW, policyToml, removeTempDirs, snapshot, tempDir } from './helpers.ts';

// Item 4 of issue 12 end to end: `airlock bundle --sign-key`, then `verify`
// with `--trusted-signer` or the policy's `signers`: signed and trusted
// passes; unsigned and signed by another key are refused with their codes,
// every file not verified, the state untouched.

let s: IndexServer;
let dir: string;
let signed: string;
let unsigned: string;
let policy: string;
const keys = { signer: generateKeyPairSync('ed25519'), other: generateKeyPairSync('ec', { namedCurve: 'P-256' }) };
const pub = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();

before(async () => {
  s = await startIndexServer();
  dir = await tempDir();
  await writeFile(join(dir, 'signer.pem'), keys.signer.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(join(dir, 'signer.pub'), pub(keys.signer.publicKey));
  await writeFile(join(dir, 'other.pub'), pub(keys.other.publicKey));
  signed = await makeBundle(s, ['--sign-key', join(dir, 'signer.pem')]);
  unsigned = await makeBundle(s);
  policy = join(dir, 'policy.toml');
  await writeFile(policy, policyToml({ rfc8785Sha256: s.dists.find((d) => d.project === 'rfc8785')!.sha256 }));
});
after(async () => {
  await s.close();
  await removeTempDirs();
});

async function verify(archive: string, ...more: string[]) {
  const state = await tempDir();
  const r = await runCli(['verify', archive, '--policy', policy, '--now', NOW, '--state', state, '--json', ...more]);
  const report = validateSchema<VerifyReport>('verify-report', JSON.parse(r.stdout), 'stdout');
  return { code: r.code, report, state };
}

test('signed and trusted (--trusted-signer): every file accepted, the signature reported', async () => {
  const { code, report } = await verify(
    signed,
    '--trusted-signer',
    join(dir, 'other.pub'),
    '--trusted-signer',
    join(dir, 'signer.pub'),
  );
  assert.equal(code, 0, JSON.stringify(report.failure));
  assert.deepEqual(report.signature, {
    status: 'verified',
    keyid: signerKeyId(keys.signer.publicKey),
    trustedSigner: true,
  });
});

test('no signer configured: a signature is checked and reported, an unsigned bundle reported as such', async () => {
  const a = await verify(signed);
  assert.equal(a.code, 0);
  assert.deepEqual(a.report.signature, {
    status: 'verified',
    keyid: signerKeyId(keys.signer.publicKey),
    trustedSigner: false,
  });
  const b = await verify(unsigned);
  assert.equal(b.code, 0);
  assert.deepEqual(b.report.signature, { status: 'unsigned' });
});

test('unsigned, or signed by another key: refused with its code, no file accepted, the state untouched', async () => {
  const u = await verify(unsigned, '--trusted-signer', join(dir, 'signer.pub'));
  assert.equal(u.code, 1);
  assert.equal(u.report.failure?.code, 'BUNDLE_UNSIGNED');
  assert.ok(u.report.files.every((f) => f.verdict === 'not-verified'));
  assert.deepEqual(await snapshot(u.state), {});
  const o = await verify(signed, '--trusted-signer', join(dir, 'other.pub'));
  assert.equal(o.code, 1);
  assert.equal(o.report.failure?.code, 'BUNDLE_SIGNER_UNTRUSTED');
  assert.match(o.report.failure?.message ?? '', new RegExp(signerKeyId(keys.signer.publicKey)));
});

test("the policy's signers: the same requirement, without --trusted-signer", async () => {
  const withSigners = join(dir, 'signers.toml');
  const rfc8785Sha256 = s.dists.find((d) => d.project === 'rfc8785')!.sha256;
  const text = `signers = ["""\n${pub(keys.signer.publicKey)}"""]\n${policyToml({ rfc8785Sha256 })}`;
  await writeFile(withSigners, text);
  const state = await tempDir();
  const ok = await runCli(['verify', signed, '--policy', withSigners, '--now', NOW, '--state', state]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const refused = await runCli(['verify', unsigned, '--policy', withSigners, '--now', NOW, '--state', await tempDir()]);
  assert.equal(refused.code, 1);
  assert.match(refused.stdout, /BUNDLE_UNSIGNED/);
});

test('a key that cannot be used: exit 2, SIGNING_KEY_INVALID naming the file', async () => {
  const r = await runCli(['verify', signed, '--trusted-signer', join(dir, 'signer.pem'), '--now', NOW]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /^airlock: SIGNING_KEY_INVALID: .*signer\.pem: a private key where a public key is expected\n$/,
  );
  const b = await runCli(['bundle', 'x==1', '-o', join(dir, 'x.tar'), '--sign-key', join(dir, 'signer.pub')]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /^airlock: SIGNING_KEY_INVALID: .*signer\.pub: not a PEM private key/);
});
