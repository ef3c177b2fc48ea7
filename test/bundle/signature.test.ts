import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import tar from 'tar-stream';
import { readBundle, writeBundle, type ManifestInput, type MemberInput } from '../../lib/bundle/index.ts';
import {
  SIGNATURE_PATH,
  checkBundleSignature,
  signManifest,
  signerKeyId,
  signingKey,
} from '../../lib/bundle/signature.ts';
import { AirlockError } from '../../lib/errors.ts';
import { sha256Hex } from '../../lib/util/digest.ts';
import { fixtureMembers } from './fixture-members.ts';

// Item 4 of issue 12: `bundle --sign-key` writes a DSSE envelope over an
// in-toto statement about the manifest's sha256, right after the manifest
// (format version 2); the reader reads versions 1 and 2 and hands the
// envelope over; checkBundleSignature decides, each refusal with its code.

let root: string;
let members: MemberInput[];
let input: ManifestInput;
const ed = generateKeyPairSync('ed25519');
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ed25519');

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'airlock-signature-'));
  ({ members, input } = await fixtureMembers());
});
after(() => rm(root, { recursive: true, force: true }));

async function read(
  path: string,
): Promise<{ envelope: Uint8Array | undefined; manifestSha256: string; version: number }> {
  let got: { envelope: Uint8Array | undefined; manifestSha256: string } | undefined;
  const manifest = await readBundle(path, {
    onSignature: (envelope, manifestSha256) => (got = { envelope, manifestSha256 }),
  });
  assert.ok(got);
  return { ...got, version: manifest.formatVersion };
}

function code(c: string, message?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof AirlockError, String(e));
    assert.equal(e.code, c, e.message);
    if (message) assert.match(e.message, message);
    return true;
  };
}

async function entries(path: string): Promise<Array<{ name: string; body: Buffer }>> {
  const out: Array<{ name: string; body: Buffer }> = [];
  const ex = tar.extract();
  const done = new Promise<void>((res, rej) => {
    ex.on('entry', (h, s, next) => {
      const parts: Buffer[] = [];
      s.on('data', (c: unknown) => parts.push(c as Buffer));
      s.on('end', () => {
        out.push({ name: h.name, body: Buffer.concat(parts) });
        next();
      });
    });
    ex.on('finish', res);
    ex.on('error', rej);
  });
  ex.end(await readFile(path));
  await done;
  return out;
}

async function pack(path: string, list: Array<{ name: string; body: Buffer }>): Promise<void> {
  const p = tar.pack();
  for (const e of list) p.entry({ name: e.name, size: e.body.length, mtime: new Date(0) }, e.body);
  p.finalize();
  const parts: Buffer[] = [];
  for await (const c of p) parts.push(c as Buffer);
  await writeFile(path, Buffer.concat(parts));
}

test('signed with Ed25519 or P-256: version 2, the signature second, verified and trusted', async () => {
  for (const [name, pair] of [
    ['ed25519', ed],
    ['p256', p256],
  ] as const) {
    const out = join(root, `${name}.tar`);
    const { manifest } = await writeBundle(out, input, members, { signKey: pair.privateKey });
    assert.equal(manifest.formatVersion, 2);
    assert.deepEqual(
      (await entries(out)).slice(0, 2).map((e) => e.name),
      ['airlock-manifest.json', SIGNATURE_PATH],
    );
    const r = await read(out);
    assert.equal(r.version, 2);
    assert.deepEqual(checkBundleSignature(r.envelope, r.manifestSha256, [pair.publicKey]), {
      status: 'verified',
      keyid: signerKeyId(pair.publicKey),
      trustedSigner: true,
    });
    // Without trusted signers, the signature is still checked and reported.
    assert.deepEqual(checkBundleSignature(r.envelope, r.manifestSha256, []), {
      status: 'verified',
      keyid: signerKeyId(pair.publicKey),
      trustedSigner: false,
    });
  }
});

test('unsigned: version 1 as before; refused (BUNDLE_UNSIGNED) only when signers are required', async () => {
  const out = join(root, 'unsigned.tar');
  await writeBundle(out, input, members);
  const r = await read(out);
  assert.equal(r.version, 1);
  assert.equal(r.envelope, undefined);
  assert.equal(r.manifestSha256, sha256Hex((await entries(out))[0]!.body));
  assert.deepEqual(checkBundleSignature(undefined, r.manifestSha256, []), { status: 'unsigned' });
  assert.throws(
    () => checkBundleSignature(undefined, r.manifestSha256, [ed.publicKey]),
    code('BUNDLE_UNSIGNED', /not signed; 1 trusted signer/),
  );
});

test('signed by another key: BUNDLE_SIGNER_UNTRUSTED naming its keyid', async () => {
  const out = join(root, 'other.tar');
  await writeBundle(out, input, members, { signKey: other.privateKey });
  const r = await read(out);
  assert.throws(
    () => checkBundleSignature(r.envelope, r.manifestSha256, [ed.publicKey, p256.publicKey]),
    code('BUNDLE_SIGNER_UNTRUSTED', new RegExp(`signed by key ${signerKeyId(other.publicKey)}`)),
  );
});

test('a signature over another manifest: BUNDLE_SIGNATURE_MISMATCH, in the reader too', async () => {
  const a = join(root, 'a.tar');
  await writeBundle(a, input, members, { signKey: ed.privateKey });
  const b = join(root, 'b.tar');
  await writeBundle(b, { ...input, createdAt: '2030-01-01T00:00:00Z' }, members, { signKey: ed.privateKey });
  // b's manifest and members with a's signature (a valid signature, by the trusted key, over a's manifest).
  const [ea, eb] = [await entries(a), await entries(b)];
  const swapped = join(root, 'swapped.tar');
  await pack(swapped, [eb[0]!, ea[1]!, ...eb.slice(2)]);
  const r = await read(swapped);
  assert.throws(
    () => checkBundleSignature(r.envelope, r.manifestSha256, [ed.publicKey]),
    code('BUNDLE_SIGNATURE_MISMATCH', /over a manifest with sha256 [0-9a-f]{64}; this bundle's manifest has sha256/),
  );
});

test('a broken envelope: BUNDLE_SIGNATURE_INVALID; a v2 bundle without its signature: MEMBER_MISSING', async () => {
  const manifest = Buffer.from('{}');
  const sha = sha256Hex(manifest);
  const good = JSON.parse(signManifest(manifest, ed.privateKey).toString()) as {
    payload: string;
    signatures: Array<{ sig: string }>;
  };
  const bad = (env: unknown, message: RegExp) =>
    assert.throws(
      () => checkBundleSignature(Buffer.from(JSON.stringify(env)), sha, [ed.publicKey]),
      code('BUNDLE_SIGNATURE_INVALID', message),
    );
  const sig = Buffer.from(good.signatures[0]!.sig, 'base64');
  sig[0]! ^= 1;
  bad({ ...good, signatures: [{ ...good.signatures[0], sig: sig.toString('base64') }] }, /does not verify/);
  bad({ ...good, signatures: [] }, /exactly one signature/);
  bad({ ...good, payloadType: 'text/plain' }, /not a DSSE envelope/);
  bad({ ...good, payload: Buffer.from('{"_type":"x"}').toString('base64') }, /not an in-toto statement/);
  assert.throws(() => checkBundleSignature(Buffer.from('{'), sha, []), code('BUNDLE_SIGNATURE_INVALID'));
  // The statement's key swapped for another: the signature no longer verifies with the key it names.
  const st = JSON.parse(Buffer.from(good.payload, 'base64').toString());
  st.predicate.publicKey = other.publicKey.export({ type: 'spki', format: 'pem' });
  bad({ ...good, payload: Buffer.from(JSON.stringify(st)).toString('base64') }, /does not verify/);

  const signed = join(root, 'signed.tar');
  await writeBundle(signed, input, members, { signKey: ed.privateKey });
  const stripped = join(root, 'stripped.tar');
  const list = await entries(signed);
  await pack(stripped, [list[0]!, ...list.slice(2)]);
  await assert.rejects(readBundle(stripped), code('MEMBER_MISSING', /second member is its signature/));
});

test('keys: Ed25519 and P-256 only, PEM, the right type (SIGNING_KEY_INVALID, exit 2)', () => {
  const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => k.export({ type, format: 'pem' }).toString();
  assert.equal(signingKey(pem(ed.privateKey, 'pkcs8'), 'private', 'k.pem').type, 'private');
  assert.equal(signingKey(pem(p256.publicKey, 'spki'), 'public', 'k.pub').type, 'public');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const invalid = (f: () => unknown, message: RegExp) =>
    assert.throws(f, (e: unknown) => code('SIGNING_KEY_INVALID', message)(e) && (e as AirlockError).exitCode === 2);
  invalid(() => signingKey(pem(rsa.publicKey, 'spki'), 'public', 'k.pub'), /rsa; use Ed25519 or ECDSA P-256/);
  invalid(() => signingKey(pem(p384.privateKey, 'pkcs8'), 'private', 'k.pem'), /secp384r1/);
  invalid(() => signingKey(pem(ed.privateKey, 'pkcs8'), 'public', 'k.pub'), /private key where a public key/);
  invalid(() => signingKey('not a key', 'private', 'k.pem'), /not a PEM private key/);
});

test('property: any envelope bytes give a status or a coded error, quickly', () => {
  const manifest = Buffer.from('{"m":1}');
  const sha = sha256Hex(manifest);
  const good = signManifest(manifest, ed.privateKey);
  const check = (bytes: Uint8Array) => {
    const t = Date.now();
    try {
      checkBundleSignature(bytes, sha, [ed.publicKey]);
    } catch (e) {
      assert.ok(e instanceof AirlockError, String(e));
    }
    assert.ok(Date.now() - t < 2000);
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), check), { numRuns: 300 });
  // One byte of a good envelope changed, anywhere.
  fc.assert(
    fc.property(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
      const b = Buffer.from(good);
      b[i]! ^= x;
      check(b);
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.json(), (j) => check(Buffer.from(j))),
    { numRuns: 300 },
  );
});
