import { createReadStream } from 'node:fs';
import { InputError, errorMessage } from '../../errors.ts';
import { parseJson } from '../../util/json.ts';

// Reading the small inputs of `attest verify` and `sigstore verify-bundle`
// (provenance, attestation, Sigstore bundle, trusted_root.json, PEM key) with
// a size cap. They come from the other side of the air gap; read whole and
// uncapped, a multi-gigabyte file would exhaust memory before any check ran.
// The cap is enforced while reading, so a FIFO or /dev/stdin, whose size
// stat() cannot tell, is bounded too.

const MiB = 1024 * 1024;

/** Caps, far above any real input: a provenance or bundle is some kB, the public-good trusted root some 10 kB. */
export const INPUT_CAPS = {
  /** PEP 740 provenance or attestation, Sigstore bundle. */
  document: 16 * MiB,
  /** trusted_root.json (TUF target files are capped at 32 MiB too). */
  trustedRoot: 32 * MiB,
  /** PEM public key. */
  key: 1 * MiB,
} as const;

function mib(n: number): string {
  return `${Math.round((n / MiB) * 10) / 10} MiB`;
}

/** The file's bytes, refused with INPUT_UNREADABLE (exit 2) beyond `cap` bytes. */
export async function readFileCapped(path: string, cap: number, what: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > cap) {
        throw new InputError('INPUT_UNREADABLE', `larger than the ${mib(cap)} cap for a ${what}: refused unread`, {
          file: path,
        });
      }
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('INPUT_UNREADABLE', `cannot read (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`, {
      file: path,
      cause: e,
    });
  } finally {
    stream.destroy();
  }
  return new Uint8Array(Buffer.concat(chunks, size));
}

/** A capped JSON input; MALFORMED_JSON (exit 2) when it is not UTF-8 JSON. */
export async function readJsonCapped(path: string, cap: number, what: string): Promise<unknown> {
  const bytes = await readFileCapped(path, cap, what);
  try {
    return parseJson(bytes, path);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('MALFORMED_JSON', `not valid UTF-8 JSON (${errorMessage(e)})`, { file: path, cause: e });
  }
}
