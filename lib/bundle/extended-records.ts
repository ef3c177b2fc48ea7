import { ambiguous } from './header-rules.ts';
import { printable } from './paths.ts';

// The bodies of the two extended headers a bundle may carry before a member:
// a pax header ('x') holding only a `path` record, and a GNU long name ('L').
// Checked byte for byte, because readers split and apply their records
// differently: tarfile reads `size=447x` as 0 and tar-stream as 447, tarfile
// renames a member from `GNU.sparse.name`, and a record whose length field
// disagrees with its newline is cut at different places.

/**
 * The pax keys airlock accepts: the writer uses `path` for names that do not
 * fit the ustar fields. Every other key would change the member's meaning for
 * some reader (size, linkpath, hdrcharset, GNU.sparse.*) or is not needed.
 */
const PAX_KEYS = new Set(['path']);

const DIGITS = /^[1-9][0-9]*$/;

/** Parses the records of a pax header body; `label` names the member in messages. */
export function parsePaxRecords(body: Buffer, label: string): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const lenText = space === -1 ? '' : body.toString('latin1', at, space);
    const len = DIGITS.test(lenText) && lenText.length <= 5 ? Number(lenText) : Number.NaN;
    if (Number.isNaN(len))
      throw ambiguous(label, 'pax record', `a pax record at byte ${at} does not start with a plain decimal length`);
    const end = at + len;
    if (end > body.length || body[end - 1] !== 0x0a)
      throw ambiguous(
        label,
        'pax record',
        `the pax record at byte ${at} declares ${len} bytes, which do not end at its newline`,
      );
    const record = body.subarray(space + 1, end - 1);
    const eq = record.indexOf(0x3d);
    if (eq <= 0) throw ambiguous(label, 'pax record', `the pax record at byte ${at} has no key=value`);
    // Keys reach messages: escaped, so a record cannot write to the terminal.
    const key = printable(record.toString('utf8', 0, eq));
    const value = record.toString('utf8', eq + 1);
    if (key.startsWith('GNU.sparse.'))
      throw ambiguous(label, `pax ${key}`, 'GNU sparse records are read differently by every tar reader');
    if (!PAX_KEYS.has(key))
      throw ambiguous(
        label,
        `pax ${key}`,
        `pax key '${key}' is not one airlock writes (only ${[...PAX_KEYS].join(', ')})`,
      );
    if (records.has(key)) throw ambiguous(label, `pax ${key}`, `pax key '${key}' appears twice in one header`);
    // An empty value deletes the field for POSIX readers; tar-stream keeps the header's name.
    if (value === '') throw ambiguous(label, `pax ${key}`, `pax key '${key}' has an empty value`);
    records.set(key, value);
    at = end;
  }
  if (records.size === 0) throw ambiguous(label, 'pax record', 'a pax header with no records');
  return records;
}

/** A GNU long-name body: the name and one NUL, which the declared size includes exactly. */
export function parseLongName(body: Buffer, label: string): string {
  const nul = body.indexOf(0);
  if (body.length < 2 || nul !== body.length - 1)
    throw ambiguous(label, 'long name', 'a GNU long name that is not one name followed by exactly one NUL');
  return body.toString('utf8', 0, nul);
}
