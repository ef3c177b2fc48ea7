import { ExportError } from '../errors.ts';
import { layoutRole, printable, unsafePathReason } from '../bundle/paths.ts';
import { normalizeProjectName } from '../dist/name.ts';
import { isSha256Hex } from '../util/digest.ts';

// Every name that becomes a path in the destination passes the bundle format's
// own path rules (lib/bundle/paths.ts): a project must be a normalised PEP 503
// name and a file a single safe segment, exactly what `packages/NAME/FILE`
// allows in a bundle. Whatever the manifest or the report says, nothing can
// escape DIR or mean two things on two file systems.

function unsafe(message: string, file: string): ExportError {
  return new ExportError('EXPORT_UNSAFE_NAME', message, { file: printable(file) });
}

export function checkProjectName(name: string): void {
  if (normalizeProjectName(name) !== name || layoutRole(`index/${name}.json`) !== 'index-page')
    throw unsafe('not a normalised PEP 503 project name', name);
}

/** A distribution file name, and the names derived from it, as one bundle path segment each. */
export function checkFileName(project: string, filename: string): void {
  checkProjectName(project);
  for (const name of [filename, `${filename}.metadata`, `${filename}.provenance`, `${filename}.vsa.json`]) {
    const path = `packages/${project}/${name}`;
    const reason = unsafePathReason(path);
    if (reason !== undefined || layoutRole(path) === undefined)
      throw unsafe(`not a safe file name${reason ? ` (${reason})` : ''}`, filename);
  }
  if (filename.startsWith('.') || filename === 'index.html' || filename === 'index.json')
    throw unsafe('a file name the export layout reserves', filename);
}

export function checkSha256(sha256: string, file: string): void {
  if (!isSha256Hex(sha256)) throw unsafe('sha256 is not 64 lower-case hex digits', file);
}
