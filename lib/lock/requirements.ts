import { InputError } from '../errors.ts';
import { isExactVersion, isValidName, normalizeName } from './names.ts';
import type { LockEntry } from './types.ts';

// pip requirements in hash-checking mode, the subset a lock compiler writes:
//   name[extras]==version ; marker  --hash=sha256:HEX --hash=sha256:HEX
// with `\` continuations and `#` comments. Anything that does not pin one exact
// release by hash (ranges, URLs, -e, -r, unpinned, other options) is refused:
// a bundle must contain exactly what was reviewed. pip's own parser is Python,
// so this small line grammar is written here.

// name[extras]==version, then an optional `; marker` (markers are not evaluated:
// the connected side bundles the pinned files whatever the target platform).
// Each quantifier is followed by a character it cannot match, so a failing line
// costs linear time: two `\s*` around an optional group (`\s*(\[...\])?\s*`)
// made a name followed by a long run of spaces quadratic.
const REQ = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:(\[[^\]]*\])\s*)?==\s*([^\s;=]+)\s*(;.*)?$/;
const HASH_OPT = /(?:^|\s)--hash(?:=|\s+)(\S+)/g;

function invalid(file: string, line: number, msg: string): InputError {
  return new InputError('LOCK_INVALID', msg, { file, field: `line ${line}` });
}

/** Joins `\` continuations and strips comments; keeps the first line number of each logical line. */
function logicalLines(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let buf = '';
  let start = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i]!;
    if (buf === '') start = i + 1;
    // pip: a comment starts at `#` at line start or after whitespace.
    l = l.replace(/(^|\s)#.*$/, '$1');
    if (l.endsWith('\\')) {
      buf += `${l.slice(0, -1)} `;
      continue;
    }
    buf += l;
    if (buf.trim() !== '') out.push({ line: start, text: buf.trim() });
    buf = '';
  }
  if (buf.trim() !== '') out.push({ line: start, text: buf.trim() });
  return out;
}

export function parseRequirements(text: string, file: string): LockEntry[] {
  const entries: LockEntry[] = [];
  const seen = new Set<string>();
  for (const { line, text: l } of logicalLines(text)) {
    if (l === '--require-hashes') continue;
    if (l.startsWith('-'))
      throw invalid(
        file,
        line,
        `option '${l.split(/\s/)[0]}' is not supported; only name==version --hash=sha256:... lines`,
      );
    const hashArgs = [...l.matchAll(HASH_OPT)].map((h) => h[1]!);
    const spec = l.replace(HASH_OPT, ' ').trim();
    if (/(^|\s)-/.test(spec)) throw invalid(file, line, `only --hash options may follow a requirement`);
    const m = REQ.exec(spec);
    if (!m) {
      throw invalid(
        file,
        line,
        `'${l.length > 60 ? `${l.slice(0, 57)}...` : l}' is not an exact pin 'name==version --hash=sha256:...' ` +
          `(ranges, URLs and unpinned names are refused)`,
      );
    }
    const [, rawName, , version] = m;
    if (!isValidName(rawName!)) throw invalid(file, line, `'${rawName}' is not a valid project name`);
    if (!isExactVersion(version!)) throw invalid(file, line, `'${version}' is not an exact PEP 440 version`);
    const hashes: string[] = [];
    for (const h of hashArgs) {
      const hm = /^sha256:([0-9a-fA-F]{64})$/.exec(h);
      if (hm) hashes.push(hm[1]!.toLowerCase());
      // Other pip algorithms are allowed beside a sha256 one; the index speaks sha256.
      else if (!/^sha(384|512):[0-9a-fA-F]+$/.test(h))
        throw invalid(file, line, `'${h}' is not a hash of the form sha256:HEX`);
    }
    if (hashes.length === 0)
      throw invalid(file, line, `${rawName}==${version} has no --hash=sha256:... (hash-checking mode requires one)`);
    const name = normalizeName(rawName!);
    if (seen.has(name)) throw invalid(file, line, `${name} is listed twice`);
    seen.add(name);
    entries.push({ name, version: version!, file, field: `line ${line}`, hashes: [...new Set(hashes)] });
  }
  if (entries.length === 0) throw new InputError('LOCK_INVALID', 'no requirements found', { file });
  return entries;
}
