import { esc } from '../../util/text.ts';
import { createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import type { CommandResult } from '../output.ts';
import { UsageError } from '../../errors.ts';
import { CAPS } from '../../util/caps.ts';
import { parseNow } from '../../util/time.ts';
import { checkTrustArgs, loadTrust, type TrustArgs } from './trust-material.ts';
import { readInput } from './read-input.ts';
import { sha256File } from '../../util/digest.ts';
import {
  checkIdentity,
  parseBundle,
  parsePublicKeyPem,
  verifyBundle,
  withPublicKey,
  type ArtifactInput,
  type ParsedBundle,
  type VerifiedBundle,
} from '../../sigstore/index.ts';

// `airlock sigstore verify-bundle`, shaped like the sigstore-conformance
// client protocol (docs/cli_protocol.md): same flags, exit 0 verified,
// 1 refused, 2 malformed input. Offline: the trusted root is never fetched,
// so it comes from --trusted-root or from a TUF copy checked on the spot
// (--trust-dir). Loaded only when the command runs.

export interface VerifyBundleArgs extends TrustArgs {
  artifact: string;
  bundle: string;
  certificateIdentity?: string | undefined;
  certificateOidcIssuer?: string | undefined;
  key?: string | undefined;
  now?: string | undefined;
}

const DIGEST_ARG = /^sha256:([0-9a-fA-F]{64})$/;

/**
 * The artifact as a digest or a file. A message signature with an ECDSA key
 * over sha256 is checked from the streamed digest; other message signatures
 * need the bytes (node:crypto cannot verify them from a digest).
 */
async function readArtifact(arg: string, parsed: ParsedBundle): Promise<ArtifactInput> {
  const m = DIGEST_ARG.exec(arg);
  // As the protocol says: a `sha256:` argument that is also a path on disk is a path.
  if (m && !existsSync(arg)) return { sha256: m[1]!.toLowerCase() };
  const content = parsed.bundle.content;
  const alg = content.$case === 'messageSignature' ? content.messageSignature.messageDigest.algorithm : undefined;
  const streamable =
    content.$case === 'dsseEnvelope' ||
    ((alg === HashAlgorithm.SHA2_256 || alg === HashAlgorithm.HASH_ALGORITHM_UNSPECIFIED) && isEcKey(parsed));
  if (streamable) return { sha256: (await sha256File(arg)).sha256 };
  return { bytes: await readInput(arg, CAPS.messageArtifact, 'message-signature artifact') };
}

function isEcKey(parsed: ParsedBundle): boolean {
  if (!parsed.certificate) return false;
  try {
    return (
      createPublicKey({ key: parsed.certificate.publicKey, format: 'der', type: 'spki' }).asymmetricKeyType === 'ec'
    );
  } catch {
    return false; // read the bytes; verification reports the bad key
  }
}

function report(bundleFile: string, v: VerifiedBundle): CommandResult {
  const when = v.timestamps.map((t) => esc`${t.time} (${t.kind})`).join(', ');
  const text = [
    esc`OK: ${bundleFile}: verified`,
    esc`  signer: ${v.signer.identity}${v.signer.issuer ? esc` (issuer ${v.signer.issuer})` : ''}`,
    esc`  signed: ${when}`,
    esc`  log entries: ${v.tlogEntries.map((e) => esc`${e.kind} ${e.kindVersion} #${e.logIndex}`).join(', ')}`,
  ].join('\n');
  const json = {
    ok: true,
    bundle: bundleFile,
    mediaType: v.mediaType,
    signer: {
      identity: v.signer.identity,
      identityType: v.signer.identityType,
      issuer: v.signer.issuer ?? null,
      extensions: v.signer.extensions,
      notBefore: v.signer.notBefore,
      notAfter: v.signer.notAfter,
    },
    timestamps: v.timestamps,
    tlogEntries: v.tlogEntries,
    ...(v.dsse ? { dsse: { payloadType: v.dsse.payloadType } } : {}),
  };
  return { exitCode: 0, text, json };
}

// A certificate bundle is only as good as its identity check: --key does not
// stand in for it.
function expectedIdentity(args: VerifyBundleArgs): { identity: string; issuer: string } {
  const { certificateIdentity: identity, certificateOidcIssuer: issuer } = args;
  if (identity === undefined || issuer === undefined) {
    throw new UsageError(
      'USAGE',
      `${args.bundle} is signed with a certificate: --certificate-identity and --certificate-oidc-issuer are required`,
    );
  }
  return { identity, issuer };
}

export async function verifyBundleCommand(args: VerifyBundleArgs): Promise<CommandResult> {
  checkTrustArgs(args);
  if (args.certificateIdentity === '' || args.certificateOidcIssuer === '') {
    throw new UsageError('USAGE', '--certificate-identity and --certificate-oidc-issuer must not be empty');
  }
  if (args.key === undefined && (args.certificateIdentity === undefined || args.certificateOidcIssuer === undefined)) {
    throw new UsageError(
      'USAGE',
      '--certificate-identity and --certificate-oidc-issuer are required (or --key for a key-signed bundle)',
    );
  }
  const now = parseNow(args.now);
  // Every input is read and parsed before the trust material is loaded: with
  // --trust-dir that moves the trust state forward, which a command refused
  // for a malformed bundle, a missing identity or an unreadable artifact
  // must not have done.
  const parsed = parseBundle(await readInput(args.bundle, CAPS.document, 'Sigstore bundle'), args.bundle);
  const expected = parsed.certificate ? expectedIdentity(args) : undefined;
  const keyPem = args.key === undefined ? undefined : await readInput(args.key, CAPS.publicKey, 'PEM public key');
  if (keyPem !== undefined && args.key !== undefined) parsePublicKeyPem(keyPem, args.key);
  const artifact = await readArtifact(args.artifact, parsed);
  const loaded = await loadTrust(args, now);
  let trust = loaded.trust;
  if (keyPem !== undefined && args.key !== undefined) trust = withPublicKey(trust, keyPem, args.key);
  const verified = verifyBundle(parsed, trust, { artifact, file: args.bundle });
  if (expected) checkIdentity(verified.signer, expected, args.bundle);
  return { ...report(args.bundle, verified), ...(loaded.commit ? { commit: loaded.commit } : {}) };
}
