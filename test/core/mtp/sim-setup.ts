/** Shared set-up for the MTP tests: a simulated watch on a simulated bus, short timeouts. */
import { MtpClient, type MtpClientOptions } from '../../../src/core/mtp/client.js';
import { SimMtpWatch, type SimMtpWatchOptions } from '../../../src/core/sim/mtp-watch.js';
import { SimUsbBus, SimUsbDevice } from '../../../src/core/sim/usb-sim.js';
import { UsbTransferRecorder } from '../../../src/core/sim/usb-replay.js';
import { mtpWatchDescriptor } from '../../../src/core/sim/mtp-watch.js';
import { decodeShort, type ShortContainer } from '../../../src/core/mtp/container.js';
import type { ControlSetup, UsbDevice } from '../../../src/core/usb/backend.js';
import { MtpProvider, type MtpProviderOptions } from '../../../src/core/sync/sources/mtp-source.js';
import type { DeviceSession, RemoteFile } from '../../../src/core/sync/device-source.js';

/** Generous per-transfer timeout (nothing waits for it unless a test makes the watch silent). */
export const FAST: MtpProviderOptions = {
  timeoutMs: 2000,
  firstOpenTimeoutMs: 2000,
  controlTimeoutMs: 200,
  drainTimeoutMs: 5,
  cancelPollMs: 2,
  cancelWaitMs: 200,
  busyDelayMs: 1,
  busyMaxDelayMs: 4,
  storageWaitMs: 2000,
  storagePollMs: 5,
};

export function plugWatch(options: SimMtpWatchOptions = {}): { bus: SimUsbBus; watch: SimMtpWatch } {
  const bus = new SimUsbBus();
  const watch = new SimMtpWatch(options);
  bus.plug(watch);
  return { bus, watch };
}

export async function connect(options: SimMtpWatchOptions = {}, client: MtpClientOptions = {}): Promise<{ watch: SimMtpWatch; client: MtpClient; warnings: string[] }> {
  const { watch } = plugWatch(options);
  const warnings: string[] = [];
  const c = await MtpClient.connect(watch, { ...FAST, onWarning: (w) => warnings.push(w), ...client });
  return { watch, client: c, warnings };
}

export async function openSession(options: SimMtpWatchOptions = {}, provider: MtpProviderOptions = {}): Promise<{ watch: SimMtpWatch; session: DeviceSession; warnings: string[]; bus: SimUsbBus }> {
  const { bus, watch } = plugWatch(options);
  const warnings: string[] = [];
  const p = new MtpProvider(bus, { ...FAST, onWarning: (w) => warnings.push(w), ...provider });
  const [candidate] = await p.scan();
  if (!candidate) throw new Error('no candidate');
  const session = await candidate.open();
  return { watch, session, warnings, bus };
}

/** Downloads a whole file into memory (from `offset`). */
export async function fetchAll(session: DeviceSession, file: RemoteFile, offset = 0, signal?: AbortSignal): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  await session.download(file, (c) => void parts.push(c.slice()), { offset, signal });
  return Buffer.concat(parts);
}

/** Wraps a device to record every bulk IN request and what it returned (read the reads after the transfers). */
export function recorded(device: UsbDevice): { device: UsbDevice; reads: { request: number; got: number }[] } {
  const rec = new UsbTransferRecorder();
  rec.recording = true;
  return {
    device: rec.wrap(device),
    get reads() {
      return rec.transfers.flatMap((t) => (t.dir === 'in' ? [{ request: t.length, got: t.data.length }] : []));
    },
  };
}

/**
 * A device that answers each command with whatever the test scripts, byte for byte: for
 * protocol violations the faithful watch never commits.
 */
export class ScriptedDevice extends SimUsbDevice {
  readonly cancels: number[] = [];
  constructor(readonly script: (cmd: ShortContainer) => { bytes: Uint8Array; zlp?: boolean }[]) {
    super(mtpWatchDescriptor({ location: 'scripted-1' }));
  }
  protected override onOut(_ep: number, data: Uint8Array): void {
    for (const s of this.script(decodeShort(data))) this.sendIn(0x81, s.bytes, s.zlp ?? true);
  }
  protected override onControlOut(setup: ControlSetup, data: Uint8Array): void {
    if (setup.request === 0x64) this.cancels.push(new DataView(data.buffer, data.byteOffset).getUint32(2, true));
  }
  protected override onControlIn(): Uint8Array {
    return Uint8Array.of(4, 0, 0x01, 0x20);
  }
}

/** The error a promise rejects with; fails if it resolves. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}
