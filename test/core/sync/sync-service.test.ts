import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchFiles, WATCH_MODELS } from '../../../src/core/sim/watch-files.js';
import { SyncService } from '../../../src/core/sync/sync-service.js';
import type { DeviceSyncReport } from '../../../src/core/sync/sync-device.js';
import { inspectLibrary } from '../../helpers/library-check.js';
import { MemoryDevice, MemoryProvider } from '../../helpers/memory-device.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function lib(): string {
  const d = mkdtempSync(join(tmpdir(), 'fitkit-svc-'));
  dirs.push(d);
  return d;
}
const files = (m: keyof typeof WATCH_MODELS) =>
  watchFiles(WATCH_MODELS[m])
    .slice(0, 4)
    .map((f) => ({ ...f }));

describe('SyncService --watch', () => {
  it('syncs each device once per arrival while devices come and go', async () => {
    const library = lib();
    const provider = new MemoryProvider();
    const reports: DeviceSyncReport[] = [];
    const lines: string[] = [];
    const svc = new SyncService({ library, providers: [provider], minIntervalMs: 0, debounceMs: 5, log: (l) => lines.push(l), onReport: (r) => reports.push(r) });
    const a = new MemoryDevice({ key: 'msc:1' }, files('fr945'));
    const b = new MemoryDevice({ key: 'msc:2' }, files('edge530'));
    await svc.start();
    for (let round = 0; round < 5; round++) {
      provider.plug('1-1', a);
      if (round % 2) provider.plug('1-2', b);
      await new Promise((r) => setTimeout(r, 20));
      await svc.idle();
      provider.unplug('1-1');
      provider.unplug('1-2');
      await new Promise((r) => setTimeout(r, 20));
      await svc.idle();
    }
    await svc.stop();
    expect(reports.filter((r) => r.device.key === 'msc:1')).toHaveLength(5);
    expect(reports.filter((r) => r.device.key === 'msc:2')).toHaveLength(2);
    // Only the first arrival of each device downloaded anything.
    expect(
      reports
        .filter((r) => r.totals.downloadedBytes > 0)
        .map((r) => r.device.key)
        .sort(),
    ).toEqual(['msc:1', 'msc:2']);
    expect(lines.filter((l) => l.startsWith('attached:'))).toHaveLength(7);
    expect(lines.filter((l) => l.startsWith('detached:'))).toHaveLength(7);
    expect(inspectLibrary(library).problems).toEqual([]);
  });

  it('does not sync a device again within --min-interval (a USB reset bounce)', async () => {
    const library = lib();
    const provider = new MemoryProvider();
    const lines: string[] = [];
    const svc = new SyncService({ library, providers: [provider], minIntervalMs: 60_000, debounceMs: 5, log: (l) => lines.push(l) });
    await svc.start();
    const a = new MemoryDevice({ key: 'msc:1' }, files('fr945'));
    provider.plug('1-1', a);
    await new Promise((r) => setTimeout(r, 20));
    await svc.idle();
    provider.unplug('1-1');
    await new Promise((r) => setTimeout(r, 20));
    provider.plug('1-1', a);
    await new Promise((r) => setTimeout(r, 20));
    await svc.idle();
    await svc.stop();
    expect(provider.opened).toBe(1);
    expect(lines.some((l) => /^skipped: .*synced \d+ s ago/.test(l))).toBe(true);
  });

  it('a device error is logged on one line and the service goes on', async () => {
    const library = lib();
    const provider = new MemoryProvider();
    const lines: string[] = [];
    const svc = new SyncService({ library, providers: [provider], minIntervalMs: 0, debounceMs: 5, log: (l) => lines.push(l) });
    await svc.start();
    const bad = new MemoryDevice({ key: 'msc:bad' }, files('fr945'));
    bad.listFiles = async () => {
      throw new Error('listing failed: I/O error');
    };
    provider.plug('1-1', bad);
    await new Promise((r) => setTimeout(r, 20));
    await svc.idle();
    const good = new MemoryDevice({ key: 'msc:good' }, files('edge530'));
    provider.plug('1-2', good);
    await new Promise((r) => setTimeout(r, 20));
    await svc.idle();
    await svc.stop();
    expect(lines).toContainEqual(expect.stringMatching(/^error: memory device at 1-1: listing failed: I\/O error$/));
    expect(lines).toContainEqual(expect.stringMatching(/^synced: .* 4 new/));
    for (const l of lines) expect(l).not.toContain('\n');
  });
});
