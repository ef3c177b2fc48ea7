import { posix } from 'node:path';
import { SourceError } from '../errors.ts';

// Archive paths of the bundle layout (lib/bundle/paths.ts enforces the same
// pattern on the reading side). The staging folder mirrors it, so a staged
// file's local path is STAGING/<archive path>.

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/;

/** Refuses a file name from the network that is not one safe path segment. */
export function safeSegment(name: string, where: string): string {
  if (!SEGMENT.test(name) || name.length > 255) {
    throw new SourceError('INDEX_MALFORMED', `'${name}' is not a safe file name`, { file: where });
  }
  return name;
}

export const distPath = (project: string, filename: string) => posix.join('packages', project, filename);
export const provenancePath = (project: string, filename: string) => `${distPath(project, filename)}.provenance`;
export const coreMetadataPath = (project: string, filename: string) => `${distPath(project, filename)}.metadata`;
export const indexPagePath = (project: string) => posix.join('index', `${project}.json`);
export const tufMetadataPath = (name: string) => posix.join('tuf', 'metadata', name);
export const tufTargetPath = (hashedName: string) => posix.join('tuf', 'targets', hashedName);
