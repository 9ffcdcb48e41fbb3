/**
 * The USB floor of a protocol run on the simulated bus. A recorder logs the bulk transfers a
 * client makes (OUT data; IN request length and what came back); a replay then makes exactly
 * those transfers again with nothing on either side: a device that queues, after each OUT, the
 * IN data recorded after it, and a host that asks for the recorded lengths and only counts.
 * Same endpoints, packets, ZLPs and copies in SimUsbDevice, no protocol: the reference the MTP
 * download bench compares the client with. Bulk transfers only (a clean download makes no others).
 */
import type { UsbBackend, UsbDevice, UsbDeviceInfo } from '../usb/backend.js';
import { SimUsbDevice } from './usb-sim.js';

export type UsbTransfer = { dir: 'out'; endpoint: number; data: Uint8Array } | { dir: 'in'; endpoint: number; length: number; data: Uint8Array };

export class UsbTransferRecorder {
  readonly transfers: UsbTransfer[] = [];
  /** Transfers are logged only while this is on (e.g. around one download, not the session set-up). */
  recording = false;

  /** The device, its bulk transfers logged while recording. */
  wrap(device: UsbDevice): UsbDevice {
    const log = (t: UsbTransfer) => {
      if (this.recording) this.transfers.push(t);
    };
    return {
      info: device.info,
      open: () => device.open(),
      claimInterface: (n, o) => device.claimInterface(n, o),
      releaseInterface: (n) => device.releaseInterface(n),
      bulkIn: async (endpoint, length, ms) => {
        const data = await device.bulkIn(endpoint, length, ms);
        log({ dir: 'in', endpoint, length, data });
        return data;
      },
      bulkOut: (endpoint, data, ms) => {
        log({ dir: 'out', endpoint, data: data.slice() });
        return device.bulkOut(endpoint, data, ms);
      },
      interruptIn: (ep, length, ms) => device.interruptIn(ep, length, ms),
      controlIn: (s, length, ms) => device.controlIn(s, length, ms),
      controlOut: (s, data, ms) => device.controlOut(s, data, ms),
      clearHalt: (ep) => device.clearHalt(ep),
      reset: () => device.reset(),
      close: () => device.close(),
    };
  }

  /** The backend, every device it yields wrapped. */
  backend(inner: UsbBackend): UsbBackend {
    return {
      devices: async () => (await inner.devices()).map((d) => this.wrap(d)),
      watch: (l) => inner.watch({ attach: (d) => l.attach(this.wrap(d)), detach: (location) => l.detach(location) }),
    };
  }
}

/** Answers the k-th OUT transfer with the IN transfers recorded after it, as views of the recorded bytes. */
export class SimReplayDevice extends SimUsbDevice {
  #answers: UsbTransfer[][] = [];
  #next = 0;

  constructor(info: UsbDeviceInfo, transfers: readonly UsbTransfer[]) {
    super(info);
    for (const t of transfers) {
      if (t.dir === 'out') this.#answers.push([]);
      else if (this.#answers.length) this.#answers[this.#answers.length - 1].push(t);
      else throw new RangeError('a replay starts with an OUT transfer');
    }
  }

  protected override onOut(): void {
    for (const t of this.#answers[this.#next++] ?? []) {
      if (t.dir !== 'in') continue;
      // A transfer shorter than its request ended with a short packet or, on whole packets, a ZLP.
      this.sendIn(t.endpoint, t.data, t.data.length < t.length);
    }
  }
}

/** Makes the recorded transfers on `device` (open, interface claimed); returns the IN bytes. */
export async function replayTransfers(device: UsbDevice, transfers: readonly UsbTransfer[], timeoutMs = 5000): Promise<number> {
  let bytes = 0;
  for (const t of transfers) {
    if (t.dir === 'out') {
      await device.bulkOut(t.endpoint, t.data, timeoutMs);
      continue;
    }
    const got = await device.bulkIn(t.endpoint, t.length, timeoutMs);
    if (got.length !== t.data.length) throw new Error(`replay: an IN transfer of ${got.length} bytes where ${t.data.length} were recorded`);
    bytes += got.length;
  }
  return bytes;
}
