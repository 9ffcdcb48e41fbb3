/**
 * The ANT stick's USB side (docs/ant-fs.md): open the device, claim interface 0
 * (detaching usb-serial-simple's "suunto" binding of 0fcf:1008/1009, or cp210x's of 0fcf:1004),
 * set up a USB-UART bridge if the stick has one (cp210x.ts), take the first bulk IN and OUT
 * endpoints, keep IN transfers pending and hand every chunk on in order, write one message per
 * OUT transfer (with the stick's padding). USB errors become FitkitErrors that say what to do.
 * No ANT knowledge here.
 */
import { FitkitError } from '../errors.js';
import { isUsbError, UsbError, type UsbDevice } from '../usb/backend.js';
import { cp210xStart, cp210xStop } from './cp210x.js';

export interface UsbPipeOptions {
  /** Timeout of one IN transfer, in real ms (the facade's unit); close() waits for pending ones. */
  readTimeoutMs: number;
  /** IN transfers kept pending (§1.1: 2–3), completed in the order they were submitted. */
  pendingReads: number;
  onData: (chunk: Uint8Array) => void;
  /** The pipe is dead (unplugged, or reads keep failing); called once. */
  onFailure: (e: FitkitError) => void;
  log: (line: string) => void;
  /** A USB-serial bridge to set up after claiming (and disable at close). */
  bridge?: 'cp210x';
  /** Zero bytes appended to each OUT message (USB1: 2, as Garmin's agent sends). */
  outPadding?: number;
}

export class UsbPipe {
  readonly device: UsbDevice;
  readonly location: string;
  #epIn: number;
  #epOut: number;
  #packet: number;
  #o: UsbPipeOptions;
  #closed = false;
  #failed = false;
  #reading: Promise<void> = Promise.resolve();

  private constructor(device: UsbDevice, epIn: number, epOut: number, packet: number, o: UsbPipeOptions) {
    this.device = device;
    this.location = device.info.location;
    this.#epIn = epIn;
    this.#epOut = epOut;
    this.#packet = packet;
    this.#o = o;
  }

  static async open(device: UsbDevice, o: UsbPipeOptions): Promise<UsbPipe> {
    const where = stickName(device);
    const iface = device.info.interfaces.find((i) => i.number === 0);
    const epIn = iface?.endpoints.find((e) => e.type === 'bulk' && e.direction === 'in');
    const epOut = iface?.endpoints.find((e) => e.type === 'bulk' && e.direction === 'out');
    if (!epIn || !epOut) throw new FitkitError('ant_stick_unusable', `${where} has no bulk IN and OUT endpoints on interface 0`);
    try {
      await device.open();
    } catch (e) {
      throw usbError(e, where, 'open');
    }
    try {
      await device.claimInterface(0, { detachKernelDriver: true });
    } catch (e) {
      await device.close().catch(() => {});
      throw usbError(e, where, 'claim');
    }
    if (o.bridge === 'cp210x') {
      try {
        await cp210xStart(device);
      } catch (e) {
        await device.releaseInterface(0).catch(() => {});
        await device.close().catch(() => {});
        throw usbError(e, where, 'set up the serial bridge of');
      }
    }
    const pipe = new UsbPipe(device, epIn.address, epOut.address, epIn.maxPacketSize || 64, o);
    pipe.#reading = pipe.#readLoop();
    return pipe;
  }

  async write(bytes: Uint8Array): Promise<void> {
    try {
      const pad = this.#o.outPadding ?? 0;
      let out = bytes;
      if (pad > 0) {
        out = new Uint8Array(bytes.length + pad);
        out.set(bytes);
      }
      await this.device.bulkOut(this.#epOut, out, 1000);
    } catch (e) {
      const err = usbError(e, `the ANT stick at ${this.location}`, 'write');
      if (isUsbError(e, 'no_device')) this.#fail(err);
      throw err;
    }
  }

  /** Stops reading (waiting for the pending transfers), releases the interface, closes. Never throws. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#reading;
    if (this.#o.bridge === 'cp210x') await cp210xStop(this.device);
    await this.device.releaseInterface(0).catch(() => {});
    await this.device.close().catch(() => {});
  }

  /**
   * One packet per transfer: a transfer then never waits on a short packet and never overflows.
   * Several stay pending so the stick need not hold data while we turn around.
   */
  async #readLoop(): Promise<void> {
    const inflight: Promise<Uint8Array | Error>[] = [];
    let errors = 0;
    try {
      while (!this.#closed && !this.#failed) {
        while (inflight.length < this.#o.pendingReads) {
          inflight.push(
            this.device.bulkIn(this.#epIn, this.#packet, this.#o.readTimeoutMs).then(
              (d) => d,
              (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
            ),
          );
        }
        const r = await inflight.shift()!;
        if (this.#closed) break;
        if (r instanceof Uint8Array) {
          errors = 0;
          if (r.length) this.#o.onData(r);
          continue;
        }
        if (isUsbError(r, 'timeout')) continue;
        if (isUsbError(r, 'no_device')) {
          this.#fail(new FitkitError('device_gone', `the ANT stick at ${this.location} was unplugged`, { cause: r }));
          break;
        }
        this.#o.log(`ANT stick at ${this.location}: USB read error: ${r.message}`);
        if (isUsbError(r, 'stall')) await this.device.clearHalt(this.#epIn).catch(() => {});
        if (++errors >= 5) {
          this.#fail(new FitkitError('ant_usb', `the ANT stick at ${this.location} keeps failing to read: ${r.message}`, { cause: r }));
          break;
        }
        // Real time on purpose: this paces a failing USB pipe, not the protocol.
        await new Promise((res) => setTimeout(res, 20));
      }
    } finally {
      await Promise.all(inflight);
    }
  }

  #fail(e: FitkitError): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#o.onFailure(e);
  }
}

function stickName(device: UsbDevice): string {
  const i = device.info;
  const id = `${i.vendorId.toString(16).padStart(4, '0')}:${i.productId.toString(16).padStart(4, '0')}`;
  return `the ANT stick ${id} at ${i.location}`;
}

/** A UsbError as a FitkitError that says what to do about it. */
function usbError(e: unknown, where: string, op: 'open' | 'claim' | 'write' | 'set up the serial bridge of'): FitkitError {
  if (e instanceof UsbError) {
    switch (e.kind) {
      case 'no_device':
        return new FitkitError('device_gone', `${where} was unplugged`, { cause: e });
      case 'access':
        return new FitkitError('ant_stick_access', `no permission to open ${where}: a udev rule must give your user access to 0fcf:1004/1008/1009 (fitkit sync --install writes one)`, { cause: e });
      case 'busy':
        return new FitkitError('ant_stick_busy', `${where} is in use by another program (another fitkit, antfs-cli/openant, Garmin Express in a VM) or a kernel driver that could not be detached`, {
          cause: e,
        });
    }
  } else if (e instanceof FitkitError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new FitkitError('ant_usb', `USB error on ${where} (${op}): ${message}`, { cause: e });
}
