import { describe, expect, it } from 'vitest';
import { encodeDirectory, entryTimeMs, isFitEntry, isReadable, parseDirectory } from '../../../src/core/antfs/directory.js';
import { entryPaths } from '../../../src/core/antfs/file-name.js';

const hex = (s: string) =>
  Uint8Array.from(
    s
      .trim()
      .split(/\s+/)
      .map((b) => parseInt(b, 16)),
  );

// Header + the FR610 trace entries of §2.5 + a non-FIT entry (data type 1).
const listing = Buffer.concat([
  hex('01 10 00 00 00 00 00 00 78 56 34 12 DE CF 59 29'),
  hex('03 00 80 01 FF FF 00 90 5C 02 00 00 00 00 00 00'),
  hex('07 00 80 04 00 00 00 B0 20 09 00 00 DE CF 59 29'),
  hex('08 00 01 00 00 00 00 80 10 00 00 00 DE CF 59 29'),
]);

describe('ANT-FS directory (§2.5)', () => {
  const dir = parseDirectory(listing);

  it('reads the header', () => {
    expect(dir).toMatchObject({ version: 1, entryLength: 16, timeFormat: 0, systemTime: 0x12345678, modified: 0x2959cfde });
  });

  it('reads the FR610 entries: a device file and an activity', () => {
    expect(dir.entries[0]).toEqual({ index: 3, dataType: 0x80, subType: 1, number: 0xffff, dataFlags: 0, flags: 0x90, size: 604, date: 0 });
    expect(dir.entries[1]).toEqual({ index: 7, dataType: 0x80, subType: 4, number: 0, dataFlags: 0, flags: 0xb0, size: 2336, date: 0x2959cfde });
    expect(new Date(entryTimeMs(dir.entries[1])!).toISOString()).toBe('2011-12-25T12:49:34.000Z');
  });

  it('tells FIT from other entries, and system time from dates', () => {
    expect(dir.entries.map(isFitEntry)).toEqual([true, true, false]);
    expect(dir.entries.every(isReadable)).toBe(true);
    expect(entryTimeMs(dir.entries[0])).toBeUndefined();
  });

  it('encodes what it parses', () => {
    expect(Buffer.from(encodeDirectory(dir)).equals(listing)).toBe(true);
  });

  it('refuses a directory too short to have a header', () => {
    expect(() => parseDirectory(new Uint8Array(8))).toThrow(/too short/);
  });
});

describe('stable paths for ANT-FS files (§2.6)', () => {
  const e = (index: number, subType: number, number: number, date: number) => ({ index, dataType: 0x80, subType, number, dataFlags: 0, flags: 0x80, size: 10, date });

  it('names by type, UTC date and number, never by index', () => {
    const a = entryPaths([e(7, 4, 0, 0x2959cfde), e(3, 1, 0xffff, 0x54321)]);
    expect(a).toEqual(['ANT-FS/Activities/2011-12-25T12-49-34Z_4_0.fit', 'ANT-FS/Device/sys344865_1_65535.fit']);
    // The watch renumbered the same files: same paths.
    expect(entryPaths([e(40, 4, 0, 0x2959cfde), e(12, 1, 0xffff, 0x54321)])).toEqual(a);
  });

  it('keeps paths unique when type, number and date coincide', () => {
    expect(entryPaths([e(9, 4, 0, 0x2959cfde), e(2, 4, 0, 0x2959cfde)])).toEqual(['ANT-FS/Activities/2011-12-25T12-49-34Z_4_0_2.fit', 'ANT-FS/Activities/2011-12-25T12-49-34Z_4_0.fit']);
  });
});
