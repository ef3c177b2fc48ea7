import { ArchiveError } from '../errors.ts';
import { ARCHIVE_LIMITS } from '../util/caps.ts';
import { assertSafePath, collisionKey, printable } from './paths.ts';
import type { ReadCaps } from './types.ts';

// The checks every tar entry passes from its header alone, before a byte of
// its body is read: type, path, uniqueness and declared size. Pure: fed one
// header at a time, it keeps what it has seen.

export const DEFAULT_CAPS: Required<ReadCaps> = {
  maxMemberBytes: ARCHIVE_LIMITS.maxMemberBytes,
  maxTotalBytes: ARCHIVE_LIMITS.maxTotalBytes,
  maxMembers: ARCHIVE_LIMITS.maxMembers,
  maxManifestBytes: ARCHIVE_LIMITS.maxManifestBytes,
};

export interface EntryHeader {
  name: string;
  type?: string | null;
  size?: number;
}

export class EntryRules {
  private readonly caps: Required<ReadCaps>;
  private readonly names = new Set<string>();
  private readonly keys = new Map<string, string>();
  private readonly dirKeys = new Map<string, string>();
  private count = 0;
  private total = 0;

  constructor(caps: ReadCaps = {}) {
    this.caps = { ...DEFAULT_CAPS, ...caps };
  }

  get maxManifestBytes(): number {
    return this.caps.maxManifestBytes;
  }

  get maxTotalBytes(): number {
    return this.caps.maxTotalBytes;
  }

  /** Throws the code that refuses this entry; returns its declared size. */
  check(h: EntryHeader): number {
    const file = printable(h.name);
    switch (h.type) {
      case 'file':
        break;
      case 'symlink':
      case 'link':
        throw new ArchiveError('ARCHIVE_LINK', `member is a ${h.type === 'link' ? 'hard' : 'symbolic'} link`, { file });
      default:
        // Folders too: the format has none, every parent folder is implied by the member paths.
        throw new ArchiveError(
          'ARCHIVE_SPECIAL_FILE',
          `member is a ${h.type ?? 'entry of unknown type'}, not a regular file`,
          { file },
        );
    }
    assertSafePath(h.name);
    if (this.names.has(h.name))
      throw new ArchiveError('ARCHIVE_DUPLICATE', 'member appears twice in the archive', { file });
    const key = collisionKey(h.name);
    const other = this.keys.get(key) ?? this.dirKeys.get(key);
    if (other !== undefined)
      throw new ArchiveError(
        'ARCHIVE_PATH_COLLISION',
        `collides with '${printable(other)}' after Unicode normalisation or case folding`,
        { file },
      );
    const segs = key.split('/');
    for (let n = 1; n < segs.length; n++) {
      const dir = segs.slice(0, n).join('/');
      const asFile = this.keys.get(dir);
      if (asFile !== undefined)
        throw new ArchiveError(
          'ARCHIVE_PATH_COLLISION',
          `needs '${printable(asFile)}' to be a folder, but it is a member`,
          { file },
        );
      if (!this.dirKeys.has(dir)) this.dirKeys.set(dir, h.name);
    }
    this.names.add(h.name);
    this.keys.set(key, h.name);

    const size = h.size ?? 0;
    if (!Number.isSafeInteger(size) || size < 0)
      throw new ArchiveError('ARCHIVE_UNREADABLE', `member declares an invalid size ${size}`, { file });
    if (++this.count > this.caps.maxMembers) {
      throw new ArchiveError('ARCHIVE_TOO_LARGE', `more than ${this.caps.maxMembers} members (cap maxMembers)`, {
        file,
      });
    }
    if (size > this.caps.maxMemberBytes) {
      throw new ArchiveError(
        'ARCHIVE_TOO_LARGE',
        `member declares ${size} bytes, over the cap of ${this.caps.maxMemberBytes} (maxMemberBytes)`,
        { file },
      );
    }
    this.total += size;
    if (this.total > this.caps.maxTotalBytes) {
      throw new ArchiveError(
        'ARCHIVE_TOO_LARGE',
        `members declare more than ${this.caps.maxTotalBytes} bytes in all (cap maxTotalBytes)`,
        { file },
      );
    }
    return size;
  }
}
