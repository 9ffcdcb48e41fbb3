/**
 * MTP download benchmark: fitkit's MTP client beside the USB floor of the same download (its
 * bulk transfers replayed through the same simulated endpoints with no protocol), measured in a
 * child process (bench/mtp-download.ts); the difference is the protocol's cost (target: under
 * 10 %). Then a whole `syncDevice` of the simulated FR945 (staging file, fsync, hash, sorter)
 * for scale.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimMtpWatch } from '../src/core/sim/mtp-watch.js';
import { SimUsbBus } from '../src/core/sim/usb-sim.js';
import { WATCH_MODELS } from '../src/core/sim/watch-files.js';
import { MtpProvider } from '../src/core/sync/sources/mtp-source.js';
import { syncDevice } from '../src/core/sync/sync-device.js';
import { MALLOC_ENV } from './malloc-env.js';
import type { MtpDownloadJob, MtpDownloadResult } from './mtp-download.js';

const CHILD = fileURLToPath(new URL('./mtp-download.js', import.meta.url));
const SIZE = 64 * 1024 * 1024;
const RUNS = 21;
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function mtpDownload(): MtpDownloadResult | string {
  const job: MtpDownloadJob = { bytes: SIZE, runs: RUNS };
  const r = spawnSync(process.execPath, ['--expose-gc', CHILD, JSON.stringify(job)], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...MALLOC_ENV } });
  if (r.status !== 0) return (r.error?.message ?? r.stderr.trim().split('\n')[0]) || `exit ${r.status}`;
  return JSON.parse(r.stdout) as MtpDownloadResult;
}

export async function benchSync(): Promise<string[]> {
  const r = mtpDownload();
  const lines: string[] = [];
  if (typeof r === 'string') lines.push(`MTP download: not measured (${r})`);
  else {
    const client = median(r.clientMs);
    const floor = median(r.floorMs);
    const row = (label: string, value: string) => `  ${label.padEnd(60)} ${value}`;
    const rate = (ms: number, faults: number[]) => `${mbps(SIZE, ms).toFixed(0).padStart(6)} MB/s  (${ms.toFixed(1)} ms CPU, ${median(faults)} page faults)`;
    lines.push(
      `MTP download of ${SIZE / 1024 / 1024} MiB from the simulated FR945 (CPU time, median of ${RUNS} runs alternated in one process):`,
      row(`USB floor (the same ${r.outTransfers} OUT + ${r.inTransfers} IN transfers, no protocol)`, rate(floor, r.floorFaults)),
      row('fitkit MTP client', rate(client, r.clientFaults)),
      row('protocol overhead (client - floor) / floor', `${(((client - floor) / floor) * 100).toFixed(1).padStart(6)} %  (target < 10 %)`),
    );
  }
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
