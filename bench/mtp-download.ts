/**
 * The MTP download comparison, in its own process (bench/sync.ts starts it and formats the
 * result): fitkit's MTP client downloading a file from the simulated FR945 through the
 * MtpProvider session (a GetPartialObject command, data phase and response per 1 MiB chunk),
 * and the USB floor of that same download: its bulk transfers, recorded once, replayed through a
 * device with the same endpoints and no protocol on either side (src/core/sim/usb-replay.ts).
 * The floor is a subset of the client's work, so (client - floor) / floor is what the protocol
 * costs, both ends. CPU time (user + system) of each, alternated run by run on one heap.
 *
 * Usage: node --expose-gc mtp-download.js '{"bytes": 67108864, "runs": 21}'
 * Prints one JSON line (a MtpDownloadResult).
 */
import { patternBytes } from '../src/core/sim/mtp-objects.js';
import { SimMtpWatch, mtpWatchDescriptor } from '../src/core/sim/mtp-watch.js';
import { SimReplayDevice, UsbTransferRecorder, replayTransfers, type UsbTransfer } from '../src/core/sim/usb-replay.js';
import { SimUsbBus } from '../src/core/sim/usb-sim.js';
import { WATCH_MODELS } from '../src/core/sim/watch-files.js';
import type { UsbBackend } from '../src/core/usb/backend.js';
import { MtpProvider } from '../src/core/sync/sources/mtp-source.js';

export interface MtpDownloadJob {
  bytes: number;
  runs: number;
}

export interface MtpDownloadResult {
  /** CPU ms per run, in run order. */
  clientMs: number[];
  floorMs: number[];
  /** Minor page faults per run (fresh transfer buffers; should match between the two). */
  clientFaults: number[];
  floorFaults: number[];
  outTransfers: number;
  inTransfers: number;
}

// A major GC that keeps compiled code (a bare gc() would drop it: see bench/child.ts).
const expose = (globalThis as { gc?: (o?: { type: 'major'; execution: 'sync' }) => void }).gc;
const gc = expose ? () => expose({ type: 'major', execution: 'sync' }) : () => {};

interface Sample {
  ms: number;
  faults: number;
}

async function measure(work: () => Promise<void>): Promise<Sample> {
  gc();
  const f0 = process.resourceUsage().minorPageFault;
  const t0 = process.cpuUsage();
  await work();
  const t = process.cpuUsage(t0);
  return { ms: (t.user + t.system) / 1000, faults: process.resourceUsage().minorPageFault - f0 };
}

/** One download through a fresh watch and MtpProvider session; only the download is measured. */
async function clientRun(bytes: Uint8Array, recorder?: UsbTransferRecorder): Promise<Sample> {
  const bus = new SimUsbBus();
  bus.plug(new SimMtpWatch({ model: WATCH_MODELS.fr945, files: [{ path: 'GARMIN/Activity/big.fit', bytes }], deviceXml: false }));
  const backend: UsbBackend = recorder ? recorder.backend(bus) : bus;
  const [candidate] = await new MtpProvider(backend).scan();
  const session = await candidate.open();
  try {
    const [file] = (await session.listFiles()).filter((f) => f.path.endsWith('big.fit'));
    let got = 0;
    if (recorder) recorder.recording = true;
    const s = await measure(() =>
      session.download(file, (c) => {
        got += c.length;
      }),
    );
    if (recorder) recorder.recording = false;
    if (got !== bytes.length) throw new Error(`MTP download got ${got} of ${bytes.length} bytes`);
    return s;
  } finally {
    await session.close();
  }
}

/** The recorded transfers again, through a fresh device with the watch's descriptors. */
async function floorRun(transfers: readonly UsbTransfer[], inBytes: number): Promise<Sample> {
  const device = new SimReplayDevice(mtpWatchDescriptor(), transfers);
  new SimUsbBus().plug(device);
  await device.open();
  await device.claimInterface(0);
  let got = 0;
  const s = await measure(async () => {
    got = await replayTransfers(device, transfers);
  });
  await device.close();
  if (got !== inBytes) throw new Error(`replay moved ${got} of ${inBytes} bytes`);
  return s;
}

async function main(job: MtpDownloadJob): Promise<MtpDownloadResult> {
  const bytes = patternBytes(job.bytes);
  // The first download (a warm-up, not counted) is the one recorded.
  const recorder = new UsbTransferRecorder();
  await clientRun(bytes, recorder);
  const transfers = recorder.transfers;
  const inBytes = transfers.reduce((n, t) => n + (t.dir === 'in' ? t.data.length : 0), 0);
  await floorRun(transfers, inBytes);
  const r: MtpDownloadResult = { clientMs: [], floorMs: [], clientFaults: [], floorFaults: [], outTransfers: 0, inTransfers: 0 };
  for (const t of transfers) {
    if (t.dir === 'out') r.outTransfers++;
    else r.inTransfers++;
  }
  for (let i = 0; i < job.runs; i++) {
    const c = await clientRun(bytes);
    const f = await floorRun(transfers, inBytes);
    r.clientMs.push(c.ms);
    r.clientFaults.push(c.faults);
    r.floorMs.push(f.ms);
    r.floorFaults.push(f.faults);
  }
  return r;
}

main(JSON.parse(process.argv[2] ?? '{}') as MtpDownloadJob).then(
  (r) => console.log(JSON.stringify(r)),
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
