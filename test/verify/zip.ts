import { crc32 } from 'node:zlib';

// A stored (uncompressed) zip written by hand, so that a test can make each of its structures disagree.

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Name written in the local header, when it should differ from the central one. */
  localName?: string;
  localCrc?: number;
}

/** A stored (uncompressed) zip, written by hand so that each structure can be made to disagree. */
export function makeZip(entries: ZipEntry[], opts: { prefix?: Buffer; gapAfterFirst?: Buffer } = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    offset += b.length;
  };
  if (opts.prefix) push(opts.prefix);
  entries.forEach((e, i) => {
    const name = Buffer.from(e.name);
    const localName = Buffer.from(e.localName ?? e.name);
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(e.localCrc ?? crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(localName.length, 26);
    const at = offset;
    push(Buffer.concat([local, localName, e.data]));
    if (i === 0 && opts.gapAfterFirst) push(opts.gapAfterFirst);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(e.data.length, 20);
    c.writeUInt32LE(e.data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(at, 42);
    central.push(Buffer.concat([c, name]));
  });
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, eocd]);
}
