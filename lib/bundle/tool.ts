import { readFileSync } from 'node:fs';

// The version recorded in every manifest's `tool` field, read once from package.json.
let version: string | undefined;

export function toolVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
  return version;
}
