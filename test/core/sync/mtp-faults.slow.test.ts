/**
 * 200 randomised faults during MTP syncs from the simulated FR945 — unplug at a random byte,
 * an endpoint stalled at a random byte, the watch going silent (timeouts), DeviceBusy bursts —
 * through the real MTP client, provider and sync engine. After each: nothing partial under a
 * final name, the index agrees with the files, every file held is one the watch has; then the
 * fault is cleared (the watch plugged back in) and the next sync completes the library.
 * Seeded, so a failing schedule can be replayed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SimMtpWatch } from '../../../src/core/sim/mtp-watch.js';
import { SimUsbBus } from '../../../src/core/sim/usb-sim.js';
import { watchFiles, WATCH_MODELS } from '../../../src/core/sim/watch-files.js';
import { MtpProvider } from '../../../src/core/sync/sources/mtp-source.js';
import { SyncService } from '../../../src/core/sync/sync-service.js';
import type { DeviceSyncReport } from '../../../src/core/sync/sync-device.js';
import { inspectLibrary, sha } from '../../helpers/library-check.js';

const model = WATCH_MODELS.fr945;
// The big file makes each run slow without adding cases: the fault points cover the rest.
const files = watchFiles(model).filter((f) => f.bytes.length < 200_000);
const total = files.reduce((n, f) => n + f.bytes.length, 0);
const want = new Set(files.map((f) => sha(f.bytes)));

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const base = mkdtempSync(join(tmpdir(), 'fitkit-mtpfaults-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function syncAll(bus: SimUsbBus, library: string): Promise<DeviceSyncReport[]> {
  const provider = new MtpProvider(bus, {
    timeoutMs: 60,
    controlTimeoutMs: 60,
    drainTimeoutMs: 20,
    cancelPollMs: 5,
    cancelWaitMs: 100,
    firstOpenTimeoutMs: 60,
    busyDelayMs: 1,
    busyMaxDelayMs: 5,
    storageWaitMs: 0,
  });
  const svc = new SyncService({ library, providers: [provider], idleTimeoutMs: 500, openAttempts: 1 });
  return (await svc.syncOnce()).reports;
}

describe('sync from the simulated MTP watch under 200 randomised faults', () => {
  it('never leaves a partial file or an inconsistent index, and the next sync completes', async () => {
    const next = rng(0x5eed);
    const kinds = { unplug: 0, stall: 0, silent: 0, busy: 0 };
    let incomplete = 0;
    for (let i = 0; i < 200; i++) {
      const library = join(base, `lib${i}`);
      const bus = new SimUsbBus();
      const watch = new SimMtpWatch({ model, files });
      bus.plug(watch);
      const k = Math.floor(next() * total * 1.05);
      const kind = (['unplug', 'stall', 'silent', 'busy'] as const)[Math.floor(next() * 4)];
      kinds[kind]++;
      let timer: NodeJS.Timeout | undefined;
      if (kind === 'unplug') watch.faults.unplugAtInByte = watch.inBytes + k;
      else if (kind === 'stall') watch.faults.stallAtInByte = { endpoint: 0x81, at: watch.inBytes + k };
      else if (kind === 'busy') watch.mtpFaults.busyOps = 1 + Math.floor(next() * 10);
      else timer = setTimeout(() => (watch.mtpFaults.silent = true), Math.floor(next() * 40));

      await syncAll(bus, library);
      clearTimeout(timer);
      const mid = inspectLibrary(library);
      expect(mid.problems, `run ${i} (${kind} at ${k})`).toEqual([]);
      for (const h of mid.files.values()) expect(want.has(h), `run ${i}: a file the watch does not have`).toBe(true);
      if (mid.files.size < want.size) incomplete++;

      // Fault cleared: a healthy watch plugged back in.
      watch.mtpFaults.silent = false;
      watch.mtpFaults.busyOps = 0;
      watch.faults.unplugAtInByte = undefined;
      watch.faults.stallAtInByte = undefined;
      watch.unplug();
      bus.plug(watch);
      const reports = await syncAll(bus, library);
      expect(reports, `run ${i}: second sync`).toHaveLength(1);
      const end = inspectLibrary(library);
      expect(end.problems, `run ${i} after`).toEqual([]);
      expect(new Set(end.files.values()), `run ${i} (${kind} at ${k}): library complete`).toEqual(want);
      rmSync(library, { recursive: true, force: true });
    }
    expect(Math.min(...Object.values(kinds))).toBeGreaterThan(30);
    // The faults really cut syncs short (stalls and busy bursts are mostly recovered in-session).
    expect(incomplete).toBeGreaterThan(kinds.unplug / 2);
  });
});
