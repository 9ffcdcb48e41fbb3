/**
 * The real UsbBackend: node-usb 3 (`usb`, libusb-free, Rust `nusb` underneath) through its
 * native API, which has per-transfer timeouts and kernel-driver detach. Loaded lazily, so the
 * native module is only needed when real hardware is asked for; tests and `--simulate` never
 * load it.
 */
import { createRequire } from 'node:module';
import { UsbError, type ControlSetup, type UsbBackend, type UsbDevice, type UsbDeviceInfo, type UsbErrorKind, type UsbHotplugListener, type UsbInterfaceInfo } from './backend.js';

/** The parts of node-usb's native module fitkit uses (its `index.js`). */
interface NativeEndpoint {
  endpointNumber: number;
  direction: 'in' | 'out';
  type: 'bulk' | 'interrupt' | 'isochronous';
  packetSize: number;
}
interface NativeAlternate {
  alternateSetting: number;
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  interfaceName?: string;
  endpoints: NativeEndpoint[];
}
interface NativeInterface {
  interfaceNumber: number;
  alternates: NativeAlternate[];
}
interface NativeConfiguration {
  configurationValue: number;
  interfaces: NativeInterface[];
}
interface NativeSetup {
  requestType: string;
  recipient: string;
  request: number;
  value: number;
  index: number;
}
export interface NativeDevice {
  vendorId: number;
  productId: number;
  deviceClass: number;
  bus: string;
  ports: number[];
  readonly handle: string;
  readonly manufacturerName: string | null;
  readonly productName: string | null;
  readonly serialNumber: string | null;
  readonly configurations: NativeConfiguration[];
  open(): Promise<void>;
  close(): Promise<void>;
  reset(): Promise<void>;
  claimInterface(n: number): Promise<void>;
  releaseInterface(n: number): Promise<void>;
  detachKernelDriver(n: number): Promise<void>;
  nativeTransferIn(ep: number, timeout: number, length: number): Promise<Uint8Array | null>;
  nativeTransferOut(ep: number, timeout: number, data: Uint8Array): Promise<number>;
  nativeControlTransferIn(setup: NativeSetup, timeout: number, length: number): Promise<Uint8Array | null>;
  nativeControlTransferOut(setup: NativeSetup, timeout: number, data?: Uint8Array): Promise<number>;
  clearHalt(direction: 'in' | 'out', endpointNumber: number): Promise<void>;
}
export interface NativeModule {
  nativeGetDevices(): Promise<NativeDevice[]>;
  Emitter: new () => {
    addAttach(cb: (d: NativeDevice) => void): Promise<void>;
    removeAttach(): Promise<void>;
    addDetach(cb: (handle: string) => void): Promise<void>;
    removeDetach(): Promise<void>;
  };
}

/**
 * node-usb's errors carry only a message (nusb's and Rust's error texts, e.g. "device
 * disconnected", "endpoint stalled", "interface is busy", "entity not found" for a device node
 * that is gone); these are the kinds it tells apart. "endpoint not found" and the like are
 * mistakes of the caller, not a device that left.
 */
function kindOf(message: string): UsbErrorKind {
  if (/timed? ?out/i.test(message)) return 'timeout';
  if (/disconnect|no such device|ENODEV|entity not found|gone/i.test(message)) return 'no_device';
  if (/busy|EBUSY/i.test(message)) return 'busy';
  if (/permission|access|EACCES|EPERM/i.test(message)) return 'access';
  if (/stall|pipe/i.test(message)) return 'stall';
  if (/overflow/i.test(message)) return 'overflow';
  if (/cancel/i.test(message)) return 'cancelled';
  return 'io';
}

async function wrap<T>(what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (e instanceof UsbError) throw e;
    const message = (e as Error).message ?? String(e);
    throw new UsbError(kindOf(message), `${what}: ${message}`, { cause: e });
  }
}

function locationOf(d: NativeDevice): string {
  return d.ports?.length ? `${d.bus}-${d.ports.join('.')}` : `${d.bus}:${d.handle}`;
}

function describe(d: NativeDevice): UsbDeviceInfo {
  const interfaces: UsbInterfaceInfo[] = [];
  for (const c of d.configurations ?? []) {
    for (const i of c.interfaces) {
      for (const a of i.alternates) {
        interfaces.push({
          configuration: c.configurationValue,
          number: i.interfaceNumber,
          alternate: a.alternateSetting,
          class: a.interfaceClass,
          subclass: a.interfaceSubclass,
          protocol: a.interfaceProtocol,
          name: a.interfaceName ?? undefined,
          endpoints: a.endpoints.map((e) => ({
            address: e.endpointNumber | (e.direction === 'in' ? 0x80 : 0),
            direction: e.direction,
            type: e.type,
            maxPacketSize: e.packetSize,
          })),
        });
      }
    }
  }
  return {
    location: locationOf(d),
    vendorId: d.vendorId,
    productId: d.productId,
    deviceClass: d.deviceClass,
    manufacturer: d.manufacturerName ?? undefined,
    product: d.productName ?? undefined,
    serial: d.serialNumber ?? undefined,
    interfaces,
  };
}

function setupOf(s: ControlSetup): NativeSetup {
  return { requestType: s.requestType, recipient: s.recipient, request: s.request, value: s.value, index: s.index };
}

class NodeUsbDevice implements UsbDevice {
  readonly info: UsbDeviceInfo;
  readonly #d: NativeDevice;

  constructor(d: NativeDevice) {
    this.#d = d;
    this.info = describe(d);
  }

  open(): Promise<void> {
    return wrap(`open USB device ${this.info.location}`, () => this.#d.open());
  }

  async claimInterface(n: number, options?: { detachKernelDriver?: boolean }): Promise<void> {
    if (options?.detachKernelDriver) {
      // Fails when no driver is bound: that is the usual case and fine.
      await this.#d.detachKernelDriver(n).catch(() => {});
    }
    await wrap(`claim interface ${n} of ${this.info.location}`, () => this.#d.claimInterface(n));
  }

  releaseInterface(n: number): Promise<void> {
    return wrap('release interface', () => this.#d.releaseInterface(n));
  }

  async bulkIn(ep: number, length: number, timeoutMs: number): Promise<Uint8Array> {
    const r = await wrap(`bulk IN 0x${ep.toString(16)}`, () => this.#d.nativeTransferIn(ep & 0x7f, timeoutMs, length));
    if (r === null) throw new UsbError('stall', `bulk IN 0x${ep.toString(16)} stalled`);
    return r;
  }

  async bulkOut(ep: number, data: Uint8Array, timeoutMs: number): Promise<void> {
    const n = await wrap(`bulk OUT 0x${ep.toString(16)}`, () => this.#d.nativeTransferOut(ep & 0x7f, timeoutMs, data));
    if (n < 0) throw new UsbError('stall', `bulk OUT 0x${ep.toString(16)} stalled`);
  }

  interruptIn(ep: number, length: number, timeoutMs: number): Promise<Uint8Array> {
    return this.bulkIn(ep, length, timeoutMs);
  }

  async controlIn(setup: ControlSetup, length: number, timeoutMs: number): Promise<Uint8Array> {
    const r = await wrap('control IN', () => this.#d.nativeControlTransferIn(setupOf(setup), timeoutMs, length));
    if (r === null) throw new UsbError('stall', 'control IN stalled');
    return r;
  }

  async controlOut(setup: ControlSetup, data: Uint8Array, timeoutMs: number): Promise<void> {
    const n = await wrap('control OUT', () => this.#d.nativeControlTransferOut(setupOf(setup), timeoutMs, data));
    if (n < 0) throw new UsbError('stall', 'control OUT stalled');
  }

  clearHalt(ep: number): Promise<void> {
    return wrap('clear halt', () => this.#d.clearHalt(ep & 0x80 ? 'in' : 'out', ep & 0x7f));
  }

  reset(): Promise<void> {
    return wrap('USB reset', () => this.#d.reset());
  }

  async close(): Promise<void> {
    await this.#d.close().catch(() => {});
  }
}

class NodeUsbBackend implements UsbBackend {
  readonly #native: NativeModule;
  /** Hotplug detach gives node-usb's handle; listeners want the location. */
  #locations = new Map<string, string>();

  constructor(native: NativeModule) {
    this.#native = native;
  }

  async devices(): Promise<UsbDevice[]> {
    let list: NativeDevice[];
    try {
      list = await this.#native.nativeGetDevices();
    } catch (e) {
      // No USB bus at all (a container without /sys/bus/usb): no devices, not an error.
      if (/not found|No such file/i.test((e as Error).message)) return [];
      throw new UsbError(kindOf((e as Error).message), `listing USB devices: ${(e as Error).message}`, { cause: e });
    }
    return list.map((d) => {
      this.#locations.set(d.handle, locationOf(d));
      return new NodeUsbDevice(d);
    });
  }

  watch(listener: UsbHotplugListener): () => void {
    const emitter = new this.#native.Emitter();
    let stopped = false;
    const ready = (async () => {
      await emitter.addAttach((d) => {
        if (stopped) return;
        this.#locations.set(d.handle, locationOf(d));
        listener.attach(new NodeUsbDevice(d));
      });
      await emitter.addDetach((handle) => {
        if (stopped) return;
        const loc = this.#locations.get(handle);
        this.#locations.delete(handle);
        listener.detach(loc ?? handle);
      });
    })().catch((e) => process.emitWarning(`USB hotplug unavailable: ${(e as Error).message}`));
    return () => {
      stopped = true;
      void ready.then(() => Promise.all([emitter.removeAttach(), emitter.removeDetach()])).catch(() => {});
    };
  }
}

/** A backend over a given native module (the real one below; tests pass a fake). */
export function nodeUsbBackendOver(native: NativeModule): UsbBackend {
  return new NodeUsbBackend(native);
}

let loaded: UsbBackend | undefined;

/** The real USB backend (loads the native module on first use). */
export function nodeUsbBackend(): UsbBackend {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  let native: NativeModule;
  try {
    native = require('usb/index.js') as NativeModule;
  } catch (e) {
    throw new UsbError('io', `the USB library (npm package "usb") could not be loaded: ${(e as Error).message}`, { cause: e });
  }
  loaded = nodeUsbBackendOver(native);
  return loaded;
}
