import { InputError, errorMessage } from '../errors.ts';
import { isObject, parseJson } from '../util/json.ts';

// A provenance object is bundled as the bytes it came as; before that, the
// connected side checks it is at least a JSON object (wherever it came from:
// an index or --from-dir), so a bundle never carries an HTML error page.

export function checkProvenanceObject(bytes: Uint8Array, file: string): void {
  const bad = (why: string, cause?: unknown) =>
    new InputError('MALFORMED_JSON', `provenance is not a JSON object (${why})`, { file, cause });
  const doc = parseJson(bytes, file, (_m, e) => bad(errorMessage(e), e));
  if (!isObject(doc)) throw bad('not a JSON object');
}
