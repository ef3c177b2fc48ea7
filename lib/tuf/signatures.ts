import { createHash } from 'node:crypto';
import type { Key } from '@tufjs/models';
import { getPublicKey } from '@tufjs/models/dist/utils/key.js';
import { TufError } from '../errors.ts';

// Threshold signature check. @tufjs/models' `verifyDelegate` counts the key
// IDs whose signature verifies, so one key listed under two key IDs (each with
// a copy of the same signature) would reach threshold 2 on its own. We let the
// library verify each signature (`Key.verifySignature`) and count what it
// accepts by the key itself: the sha256 of its SubjectPublicKeyInfo, which is
// the same however the metadata encodes the key (PEM or hex).

type Signable = Parameters<Key['verifySignature']>[0];

interface RoleKeys {
  keyIDs: string[];
  threshold: number;
}

function keyIdentity(key: Key): string | undefined {
  try {
    const pub = getPublicKey({ keyType: key.keyType, scheme: key.scheme, keyVal: key.keyVal.public ?? '' });
    return createHash('sha256')
      .update(pub.key.export({ type: 'spki', format: 'der' }))
      .digest('hex');
  } catch {
    return undefined; // unsupported or unparsable key: it cannot count
  }
}

/** Number of distinct keys of `role` that validly signed `md`. */
export function countValidKeys(keys: Record<string, Key>, role: RoleKeys, md: Signable): number {
  const valid = new Set<string>();
  for (const keyID of new Set(role.keyIDs)) {
    const key = keys[keyID];
    if (!key) continue;
    try {
      key.verifySignature(md);
    } catch {
      continue;
    }
    const id = keyIdentity(key);
    if (id) valid.add(id);
  }
  return valid.size;
}

/** Throws TUF_SIGNATURE unless a threshold of distinct keys of `role` signed `md`. */
export function verifyThreshold(
  keys: Record<string, Key>,
  role: RoleKeys | undefined,
  md: Signable,
  what: string,
  file: string,
): void {
  if (!role) throw new TufError('TUF_SIGNATURE', `no keys are trusted for ${what}`, { file });
  const n = countValidKeys(keys, role, md);
  if (role.threshold < 1 || n < role.threshold) {
    throw new TufError(
      'TUF_SIGNATURE',
      `${what} signed by ${n} of the ${role.threshold} distinct trusted keys required`,
      { file },
    );
  }
}
