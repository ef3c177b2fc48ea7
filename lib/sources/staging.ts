import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError, errorMessage } from '../errors.ts';
import { sha256Hex } from '../util/digest.ts';
import type { LocalFile } from './types.ts';

// The staging folder (a temporary folder beside the output, removed on success,
// failure and signal) holds downloads in the archive layout until writeBundle
// has streamed them into the archive.

function outputFailed(path: string, e: unknown): InputError {
  return new InputError(
    'OUTPUT_FAILED',
    `cannot write the staging copy (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`,
    { file: path, cause: e },
  );
}

export async function ensureParent(staging: string, archivePath: string): Promise<string> {
  const p = join(staging, ...archivePath.split('/'));
  await mkdir(dirname(p), { recursive: true }).catch((e) => {
    throw outputFailed(p, e);
  });
  return p;
}

/** Writes a small fetched document into the staging folder. */
export async function writeStaged(staging: string, archivePath: string, bytes: Uint8Array): Promise<LocalFile> {
  const p = await ensureParent(staging, archivePath);
  await writeFile(p, bytes, { flag: 'wx' }).catch((e) => {
    throw outputFailed(p, e);
  });
  return { localPath: p, sha256: sha256Hex(bytes), size: bytes.length };
}
