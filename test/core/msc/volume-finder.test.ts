import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FitkitError } from '../../../src/core/errors.js';
import { parseMountInfo } from '../../../src/core/msc/mount-table.js';
import { decodeUdevLabel, findGarminVolumes, volumeFromPath } from '../../../src/core/msc/volume-finder.js';
import type { SimMscVolume } from '../../../src/core/sim/msc-volume.js';
import { simVolumes } from '../../helpers/msc-volumes.js';

const sim = simVolumes();
const scan = (v: SimMscVolume) => findGarminVolumes({ mounts: parseMountInfo(v.mountTable()), byLabelDir: v.byLabelDir });

describe('finding Garmin volumes among the mounts', () => {
  it('finds a GARMIN volume by its GarminDevice.xml, and ignores the other FAT stick', async () => {
    const v = sim();
    const { volumes, hints } = await scan(v);
    expect(hints).toEqual([]);
    expect(volumes).toHaveLength(1);
    expect(volumes[0]).toMatchObject({
      root: v.mountPoint,
      garminDir: v.pathOf('GARMIN'),
      deviceXml: v.pathOf('GARMIN/GarminDevice.xml'),
      label: 'GARMIN',
      source: v.devicePath,
      fsType: 'vfat',
      found: 'device-xml',
    });
  });

  it('finds it by the GARMIN label alone when GarminDevice.xml is missing', async () => {
    const v = sim({ deviceXml: 'missing' });
    const { volumes } = await scan(v);
    expect(volumes).toHaveLength(1);
    expect(volumes[0]).toMatchObject({ root: v.mountPoint, found: 'label', garminDir: v.pathOf('GARMIN') });
    expect(volumes[0].deviceXml).toBeUndefined();
  });

  it('finds a volume named after the device by its Garmin/GarminDevice.xml in any case', async () => {
    const v = sim({ label: 'FR 935', garminFolder: 'Garmin', fatNames: true });
    expect(v.mountinfoLine()).toContain('FR\\040935');
    const { volumes } = await scan(v);
    expect(volumes).toHaveLength(1);
    expect(volumes[0]).toMatchObject({ root: v.mountPoint, label: 'FR 935', garminDir: v.pathOf('Garmin'), deviceXml: v.pathOf('Garmin/GARMINDEVICE.XML'), found: 'device-xml' });
  });

  it('does not take a FAT volume with neither the label nor GarminDevice.xml', async () => {
    const v = sim({ label: 'SDCARD', deviceXml: 'missing' });
    expect((await scan(v)).volumes).toEqual([]);
  });

  it('says so when a GARMIN disk is present but not mounted (fitkit does not mount)', async () => {
    const v = sim({ mounted: false });
    const { volumes, hints } = await scan(v);
    expect(volumes).toEqual([]);
    expect(hints).toHaveLength(1);
    expect(hints[0]).toContain(`${v.devicePath} (label GARMIN) is not mounted`);
    expect(hints[0]).toContain('udisksctl mount -b');
  });

  it('syncs a filesystem mounted twice (bind mount) once', async () => {
    const v = sim();
    const twice = v.mountTable() + v.mountinfoLine().replace(/^612/, '613') + '\n';
    const { volumes } = await findGarminVolumes({ mounts: parseMountInfo(twice), byLabelDir: v.byLabelDir });
    expect(volumes).toHaveLength(1);
  });

  it('copes without udev (no by-label folder)', async () => {
    const v = sim();
    const { volumes } = await findGarminVolumes({ mounts: parseMountInfo(v.mountTable()), byLabelDir: join(v.base, 'nope') });
    expect(volumes.map((x) => x.found)).toEqual(['device-xml']);
  });

  it('decodes udev label escapes', () => {
    expect(decodeUdevLabel('FR\\x20935')).toBe('FR 935');
  });
});

describe('--from PATH', () => {
  it('accepts the volume root', async () => {
    const v = sim();
    expect(await volumeFromPath(v.mountPoint)).toMatchObject({ root: v.mountPoint, garminDir: v.pathOf('GARMIN'), deviceXml: v.pathOf('GARMIN/GarminDevice.xml'), found: 'from' });
  });

  it('accepts the GARMIN folder itself, with paths then relative to its parent', async () => {
    const v = sim({ garminFolder: 'Garmin' });
    expect(await volumeFromPath(v.pathOf('Garmin'))).toMatchObject({ root: v.mountPoint, garminDir: v.pathOf('Garmin'), found: 'from' });
  });

  it('accepts a copy of the GARMIN folder under another name when it holds GarminDevice.xml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitkit-from-'));
    try {
      mkdirSync(join(dir, 'backup'));
      writeFileSync(join(dir, 'backup', 'GarminDevice.xml'), '<Device/>');
      expect(await volumeFromPath(join(dir, 'backup'))).toMatchObject({ root: dir, garminDir: join(dir, 'backup'), deviceXml: join(dir, 'backup', 'GarminDevice.xml') });
      // Any other folder is walked as is; a symlink to it is resolved first.
      symlinkSync(join(dir, 'backup'), join(dir, 'link'));
      mkdirSync(join(dir, 'plain'));
      expect(await volumeFromPath(join(dir, 'plain'))).toEqual({ root: join(dir, 'plain'), found: 'from' });
      expect((await volumeFromPath(join(dir, 'link'))).garminDir).toBe(join(dir, 'backup'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a path that does not exist or is not a folder', async () => {
    await expect(volumeFromPath('/nonexistent/GARMIN')).rejects.toMatchObject({ code: 'from_not_found' });
    const v = sim();
    const err = await volumeFromPath(v.pathOf('GARMIN/GarminDevice.xml')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FitkitError);
    expect(err).toMatchObject({ code: 'from_not_folder' });
  });
});
