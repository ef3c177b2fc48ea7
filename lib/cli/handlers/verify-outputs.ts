import { createPrivateKey, type KeyObject } from 'node:crypto';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError, errorFor, errorMessage } from '../../errors.ts';
import type { Policy } from '../../policy/index.ts';
import { commitTemp, discardTemp, makeTempDirFor, writeFileAtomic } from '../../util/atomic.ts';
import { stringifyJson } from '../../util/json.ts';
import type { VerifyReport } from '../../verify/index.ts';
import { buildVsa, signVsa, vsaFileName } from '../../verify/vsa.ts';
import { CAPS } from '../../util/caps.ts';
import { readUserFile } from '../../util/read.ts';

// What `airlock verify` writes besides the trust state: the report file, the
// VSAs and the extracted accepted files. Each is written under a temporary
// name and renamed into place, so a failure never leaves half of one.

function outputError(path: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  return new InputError('OUTPUT_FAILED', `cannot write (${code ?? errorMessage(e)})`, { file: path, cause: e });
}

/** Reads the key and signs a throw-away statement with it, so an unusable key is refused before any work. */
export async function loadVsaKey(file: string): Promise<KeyObject> {
  const pem = await readUserFile(file, { cap: CAPS.privateKey });
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(pem), format: 'pem' });
  } catch (e) {
    throw new InputError('VSA_KEY_INVALID', `not a PEM private key (${errorMessage(e)})`, { file, cause: e });
  }
  try {
    signVsa(
      buildVsa({
        report: { now: new Date(0).toISOString(), nowSource: 'clock', tool: { name: 'airlock', version: '0' } },
        file: {
          project: 'x',
          version: '0',
          filename: 'x-0.tar.gz',
          sha256: '0'.repeat(64),
          verdict: 'accepted',
          admittedBy: 'hash',
          decidedBy: [],
        },
        policy: { uri: 'urn:x', sha256: '0'.repeat(64) },
      }),
      key,
    );
  } catch (e) {
    if (e instanceof InputError) throw errorFor(e.code, e.message, { file, cause: e });
    throw e;
  }
  return key;
}

export async function writeReportFile(path: string, report: VerifyReport): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
}

/**
 * The accepted files with their verified provenance and kept core metadata, in the bundle layout, into a new folder.
 */
export async function extractAccepted(checkedDir: string, report: VerifyReport, dest: string): Promise<void> {
  const accepted = report.files.filter((f) => f.verdict === 'accepted');
  if (accepted.length === 0) return;
  const tmp = await makeTempDirFor(dest);
  try {
    for (const f of accepted) {
      for (const member of [f.member, f.provenanceMember, f.coreMetadataMember]) {
        if (member === undefined) continue;
        const target = join(tmp, ...member.split('/'));
        await mkdir(dirname(target), { recursive: true });
        // COPYFILE_EXCL: the folder is ours and new; nothing may already be there.
        await copyFile(join(checkedDir, ...member.split('/')), target, 1).catch((e: unknown) => {
          throw outputError(join(dest, member), e);
        });
      }
    }
  } catch (e) {
    await discardTemp(tmp);
    throw e;
  }
  await commitTemp(tmp, dest);
}

/** One VSA per accepted file, `DIR/FILENAME.vsa.json`; with a key, a DSSE envelope signed with it. */
export async function writeVsas(
  report: VerifyReport,
  policy: Policy,
  dir: string,
  key: KeyObject | undefined,
): Promise<void> {
  await mkdir(dir, { recursive: true }).catch((e: unknown) => {
    throw outputError(dir, e);
  });
  for (const f of report.files) {
    if (f.verdict !== 'accepted') continue;
    const inputAttestations =
      f.provenanceMember !== undefined && f.provenanceSha256 !== undefined
        ? [{ uri: f.provenanceMember, sha256: f.provenanceSha256 }]
        : [];
    const statement = buildVsa({ report, file: f, policy, inputAttestations });
    const doc = key === undefined ? statement : signVsa(statement, key);
    await writeFileAtomic(join(dir, vsaFileName(f.filename)), `${stringifyJson(doc)}\n`);
  }
}
