import { assetBytes } from '../assets.ts';

// The version recorded in every manifest's `tool` field, read once from package.json.
let version: string | undefined;

export function toolVersion(): string {
  version ??= (JSON.parse(new TextDecoder().decode(assetBytes('package.json'))) as { version: string }).version;
  return version;
}
