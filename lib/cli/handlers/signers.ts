// Keys for signed bundles, read at the I/O edge: `bundle --sign-key`,
// `verify`/`export --trusted-signer` and the policy's `signers`.
import type { KeyObject } from 'node:crypto';
import { signingKey } from '../../bundle/signature.ts';
import { CAPS } from '../../util/caps.ts';
import { readUserFile } from '../../util/read.ts';

export async function loadSignKey(file: string): Promise<KeyObject> {
  return signingKey(await readUserFile(file, { cap: CAPS.privateKey }), 'private', file);
}

export async function loadTrustedSigners(files: readonly string[]): Promise<KeyObject[]> {
  const keys: KeyObject[] = [];
  for (const f of files) keys.push(signingKey(await readUserFile(f, { cap: CAPS.publicKey }), 'public', f));
  return keys;
}
