/**
 * The simulated USB IN path's own speed, with no protocol on it: the baseline for the MTP
 * download benchmark. A device with the simulated watch's descriptors sends N bytes on bulk IN
 * as USB transfers of `transferBytes` (views of the caller's bytes, no copies), each ended by a
 * short packet or ZLP, and the host reads each with one request a packet larger — the shape of
 * the MTP client's GetPartialObject data phases, minus command, header and response. So both
 * sides allocate the same transfer buffers, and the ratio of the two rates is the protocol's
 * cost, not the allocator's (transfer size changes the simulator's own speed a lot: fresh
 * buffers of a megabyte or more can cost a page fault per 4 KiB). Target: MTP within 10%.
 */
import { patternBytes } from './mtp-objects.js';
import { MTP_BULK_IN, MTP_BULK_OUT, mtpWatchDescriptor } from './mtp-watch.js';
import { SimUsbBus, SimUsbDevice } from './usb-sim.js';

export interface RawRateOptions {
  /** The bytes to stream, or a count (deterministic bytes are made). */
  bytes: Uint8Array | number;
  /** @default 512 */
  packetSize?: number;
  /** Bytes per USB transfer (the MTP client's GetPartialObject chunk). @default 1 MiB */
  transferBytes?: number;
}

export interface RawRate {
  bytes: number;
  ms: number;
  bytesPerSecond: number;
}

class SimRawSource extends SimUsbDevice {
  #bytes: Uint8Array;
  #transfer: number;

  constructor(bytes: Uint8Array, packetSize: number, transferBytes: number) {
    super(mtpWatchDescriptor({ packetSize, location: 'raw-1' }));
    this.#bytes = bytes;
    this.#transfer = transferBytes;
  }

  /** Any OUT transfer starts the stream. */
  protected override onOut(): void {
    const b = this.#bytes;
    for (let o = 0; o < b.length; o += this.#transfer) this.sendIn(MTP_BULK_IN, b.subarray(o, Math.min(b.length, o + this.#transfer)), true);
  }
}

/** Streams the bytes through a fresh simulated bus and times the host side. */
export async function measureRawInRate(options: RawRateOptions): Promise<RawRate> {
  const bytes = typeof options.bytes === 'number' ? patternBytes(options.bytes) : options.bytes;
  const packet = options.packetSize ?? 512;
  const transfer = Math.max(1, options.transferBytes ?? 1 << 20);
  // Strictly more than a transfer, so its ZLP ends the same read (as the MTP client asks).
  const read = (Math.floor(transfer / packet) + 1) * packet;
  const device = new SimRawSource(bytes, packet, transfer);
  const bus = new SimUsbBus();
  bus.plug(device);
  await device.open();
  await device.claimInterface(0);
  const t0 = performance.now();
  await device.bulkOut(MTP_BULK_OUT, Uint8Array.of(1), 1000);
  let got = 0;
  while (got < bytes.length) got += (await device.bulkIn(MTP_BULK_IN, read, 5000)).length;
  const ms = performance.now() - t0;
  await device.close();
  return { bytes: got, ms, bytesPerSecond: ms > 0 ? (got / ms) * 1000 : Infinity };
}
