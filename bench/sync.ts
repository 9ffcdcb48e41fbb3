/**
 * MTP download benchmark: the same bytes through the simulated USB IN path with no protocol
 * (the simulator's raw rate) and through fitkit's MTP client (command, data phases of
 * GetPartialObject, responses) into a sink that keeps nothing; the ratio is the protocol's
 * overhead (target: under 10%). Then a whole `syncDevice` of the simulated FR945 (staging file,
 * fsync, hash, sorter) for scale. Best of a few runs each: the machine is shared.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patternBytes } from '../src/core/sim/mtp-objects.js';
import { measureRawInRate } from '../src/core/sim/mtp-raw-rate.js';
import { SimMtpWatch } from '../src/core/sim/mtp-watch.js';
import { SimUsbBus } from '../src/core/sim/usb-sim.js';
import { WATCH_MODELS } from '../src/core/sim/watch-files.js';
import { MtpProvider } from '../src/core/sync/sources/mtp-source.js';
import { syncDevice } from '../src/core/sync/sync-device.js';

const SIZE = 64 * 1024 * 1024;
const RUNS = 5;
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

async function mtpDownloadMs(bytes: Uint8Array): Promise<number> {
  const bus = new SimUsbBus();
  bus.plug(new SimMtpWatch({ model: WATCH_MODELS.fr945, files: [{ path: 'GARMIN/Activity/big.fit', bytes }], deviceXml: false }));
  const [candidate] = await new MtpProvider(bus).scan();
  const session = await candidate.open();
  try {
    const [file] = (await session.listFiles()).filter((f) => f.path.endsWith('big.fit'));
    let got = 0;
    const t0 = performance.now();
    await session.download(file, (c) => {
      got += c.length;
    });
    const ms = performance.now() - t0;
    if (got !== bytes.length) throw new Error(`MTP download got ${got} of ${bytes.length} bytes`);
    return ms;
  } finally {
    await session.close();
  }
}

export async function benchSync(): Promise<string[]> {
  const bytes = patternBytes(SIZE);
  let raw = Infinity;
  let mtp = Infinity;
  for (let i = 0; i < RUNS; i++) {
    raw = Math.min(raw, (await measureRawInRate({ bytes })).ms);
    mtp = Math.min(mtp, await mtpDownloadMs(bytes));
  }
  const lines = [
    `MTP download of ${SIZE / 1024 / 1024} MiB from the simulated FR945 (best of ${RUNS}):`,
    `  simulator raw IN rate   ${mbps(SIZE, raw).toFixed(0).padStart(6)} MB/s`,
    `  fitkit MTP client       ${mbps(SIZE, mtp).toFixed(0).padStart(6)} MB/s`,
    `  protocol overhead       ${(((mtp - raw) / raw) * 100).toFixed(1).padStart(6)} %  (target < 10 %)`,
  ];
  let best = Infinity;
  let total = 0;
  for (let i = 0; i < 3; i++) {
    const lib = mkdtempSync(join(tmpdir(), 'fitkit-bench-sync-'));
    try {
      const bus = new SimUsbBus();
      bus.plug(new SimMtpWatch({ model: WATCH_MODELS.fr945 }));
      const [c] = await new MtpProvider(bus).scan();
      const s = await c.open();
      const t0 = performance.now();
      const r = await syncDevice(s, { library: lib });
      best = Math.min(best, performance.now() - t0);
      total = r.totals.downloadedBytes;
      await s.close();
    } finally {
      rmSync(lib, { recursive: true, force: true });
    }
  }
  lines.push(`  whole sync of the simulated FR945 (${(total / 1e6).toFixed(1)} MB, 10 files: list, stage, fsync, hash, sort): ${best.toFixed(0)} ms`);
  return lines;
}
