import { describe, expect, it } from 'vitest';
import { FitkitError, isDeviceGone } from '../../../src/core/errors.js';
import { UsbError, type UsbDevice } from '../../../src/core/usb/backend.js';
import { nodeUsbBackendOver, type NativeDevice, type NativeModule } from '../../../src/core/usb/node-usb.js';

/** A fake of node-usb's native module: one device whose every call fails with `message` (or succeeds). */
function fakeNative(fail: () => Error | undefined, devicesError?: Error): NativeModule {
  const op = async <T>(value: T): Promise<T> => {
    const e = fail();
    if (e) throw e;
    return value;
  };
  const device: NativeDevice = {
    vendorId: 0x091e,
    productId: 0x4b48,
    deviceClass: 0,
    bus: '1',
    ports: [1, 2],
    handle: 'h1',
    manufacturerName: 'Garmin',
    productName: 'Forerunner 945',
    serialNumber: '0000ec919e07',
    configurations: [],
    open: () => op(undefined),
    close: () => op(undefined),
    reset: () => op(undefined),
    claimInterface: () => op(undefined),
    releaseInterface: () => op(undefined),
    detachKernelDriver: () => op(undefined),
    nativeTransferIn: () => op(new Uint8Array(4)),
    nativeTransferOut: (_ep, _t, data) => op(data.length),
    nativeControlTransferIn: () => op(new Uint8Array(2)),
    nativeControlTransferOut: () => op(0),
    clearHalt: () => op(undefined),
  };
  return {
    nativeGetDevices: async () => {
      if (devicesError) throw devicesError;
      return [device];
    },
    Emitter: class {
      async addAttach(): Promise<void> {}
      async removeAttach(): Promise<void> {}
      async addDetach(): Promise<void> {}
      async removeDetach(): Promise<void> {}
    },
  };
}

async function deviceFailingWith(message: string): Promise<UsbDevice> {
  let armed = false;
  const [d] = await nodeUsbBackendOver(fakeNative(() => (armed ? new Error(message) : undefined))).devices();
  armed = true;
  return d;
}

describe('node-usb adapter (fake native module)', () => {
  it('describes a device by its bus location', async () => {
    const [d] = await nodeUsbBackendOver(fakeNative(() => undefined)).devices();
    expect(d.info).toMatchObject({ location: '1-1.2', vendorId: 0x091e, productId: 0x4b48 });
    expect(await d.bulkIn(0x81, 4, 100)).toEqual(new Uint8Array(4));
  });

  // Messages as node-usb 3 (nusb, Rust std) words them.
  const cases: [string, string, string][] = [
    ['device disconnected', 'no_device', 'device_gone'],
    ['No such device (os error 19)', 'no_device', 'device_gone'],
    ['entity not found', 'no_device', 'device_gone'],
    ['timed out', 'timeout', 'timeout'],
    ['endpoint stalled', 'stall', 'usb_stall'],
    ['interface is busy', 'busy', 'busy'],
    ['device is busy', 'busy', 'busy'],
    ['permission denied', 'access', 'permission_denied'],
    ['transfer was cancelled', 'cancelled', 'cancelled'],
    ['hardware fault or protocol violation', 'io', 'usb_io'],
    // A caller's mistake, not a device that left.
    ['transferIn error: endpoint not found', 'io', 'usb_io'],
    ['claimInterface error: invalid state', 'io', 'usb_io'],
  ];
  for (const [message, kind, code] of cases) {
    it(`"${message}" is a ${kind} UsbError (code ${code})`, async () => {
      const d = await deviceFailingWith(message);
      for (const call of [() => d.bulkIn(0x81, 512, 100), () => d.bulkOut(0x01, new Uint8Array(1), 100), () => d.open(), () => d.claimInterface(0)]) {
        const e = await call().catch((x: unknown) => x);
        expect(e).toBeInstanceOf(UsbError);
        expect(e).toBeInstanceOf(FitkitError);
        expect(e).toMatchObject({ kind, code });
        expect((e as Error).message).toContain(message);
        expect(isDeviceGone(e)).toBe(kind === 'no_device');
      }
    });
  }

  it('a machine without a USB bus has no devices; other listing failures are errors', async () => {
    expect(await nodeUsbBackendOver(fakeNative(() => undefined, new Error('/sys/bus/usb/devices/ not found'))).devices()).toEqual([]);
    await expect(nodeUsbBackendOver(fakeNative(() => undefined, new Error('/sys/bus/usb/devices/ permission denied'))).devices()).rejects.toMatchObject({ kind: 'access' });
  });

  it('a null transfer result is a stall', async () => {
    const native = fakeNative(() => undefined);
    const [d] = await nodeUsbBackendOver({ ...native, nativeGetDevices: async () => [{ ...(await native.nativeGetDevices())[0], nativeTransferIn: async () => null }] }).devices();
    await expect(d.bulkIn(0x81, 512, 100)).rejects.toMatchObject({ kind: 'stall' });
  });
});
