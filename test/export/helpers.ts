import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { readBundle } from '../../lib/bundle/reader.ts';
import type { ExportFile, ExportInput } from '../../lib/export/types.ts';
import { sha256Hex } from '../../lib/util/digest.ts';
import { REPO_ROOT, PYPI } from '../helpers/fixtures.ts';

// Export inputs made from the real fixtures: the demo bundle extracted by the
// real reader (checked copies, as lib/verify hands them over), and the real
// rfc8785 wheel's METADATA for the PEP 658 case.

export const DEMO = join(REPO_ROOT, 'examples', 'demo-bundle.tar');

export function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `airlock-export-${prefix}-`));
}

async function wheelMetadata(wheel: string, out: string): Promise<string> {
  const zip = await new Promise<yauzl.ZipFile>((res, rej) =>
    yauzl.open(wheel, { lazyEntries: true }, (e, z) => (e ? rej(e) : res(z))),
  );
  try {
    for (;;) {
      const entry = await new Promise<yauzl.Entry | undefined>((res, rej) => {
        zip.once('entry', res);
        zip.once('end', () => res(undefined));
        zip.once('error', rej);
        zip.readEntry();
      });
      if (!entry) throw new Error(`no METADATA in ${wheel}`);
      if (/^[^/]+\.dist-info\/METADATA$/.test(entry.fileName)) {
        const stream = await new Promise<NodeJS.ReadableStream>((res, rej) =>
          zip.openReadStream(entry, (e, s) => (e ? rej(e) : res(s))),
        );
        await pipeline(stream, createWriteStream(out));
        return out;
      }
    }
  } finally {
    zip.close();
  }
}

/** The demo bundle's three distributions, from the reader's checked extraction. */
export async function demoInput(work: string, report: unknown = { demo: true }): Promise<ExportInput> {
  const dest = join(work, 'checked');
  const manifest = await readBundle(DEMO, { dest });
  const files: ExportFile[] = [];
  for (const pkg of manifest.packages) {
    for (const f of pkg.files) {
      const e: ExportFile = {
        project: pkg.name,
        version: pkg.version,
        filename: f.filename,
        sha256: f.sha256,
        size: f.size,
        source: join(dest, f.path),
      };
      if (f.provenance) e.provenance = join(dest, f.provenance);
      if (f.filename.endsWith('.whl')) {
        e.coreMetadata = await wheelMetadata(e.source, join(work, `${f.filename}.metadata`));
        const rp = /^Requires-Python: (.*)$/m.exec(readFileSync(e.coreMetadata, 'utf8'));
        if (rp?.[1]) e.requiresPython = { value: rp[1].trim(), verified: true };
      }
      files.push(e);
    }
  }
  return {
    files,
    projects: manifest.packages.map((p) => ({ name: p.name })),
    report,
    bundleSha256: sha256Hex(readFileSync(DEMO)),
  };
}

export { PYPI };
