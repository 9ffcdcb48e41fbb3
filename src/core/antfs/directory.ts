/**
 * The ANT-FS directory, file index 0 (docs/ant-fs.md): a 16-byte header, then one
 * 16-byte entry per file. Dates count seconds since the FIT epoch; values below 0x10000000 are
 * the watch's "system time" (seconds since power-up), not calendar time. The encoder is for the
 * simulated watch.
 */
import { FitkitError } from '../errors.js';
import { FIT_EPOCH_S, FIT_MIN_ABSOLUTE } from '../fit/kit/time.js';
import { readU16, readU32, writeU16, writeU32 } from '../bytes/le.js';

export const FIT_DATA_TYPE = 0x80;

export const FileFlag = { READ: 0x80, WRITE: 0x40, ERASE: 0x20, ARCHIVED: 0x10, APPEND: 0x08, ENCRYPTED: 0x04 } as const;

export const TimeFormat = { AUTO: 0, SYSTEM: 1, DATE: 2 } as const;

export interface DirectoryEntry {
  index: number;
  dataType: number;
  /** For FIT files (data type 0x80): the FIT file type (4 = activity). */
  subType: number;
  /** For FIT files: the file number. */
  number: number;
  dataFlags: number;
  flags: number;
  size: number;
  /** Raw date field: FIT seconds, or system time when below 0x10000000. */
  date: number;
}

export interface Directory {
  version: number;
  entryLength: number;
  timeFormat: number;
  systemTime: number;
  modified: number;
  entries: DirectoryEntry[];
}

export const ENTRY_LENGTH = 16;

export function parseDirectory(b: Uint8Array): Directory {
  if (b.length < 16) throw new FitkitError('antfs_bad_directory', `ANT-FS directory too short (${b.length} bytes)`);
  const entryLength = b[1];
  if (entryLength < 16) throw new FitkitError('antfs_bad_directory', `ANT-FS directory entry length ${entryLength} is below 16`, { offset: 1 });
  const entries: DirectoryEntry[] = [];
  for (let o = 16; o + entryLength <= b.length; o += entryLength) {
    entries.push({
      index: readU16(b, o),
      dataType: b[o + 2],
      subType: b[o + 3],
      number: readU16(b, o + 4),
      dataFlags: b[o + 6],
      flags: b[o + 7],
      size: readU32(b, o + 8),
      date: readU32(b, o + 12),
    });
  }
  return { version: b[0], entryLength, timeFormat: b[2], systemTime: readU32(b, 8), modified: readU32(b, 12), entries };
}

export function encodeDirectory(d: Omit<Directory, 'entryLength'>): Uint8Array {
  const b = new Uint8Array(16 + d.entries.length * ENTRY_LENGTH);
  b[0] = d.version;
  b[1] = ENTRY_LENGTH;
  b[2] = d.timeFormat;
  writeU32(b, 8, d.systemTime);
  writeU32(b, 12, d.modified);
  d.entries.forEach((e, i) => {
    const o = 16 + i * ENTRY_LENGTH;
    writeU16(b, o, e.index);
    b[o + 2] = e.dataType;
    b[o + 3] = e.subType;
    writeU16(b, o + 4, e.number);
    b[o + 6] = e.dataFlags;
    b[o + 7] = e.flags;
    writeU32(b, o + 8, e.size);
    writeU32(b, o + 12, e.date);
  });
  return b;
}

export function isFitEntry(e: DirectoryEntry): boolean {
  return e.dataType === FIT_DATA_TYPE;
}

export function isReadable(e: DirectoryEntry): boolean {
  return (e.flags & FileFlag.READ) !== 0;
}

/** True when the date is calendar time (else seconds since the watch powered up). */
export function hasCalendarDate(e: DirectoryEntry): boolean {
  return e.date >= FIT_MIN_ABSOLUTE;
}

/** The entry's date as ms since the Unix epoch, when it is calendar time. */
export function entryTimeMs(e: DirectoryEntry): number | undefined {
  return hasCalendarDate(e) ? (e.date + FIT_EPOCH_S) * 1000 : undefined;
}
