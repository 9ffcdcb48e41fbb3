import { describe, expect, it } from 'vitest';
import { Operation } from '../../../src/core/mtp/codes.js';
import { patternBytes } from '../../../src/core/sim/mtp-objects.js';
import { SimMtpWatch } from '../../../src/core/sim/mtp-watch.js';
import { SimUsbBus } from '../../../src/core/sim/usb-sim.js';
import { WATCH_MODELS, watchFiles } from '../../../src/core/sim/watch-files.js';
import { MtpProvider, unitIdFromHex } from '../../../src/core/sync/sources/mtp-source.js';
import { FAST, fetchAll, openSession } from './sim-setup.js';

const FR945 = WATCH_MODELS.fr945;
const FILES = watchFiles(FR945);

describe('MtpProvider on a simulated FR945', () => {
  it('lists every FIT file and downloads each byte-identical', async () => {
    const { session, watch } = await openSession();
    const files = await session.listFiles();
    expect(files.map((f) => f.path).sort()).toEqual(FILES.map((f) => f.path).sort());
    for (const want of FILES) {
      const f = files.find((x) => x.path === want.path)!;
      expect(f.size).toBe(want.bytes.length);
      // DateModified has whole seconds and no zone: read back as UTC.
      expect(f.mtimeMs).toBe(Math.floor(want.mtimeMs / 1000) * 1000);
      expect(typeof f.ref).toBe('number');
      const got = await fetchAll(session, f);
      expect(Buffer.compare(got, want.bytes), want.path).toBe(0);
    }
    expect(watch.propListCalls).toBe(0);
    await session.close();
    expect(watch.sessionOpen).toBe(false);
  });

  it('identifies the watch from GarminDevice.xml', async () => {
    const { session } = await openSession();
    expect(session.identity).toEqual({
      transport: 'mtp',
      key: `mtp:091e:4c29:0000${FR945.serial.toString(16)}`,
      model: 'Forerunner 945',
      serial: String(FR945.serial),
      partNumber: FR945.partNumber,
    });
    await session.close();
  });

  it('without GarminDevice.xml: model from DeviceInfo, unit id from the hex serial', async () => {
    const { session } = await openSession({ deviceXml: false, model: WATCH_MODELS.edge530, serial: '0000c742e45e' });
    expect(session.identity).toEqual({ transport: 'mtp', key: 'mtp:091e:4c29:0000c742e45e', model: 'Edge 530', serial: String(0xc742e45e), partNumber: undefined });
    expect(unitIdFromHex('0000ec919e07')).toBe('3968966151');
    expect(unitIdFromHex('not hex')).toBeUndefined();
    expect(unitIdFromHex('ffffffffffff')).toBeUndefined();
    await session.close();
  });

  it('a broken GarminDevice.xml is a warning, not a failure', async () => {
    const { session, warnings } = await openSession({ deviceXml: '<Device><Model><Description>Half' });
    expect(session.identity.model).toBe('Forerunner 945');
    expect(session.identity.partNumber).toBeUndefined();
    expect(warnings).toEqual([]);
    await session.close();
  });

  it('resumes a download at any offset', async () => {
    const big = new Uint8Array(patternBytes(3 * (1 << 20) + 777, 7));
    const { session, watch } = await openSession({ files: [{ path: 'GARMIN/Activity/big.fit', bytes: big }] });
    const [file] = await session.listFiles();
    for (const offset of [0, 1, 511, 512, 1 << 20, (1 << 20) + 1, big.length - 1, big.length]) {
      const got = await fetchAll(session, file, offset);
      expect(Buffer.compare(got, big.subarray(offset)), `offset ${offset}`).toBe(0);
    }
    await expect(fetchAll(session, file, big.length + 1)).rejects.toThrow(RangeError);
    expect(watch.operations).not.toContain(Operation.GetObject);
    await session.close();
  });

  it('resumes with GetObject too when partial reads are not offered (dropping the head)', async () => {
    const { session, watch } = await openSession({ partialObject: false });
    const f = (await session.listFiles()).find((x) => x.path === FILES[0].path)!;
    const got = await fetchAll(session, f, 1000);
    expect(Buffer.compare(got, FILES[0].bytes.subarray(1000))).toBe(0);
    expect(watch.operations).toContain(Operation.GetObject);
    expect(watch.operations).not.toContain(Operation.GetPartialObject);
    await session.close();
  });

  it('uses GetPartialObject64 when the device advertises it', async () => {
    const { session, watch } = await openSession({ partialObject64: true });
    const f = (await session.listFiles()).find((x) => x.path === FILES[3].path)!;
    expect(Buffer.compare(await fetchAll(session, f), FILES[3].bytes)).toBe(0);
    expect(watch.operations).toContain(Operation.GetPartialObject64);
    expect(watch.operations).not.toContain(Operation.GetPartialObject);
    await session.close();
  });

  it('finds a mixed-case Garmin folder on an "Internal Storage"', async () => {
    const files = FILES.slice(0, 2).map((f) => ({ path: f.path.replace(/^GARMIN\//, 'Garmin/'), bytes: f.bytes }));
    const { session } = await openSession({ storageName: 'Internal Storage', files, deviceXml: false });
    expect((await session.listFiles()).map((f) => f.path).sort()).toEqual(files.map((f) => f.path).sort());
    await session.close();
  });

  it('prefixes paths with the storage name only when two storages hold GARMIN', async () => {
    const one = await openSession({ mediaStorage: {} });
    expect((await one.session.listFiles()).every((f) => f.path.startsWith('GARMIN/'))).toBe(true);
    await one.session.close();
    const two = await openSession({ mediaStorage: { files: [{ path: 'GARMIN/Activity/m.fit', bytes: Uint8Array.of(1, 2, 3) }] } });
    const paths = (await two.session.listFiles()).map((f) => f.path);
    expect(paths).toContain('Media/GARMIN/Activity/m.fit');
    expect(paths).toContain(`Primary/${FILES[0].path}`);
    await two.session.close();
  });

  it('deletes a file with DeleteObject', async () => {
    const { session, watch } = await openSession();
    const f = (await session.listFiles())[0];
    await session.remove!(f);
    expect(watch.operations).toContain(Operation.DeleteObject);
    expect((await session.listFiles()).map((x) => x.path)).not.toContain(f.path);
    await expect(session.remove!(f)).rejects.toMatchObject({ file: f.path, message: expect.stringMatching(/no longer on the watch/) });
    await session.close();
  });
});

describe('MtpProvider discovery', () => {
  it('offers Garmin MTP devices only, and reports hotplug', async () => {
    const bus = new SimUsbBus();
    const p = new MtpProvider(bus, FAST);
    let changes = 0;
    const stop = p.watch(() => changes++);
    const watch = new SimMtpWatch({ location: '1-2' });
    bus.plug(watch);
    bus.plug(new SimMtpWatch({ location: '1-3', interfaceName: null })); // vendor class, no "MTP": not MTP
    const phone = new SimMtpWatch({ location: '1-4', ptpClass: true });
    (phone.info as { vendorId: number }).vendorId = 0x18d1; // an Android phone: not ours
    bus.plug(phone);
    const found = await p.scan();
    expect(found.map((c) => [c.location, c.label])).toEqual([['1-2', 'Garmin MTP 091e:4c29 at 1-2']]);
    watch.unplug();
    expect(await p.scan()).toEqual([]);
    expect(changes).toBe(4);
    stop();
    bus.plug(new SimMtpWatch({ location: '1-5' }));
    expect(changes).toBe(4);
  });

  it('finds a class 6/1/1 Garmin interface without the "MTP" string', async () => {
    const { session } = await openSession({ ptpClass: true, interfaceName: null, packetSize: 64 });
    expect((await session.listFiles()).length).toBe(FILES.length);
    await session.close();
  });
});
