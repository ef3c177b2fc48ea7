import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { InternalError } from '../errors.ts';
import { fail } from './errors.ts';
import { verifyPrehashed } from './prehash.ts';

// Binding the bundle to the artifact the user named. A message signature
// signs the artifact itself; a DSSE envelope signs an in-toto statement whose
// subject names the artifact's digest.

export interface ArtifactInput {
  bytes?: Uint8Array;
  sha256?: string;
}

const NODE_HASH: Partial<Record<HashAlgorithm, string>> = {
  [HashAlgorithm.SHA2_256]: 'sha256',
  [HashAlgorithm.SHA2_384]: 'sha384',
  [HashAlgorithm.SHA2_512]: 'sha512',
};

type MessageBundle = Bundle & { content: { $case: 'messageSignature' } };
const DIGEST_FIELD = '/messageSignature/messageDigest/digest';

/**
 * Message signature: the artifact's digest equals messageDigest. Given only
 * a sha256, the signature is verified here over that digest; given the bytes,
 * the caller verifies it over the bytes.
 */
export function checkMessageArtifact(
  bundle: MessageBundle,
  artifact: ArtifactInput | undefined,
  key: KeyObject,
  file: string,
): void {
  const md = bundle.content.messageSignature.messageDigest;
  if (artifact?.bytes === undefined && artifact?.sha256 === undefined) {
    // The CLI always passes the artifact: a caller that does not is a bug.
    throw new InternalError('a message-signature bundle needs the artifact (its bytes or sha256:HEX)', { file });
  }
  const alg =
    NODE_HASH[md.algorithm] ?? (md.algorithm === HashAlgorithm.HASH_ALGORITHM_UNSPECIFIED ? 'sha256' : undefined);
  if (alg === undefined)
    throw fail(
      'BUNDLE_UNSUPPORTED',
      `unsupported message digest algorithm ${md.algorithm}`,
      file,
      '/messageSignature/messageDigest/algorithm',
    );
  if (artifact.bytes !== undefined) {
    const actual = createHash(alg).update(artifact.bytes).digest();
    if (!actual.equals(Buffer.from(md.digest)))
      throw fail(
        'DIGEST_MISMATCH',
        `the artifact's ${alg} ${actual.toString('hex')} is not the bundle's message digest ` +
          `${Buffer.from(md.digest).toString('hex')}`,
        file,
        DIGEST_FIELD,
      );
    return;
  }
  const want = Buffer.from(artifact.sha256 ?? '', 'hex');
  if (alg !== 'sha256')
    throw fail('DIGEST_MISMATCH', `the bundle's message digest is ${alg}, only a sha256 was given`, file, DIGEST_FIELD);
  if (!want.equals(Buffer.from(md.digest)))
    throw fail(
      'DIGEST_MISMATCH',
      `the artifact's sha256 ${artifact.sha256} is not the bundle's message digest ` +
        `${Buffer.from(md.digest).toString('hex')}`,
      file,
      DIGEST_FIELD,
    );
  const ok = verifyPrehashed(key, want, bundle.content.messageSignature.signature);
  if (ok === undefined)
    throw fail(
      'BUNDLE_UNSUPPORTED',
      `a ${key.asymmetricKeyType} signature cannot be verified from a digest: give the artifact file`,
      file,
    );
  if (!ok)
    throw fail(
      'SIGNATURE_INVALID',
      'the signature does not verify over the artifact digest with the signing key',
      file,
      '/messageSignature/signature',
    );
}

/** DSSE + artifact: the in-toto statement names the artifact's sha256 among its subjects. */
export function checkDsseSubject(
  payloadType: string,
  payload: Uint8Array,
  artifact: ArtifactInput,
  file: string,
): void {
  const sha256 =
    artifact.sha256 ??
    createHash('sha256')
      .update(artifact.bytes ?? new Uint8Array())
      .digest('hex');
  const field = '/dsseEnvelope/payload';
  if (payloadType !== 'application/vnd.in-toto+json')
    throw fail('DIGEST_MISMATCH', `payload type ${payloadType} names no artifact`, file, field);
  let subjects: unknown;
  try {
    subjects = (JSON.parse(Buffer.from(payload).toString('utf8')) as { subject?: unknown }).subject;
  } catch {
    throw fail('DIGEST_MISMATCH', 'the in-toto payload is not JSON', file, field);
  }
  const found =
    Array.isArray(subjects) &&
    subjects.some((s) => (s as { digest?: { sha256?: unknown } } | null)?.digest?.sha256 === sha256);
  if (!found) throw fail('DIGEST_MISMATCH', `no subject of the in-toto statement has sha256 ${sha256}`, file, field);
}
