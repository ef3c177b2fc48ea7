import { InputError } from '../../errors.ts';
import { mib } from '../../util/caps.ts';
import { readUserFile } from '../../util/read.ts';

// The small inputs of `attest` and `sigstore verify-bundle` (provenance,
// attestation, Sigstore bundle, trusted_root.json, PEM key) come from the
// other side of the air gap: read by the one reader, bounded by their cap in
// lib/util/caps.ts, so a multi-gigabyte file is refused before it is held.

/** The file's bytes, refused with INPUT_UNREADABLE (exit 2) beyond `cap` bytes. */
export function readInput(path: string, cap: number, what: string): Promise<Uint8Array> {
  return readUserFile(path, {
    cap,
    tooLarge: () =>
      new InputError('INPUT_UNREADABLE', `larger than the ${mib(cap)} cap for a ${what}: refused unread`, {
        file: path,
      }),
  });
}
