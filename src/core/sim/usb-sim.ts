/**
 * A simulated USB bus and device at the level of the UsbBackend facade, so the real transport
 * code (MTP transaction runner, ANT stick driver) runs unchanged in tests and `--simulate`.
 *
 * Faithful where clients get it wrong: IN data is delivered as packets of wMaxPacketSize; a bulk
 * IN transfer ends when the requested length is reached or a short or zero-length packet
 * arrives; a packet larger than what is left of the request is an overflow; a device that does
 * not end a container with a ZLP lets the host's transfer run on into the next one. Transfers
 * need an open device and a claimed interface. Faults: unplug (now or at IN byte K), stall an
 * endpoint (now or at IN byte K) until clearHalt, claim refused as busy, silence (timeouts).
 *
 * Device functions (an MTP watch, an ANT stick) subclass SimUsbDevice: they receive OUT data in
 * onOut() and queue IN data with sendIn().
 */
import { UsbError, type ControlSetup, type UsbBackend, type UsbDevice, type UsbDeviceInfo, type UsbEndpointInfo, type UsbHotplugListener } from '../usb/backend.js';
import { concatBytes } from '../bytes/concat.js';
import { systemClock, type Clock } from '../platform/clock.js';

interface Segment {
  data: Uint8Array;
  pos: number;
  /** End with a zero-length packet when the data fills whole packets. */
  zlp: boolean;
}

interface Waiter {
  wake: () => void;
}

class InQueue {
  segments: Segment[] = [];
  waiters: Waiter[] = [];
  stalled = false;
  queuedBytes = 0;
  wakeAll(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const x of w) x.wake();
  }
}

export interface SimFaults {
  /**
   * Unplug when the device's `inBytes` count (all endpoints) would pass this value. The count
   * is not reset on plug-in: for "K more bytes" set it to `device.inBytes + K`.
   */
  unplugAtInByte?: number;
  /**
   * Stall `endpoint` when a packet on it would take the device's `inBytes` count (all
   * endpoints) past `at`. For "K more bytes" use `device.inBytes + K`.
   */
  stallAtInByte?: { endpoint: number; at: number };
  /** claimInterface() fails with `busy` (another program holds the device). */
  claimBusy?: boolean;
  /** open() fails with `access` (no udev rule). */
  openDenied?: boolean;
}

export abstract class SimUsbDevice implements UsbDevice {
  readonly info: UsbDeviceInfo;
  faults: SimFaults = {};
  /** Complete IN transfers from the event loop (see #in); devices on a virtual clock turn it off. */
  protected yieldBeforeIn = true;
  /**
   * The clock transfer timeouts run on: real time unless a device function sets a virtual one
   * (then a watch that takes 15 s to answer costs no real time, and the host's timeouts are
   * measured against the same clock).
   */
  protected clock: Clock = systemClock;
  /** IN bytes delivered to the host since this object was made (all endpoints; not reset on plug-in). */
  inBytes = 0;
  /** OUT bytes received from the host since this object was made. */
  outBytes = 0;
  #bus: SimUsbBus | undefined;
  #gone = false;
  #open = false;
  #claimed = new Set<number>();
  #queues = new Map<number, InQueue>();
  #outStalled = new Set<number>();
  #endpoints = new Map<number, UsbEndpointInfo & { iface: number }>();

  constructor(info: UsbDeviceInfo) {
    this.info = info;
    for (const i of info.interfaces) for (const e of i.endpoints) this.#endpoints.set(e.address, { ...e, iface: i.number });
  }

  // ---- for subclasses -------------------------------------------------------------------------

  /** The host wrote `data` to OUT endpoint `endpoint`. May be async (the host's write waits). */
  protected abstract onOut(endpoint: number, data: Uint8Array): void | Promise<void>;
  protected onControlIn(_setup: ControlSetup, _length: number): Uint8Array | Promise<Uint8Array> {
    throw new UsbError('stall', 'control request not supported');
  }
  protected onControlOut(_setup: ControlSetup, _data: Uint8Array): void | Promise<void> {
    throw new UsbError('stall', 'control request not supported');
  }
  /** Called on USB reset and on plug-in: forget all protocol state. */
  protected onReset(): void {}
  /** Called when the host closes the device. */
  protected onClose(): void {}
  /**
   * Called when an endpoint halts (stall() or the stallAtInByte fault). A real device halts an
   * endpoint because it abandoned the transfer, so a device function typically drops what it
   * still had queued there (flushIn) and forgets the transaction.
   */
  protected onHalt(_endpoint: number): void {}

  /** Whether an endpoint is halted now (e.g. for a status request listing halted endpoints). */
  protected isHalted(endpoint: number): boolean {
    return endpoint & 0x80 ? this.#queue(endpoint).stalled : this.#outStalled.has(endpoint);
  }

  /** Queues data for the host on an IN endpoint, as packets; `zlp` ends a whole-packet run with a ZLP. */
  protected sendIn(endpoint: number, data: Uint8Array, zlp = true): void {
    if (this.#gone) return;
    const q = this.#queue(endpoint);
    q.segments.push({ data, pos: 0, zlp });
    q.queuedBytes += data.length;
    q.wakeAll();
  }

  /** Bytes queued on an IN endpoint and not yet read by the host. */
  protected pendingIn(endpoint: number): number {
    return this.#queue(endpoint).queuedBytes;
  }

  /** Drops everything queued on an IN endpoint (a cancelled data phase). */
  protected flushIn(endpoint: number): void {
    const q = this.#queue(endpoint);
    q.segments = [];
    q.queuedBytes = 0;
  }

  protected get gone(): boolean {
    return this.#gone;
  }

  // ---- faults ---------------------------------------------------------------------------------

  /** Pulls the cable: every pending and later transfer fails with `no_device`. */
  unplug(): void {
    if (this.#gone) return;
    this.#gone = true;
    for (const q of this.#queues.values()) q.wakeAll();
    this.#bus?.removed(this);
  }

  /** Halts an endpoint until the host clears it. */
  stall(endpoint: number): void {
    if (endpoint & 0x80) {
      const q = this.#queue(endpoint);
      q.stalled = true;
      q.wakeAll();
    } else this.#outStalled.add(endpoint);
    this.onHalt(endpoint);
  }

  // ---- UsbDevice ------------------------------------------------------------------------------

  /** @internal the bus plugs the device in. */
  plugged(bus: SimUsbBus): void {
    this.#bus = bus;
    this.#gone = false;
    this.#open = false;
    this.#claimed.clear();
    this.#queues.clear();
    this.#outStalled.clear();
    this.onReset();
  }

  async open(): Promise<void> {
    this.#check();
    if (this.faults.openDenied) throw new UsbError('access', `no permission to open USB device ${this.info.location}`);
    this.#open = true;
  }

  async claimInterface(number: number, _options?: { detachKernelDriver?: boolean }): Promise<void> {
    this.#check();
    if (!this.#open) throw new UsbError('io', 'device not open');
    if (!this.info.interfaces.some((i) => i.number === number)) throw new UsbError('io', `no interface ${number}`);
    if (this.faults.claimBusy) throw new UsbError('busy', `interface ${number} is claimed by another program`);
    this.#claimed.add(number);
  }

  async releaseInterface(number: number): Promise<void> {
    this.#check();
    this.#claimed.delete(number);
  }

  bulkIn(endpoint: number, length: number, timeoutMs: number): Promise<Uint8Array> {
    return this.#in(endpoint, length, timeoutMs, 'bulk');
  }

  interruptIn(endpoint: number, length: number, timeoutMs: number): Promise<Uint8Array> {
    return this.#in(endpoint, length, timeoutMs, 'interrupt');
  }

  async bulkOut(endpoint: number, data: Uint8Array, timeoutMs: number): Promise<void> {
    this.#usable(endpoint, 'out');
    if (this.#outStalled.has(endpoint)) throw new UsbError('stall', `endpoint ${hex(endpoint)} halted`);
    const copy = data.slice();
    this.outBytes += copy.length;
    const done = Promise.resolve().then(() => this.onOut(endpoint, copy));
    await withTimeout(
      this.clock,
      done,
      timeoutMs,
      () => `bulk OUT ${hex(endpoint)} timed out`,
      () => this.#gone,
    );
  }

  async controlIn(setup: ControlSetup, length: number, timeoutMs: number): Promise<Uint8Array> {
    this.#check();
    if (!this.#open) throw new UsbError('io', 'device not open');
    const r = await withTimeout(
      this.clock,
      Promise.resolve().then(() => this.onControlIn(setup, length)),
      timeoutMs,
      () => 'control IN timed out',
      () => this.#gone,
    );
    return r.subarray(0, length);
  }

  async controlOut(setup: ControlSetup, data: Uint8Array, timeoutMs: number): Promise<void> {
    this.#check();
    if (!this.#open) throw new UsbError('io', 'device not open');
    await withTimeout(
      this.clock,
      Promise.resolve().then(() => this.onControlOut(setup, data.slice())),
      timeoutMs,
      () => 'control OUT timed out',
      () => this.#gone,
    );
  }

  async clearHalt(endpoint: number): Promise<void> {
    this.#check();
    if (endpoint & 0x80) this.#queue(endpoint).stalled = false;
    else this.#outStalled.delete(endpoint);
  }

  async reset(): Promise<void> {
    this.#check();
    // Re-enumeration: this handle is gone; the device comes back as a new arrival.
    const bus = this.#bus;
    this.unplug();
    if (bus) setTimeout(() => bus.plug(this), 5);
  }

  async close(): Promise<void> {
    if (this.#gone) return;
    this.#open = false;
    this.#claimed.clear();
    this.onClose();
  }

  // ---- internals ------------------------------------------------------------------------------

  #queue(endpoint: number): InQueue {
    let q = this.#queues.get(endpoint);
    if (!q) this.#queues.set(endpoint, (q = new InQueue()));
    return q;
  }

  #check(): void {
    if (this.#gone) throw new UsbError('no_device', `USB device ${this.info.location} is gone`);
  }

  #usable(endpoint: number, dir: 'in' | 'out'): UsbEndpointInfo & { iface: number } {
    this.#check();
    const ep = this.#endpoints.get(endpoint);
    if (!ep || ep.direction !== dir) throw new UsbError('io', `no ${dir.toUpperCase()} endpoint ${hex(endpoint)}`);
    if (!this.#open || !this.#claimed.has(ep.iface)) throw new UsbError('io', `interface ${ep.iface} not claimed`);
    return ep;
  }

  async #in(endpoint: number, length: number, timeoutMs: number, type: 'bulk' | 'interrupt'): Promise<Uint8Array> {
    const ep = this.#usable(endpoint, 'in');
    if (ep.type !== type) throw new UsbError('io', `endpoint ${hex(endpoint)} is ${ep.type}, not ${type}`);
    const mps = ep.maxPacketSize;
    const q = this.#queue(endpoint);
    // A real transfer completes from the event loop (libusb callback), never synchronously: let
    // timers run first, or a client looping over queued data would starve every timeout.
    // (Off for devices driven by a virtual clock, which advances when the loop goes idle.)
    if (this.yieldBeforeIn) await new Promise<void>((resolve) => setImmediate(resolve));
    const parts: Uint8Array[] = [];
    let got = 0;
    const clock = this.clock;
    const deadline = clock.now() + timeoutMs;
    for (;;) {
      if (this.#gone) throw new UsbError('no_device', `USB device ${this.info.location} is gone`);
      if (q.stalled) throw new UsbError('stall', `endpoint ${hex(endpoint)} halted`);
      const seg = q.segments[0];
      if (!seg) {
        const left = deadline - clock.now();
        if (left <= 0) throw new UsbError('timeout', `${type} IN ${hex(endpoint)} timed out after ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const w: Waiter = { wake: () => (stop(), resolve()) };
          const stop = clock.setTimer(left, () => {
            q.waiters = q.waiters.filter((x) => x !== w);
            resolve();
          });
          q.waiters.push(w);
        });
        continue;
      }
      const left = seg.data.length - seg.pos;
      if (left === 0) {
        // A zero-length packet: ends this transfer.
        q.segments.shift();
        return concatBytes(...parts);
      }
      const packet = Math.min(mps, left);
      if (packet > length - got) {
        q.segments.shift();
        q.queuedBytes -= left;
        throw new UsbError('overflow', `${type} IN ${hex(endpoint)}: a ${packet}-byte packet overflows the ${length}-byte request`);
      }
      // Faults counted in delivered bytes; the packet that crosses the mark is lost with the transfer.
      const unplugAt = this.faults.unplugAtInByte;
      if (unplugAt !== undefined && this.inBytes + packet > unplugAt) {
        this.faults.unplugAtInByte = undefined;
        this.unplug();
        continue;
      }
      const stallAt = this.faults.stallAtInByte;
      if (stallAt && stallAt.endpoint === endpoint && this.inBytes + packet > stallAt.at) {
        this.faults.stallAtInByte = undefined;
        q.stalled = true;
        this.onHalt(endpoint);
        continue;
      }
      parts.push(seg.data.subarray(seg.pos, seg.pos + packet));
      seg.pos += packet;
      got += packet;
      q.queuedBytes -= packet;
      this.inBytes += packet;
      if (seg.pos === seg.data.length && !(packet === mps && seg.zlp)) q.segments.shift();
      if (packet < mps || got === length) return concatBytes(...parts);
    }
  }
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(2, '0');
}

async function withTimeout<T>(clock: Clock, p: Promise<T>, ms: number, what: () => string, gone: () => boolean): Promise<T> {
  let stop = () => {};
  const timer = new Promise<never>((_, reject) => {
    stop = clock.setTimer(ms, () => reject(gone() ? new UsbError('no_device', 'USB device is gone') : new UsbError('timeout', what())));
  });
  try {
    return await Promise.race([p, timer]);
  } finally {
    stop();
  }
}

/** The simulated bus: devices plugged in, hotplug events. */
export class SimUsbBus implements UsbBackend {
  #devices = new Set<SimUsbDevice>();
  #listeners = new Set<UsbHotplugListener>();

  plug(device: SimUsbDevice): void {
    if (this.#devices.has(device)) return;
    device.plugged(this);
    this.#devices.add(device);
    for (const l of this.#listeners) l.attach(device);
  }

  /** Unplugs a device (same as device.unplug()). */
  unplug(device: SimUsbDevice): void {
    device.unplug();
  }

  /** @internal */
  removed(device: SimUsbDevice): void {
    if (!this.#devices.delete(device)) return;
    for (const l of this.#listeners) l.detach(device.info.location);
  }

  async devices(): Promise<UsbDevice[]> {
    return [...this.#devices];
  }

  watch(listener: UsbHotplugListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
