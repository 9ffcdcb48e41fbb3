import { describe, expect, it } from 'vitest';
import { escapeMountField, fatMounts, parseMountInfo, readMountTable, unescapeMountField } from '../../../src/core/msc/mount-table.js';

// Shapes as the kernel writes them (proc(5)): optional fields before " - ", octal escapes.
const TABLE = [
  '29 1 179:2 / / rw,relatime shared:1 - ext4 /dev/mmcblk0p2 rw',
  '31 29 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw',
  '612 29 8:0 / /media/pi/GARMIN\\040VOL rw,nosuid,nodev,relatime shared:330 master:7 - vfat /dev/sda rw,fmask=0022,dmask=0022,codepage=437',
  '613 29 8:16 / /media/pi/EXSTICK rw,relatime - exfat /dev/sdb1 rw',
  '614 29 0:50 /sub/dir /mnt/bind\\011tab\\134back rw - vfat /dev/sdc rw',
  'garbage line',
  '615 29 8:33 / /media/pi/NOFIELDS rw -',
  '',
].join('\n');

describe('mount table (mountinfo)', () => {
  it('parses every well-formed line, skips the rest', () => {
    const m = parseMountInfo(TABLE);
    expect(m.map((e) => e.mountId)).toEqual([29, 31, 612, 613, 614]);
    const g = m[2];
    expect(g).toMatchObject({ parentId: 29, device: '8:0', root: '/', mountPoint: '/media/pi/GARMIN VOL', fsType: 'vfat', source: '/dev/sda' });
    expect(g.options).toEqual(['rw', 'nosuid', 'nodev', 'relatime']);
    expect(g.superOptions).toContain('codepage=437');
  });

  it('undoes octal escapes in mount points and roots (space, tab, backslash)', () => {
    const bind = parseMountInfo(TABLE)[4];
    expect(bind.root).toBe('/sub/dir');
    expect(bind.mountPoint).toBe('/mnt/bind\ttab\\back');
    expect(unescapeMountField('a\\040b\\012c')).toBe('a b\nc');
    expect(unescapeMountField('no\\x20escape')).toBe('no\\x20escape');
    for (const p of ['/media/u/GARMIN 2', '/a\tb', '/c\\d', '/e\nf']) expect(unescapeMountField(escapeMountField(p))).toBe(p);
  });

  it('keeps only FAT-family mounts for the Garmin search', () => {
    expect(fatMounts(parseMountInfo(TABLE)).map((e) => e.mountPoint)).toEqual(['/media/pi/GARMIN VOL', '/media/pi/EXSTICK', '/mnt/bind\ttab\\back']);
  });

  it('reads through an injected reader, and the real table parses', () => {
    expect(readMountTable(() => TABLE)).toHaveLength(5);
    // This machine's own table: at least the root mount, every entry absolute.
    const real = readMountTable();
    expect(real.some((e) => e.mountPoint === '/')).toBe(true);
    for (const e of real) expect(e.mountPoint.startsWith('/')).toBe(true);
  });
});
