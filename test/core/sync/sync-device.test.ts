import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { syncDevice } from '../../../src/core/sync/sync-device.js';
import { watchFiles, WATCH_MODELS } from '../../../src/core/sim/watch-files.js';
import { MAX_FAILURES } from '../../../src/core/sync/sync-state.js';
import { inspectLibrary, sha } from '../../helpers/library-check.js';
import { MemoryDevice, type MemFile } from '../../helpers/memory-device.js';
import { simVolumes } from '../../helpers/msc-volumes.js';
import { IoMeter } from '../../../src/core/library/io-meter.js';
import { MscProvider } from '../../../src/core/sync/sources/msc-source.js';
import { SyncState } from '../../../src/core/sync/sync-state.js';
import { STATE_DIR } from '../../../src/core/library/layout.js';
import { FitkitError, isDeviceGone } from '../../../src/core/errors.js';
import { UsbError } from '../../../src/core/usb/backend.js';

const dirs: string[] = [];
function lib(): string {
  const d = mkdtempSync(join(tmpdir(), 'fitkit-sync-'));
  dirs.push(d);
  return join(d, 'FitSync');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const model = WATCH_MODELS.fr945;
const sim = simVolumes();
function device(files: MemFile[] = watchFiles(model).map((f) => ({ ...f }))): MemoryDevice {
  return new MemoryDevice({ key: 'msc:3996731245', serial: String(model.serial), model: model.name }, files);
}

describe('syncDevice', () => {
  it('lands every file byte-identical, sorted by serial and type; a second sync downloads nothing', async () => {
    const library = lib();
    const dev = device();
    const r1 = await syncDevice(dev, { library });
    const facts = inspectLibrary(library);
    expect(facts.problems).toEqual([]);
    const held = new Set(facts.files.values());
    for (const f of watchFiles(model)) expect([f.path, held.has(sha(f.bytes))]).toEqual([f.path, true]);
    // Generated files carry the watch's serial; the zero-byte file is quarantined, not dropped.
    const paths = [...facts.files.keys()];
    expect(paths).toContain(`${model.serial}/Activities/2024-05-01-07-12-44.fit`);
    expect(paths).toContain(`${model.serial}/Settings/Settings.fit`);
    expect(paths.some((p) => p.startsWith('_quarantine/'))).toBe(true);
    expect(r1.totals.copied + r1.totals.quarantined + r1.totals.duplicate).toBe(watchFiles(model).length);
    expect(r1.totals.failed).toBe(0);

    dev.downloads = [];
    const r2 = await syncDevice(dev, { library });
    expect(dev.downloads).toEqual([]);
    expect(r2.totals.known).toBe(watchFiles(model).length);
    expect(r2.totals.downloadedBytes).toBe(0);
  });

  it('a device that goes away mid-file leaves nothing partial, and the next sync completes', async () => {
    const library = lib();
    const dev = device();
    dev.faults.goneAtByte = 60_000; // inside the second file
    const r1 = await syncDevice(dev, { library });
    expect(r1.interrupted).toMatch(/device gone/);
    const mid = inspectLibrary(library);
    expect(mid.problems).toEqual([]);
    const all = new Set(watchFiles(model).map((f) => sha(f.bytes)));
    for (const h of mid.files.values()) expect(all.has(h)).toBe(true);
    expect(mid.files.size).toBeLessThan(watchFiles(model).length);

    const r2 = await syncDevice(dev, { library });
    expect(r2.interrupted).toBeUndefined();
    const end = inspectLibrary(library);
    expect(end.problems).toEqual([]);
    expect(new Set(end.files.values())).toEqual(all);
  });

  it('refuses a 2 GB claim, stops a file that never ends and one that goes silent', async () => {
    const library = lib();
    const ok = watchFiles(model)[1];
    const dev = device([
      { path: 'GARMIN/Activity/huge.fit', bytes: new Uint8Array(10), listedSize: 2 * 1024 ** 3 },
      { path: 'GARMIN/Activity/endless.fit', bytes: new Uint8Array(0), listedSize: 100_000 },
      { path: 'GARMIN/Activity/silent.fit', bytes: ok.bytes },
      { path: 'GARMIN/Activity/ok.fit', bytes: ok.bytes },
    ]);
    dev.faults.endlessPath = 'GARMIN/Activity/endless.fit';
    dev.faults.silentPath = 'GARMIN/Activity/silent.fit';
    const r = await syncDevice(dev, { library, idleTimeoutMs: 50 });
    const by = new Map(r.files.map((f) => [f.path, f]));
    expect(by.get('GARMIN/Activity/huge.fit')).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/over the .* limit/) });
    expect(by.get('GARMIN/Activity/endless.fit')).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/more than the 100000 bytes/) });
    expect(by.get('GARMIN/Activity/silent.fit')).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/no data for 50 ms/) });
    expect(by.get('GARMIN/Activity/ok.fit')).toMatchObject({ outcome: 'copied' });
    expect(inspectLibrary(library).problems).toEqual([]);
  });

  it('hostile names cannot write outside the library', async () => {
    const library = lib();
    const b = watchFiles(model)[1].bytes;
    const names = ['GARMIN/../../../etc/passwd.fit', 'GARMIN/Activity/..', 'GARMIN/Activity/a\0b.fit', 'GARMIN/Activity/x/../../y.fit', '/abs.fit'];
    const files = names.map((path, i) => ({ path, bytes: Uint8Array.from([...b.subarray(0, b.length - 2), i, i]) }));
    const r = await syncDevice(device(files), { library });
    const facts = inspectLibrary(library);
    expect(facts.problems).toEqual([]);
    expect(facts.files.size).toBe(names.length);
    for (const p of facts.files.keys()) expect(p).not.toMatch(/(^|\/)\.\.(\/|$)|\0/);
    expect(r.totals.failed).toBe(0);
  });

  it('gives a file up after repeated failures, until it changes', async () => {
    const library = lib();
    const dev = device(
      watchFiles(model)
        .slice(1, 3)
        .map((f) => ({ ...f })),
    );
    dev.faults.failingPath = dev.files[0].path;
    for (let i = 0; i < MAX_FAILURES; i++) expect((await syncDevice(dev, { library })).totals.failed).toBe(1);
    const r = await syncDevice(dev, { library });
    expect(r.files.find((f) => f.path === dev.files[0].path)).toMatchObject({ outcome: 'given_up' });
    dev.files[0].mtimeMs = (dev.files[0].mtimeMs ?? 0) + 1000;
    dev.faults.failingPath = undefined;
    expect((await syncDevice(dev, { library })).files.find((f) => f.path === dev.files[0].path)).toMatchObject({ outcome: 'copied' });
  });

  it('--delete removes only files whose library copy is verified', async () => {
    const library = lib();
    const dev = device();
    const r = await syncDevice(dev, { library, delete: true });
    const quarantined = r.files.filter((f) => f.outcome === 'quarantined').map((f) => f.path);
    expect(quarantined.length).toBeGreaterThan(0);
    expect(dev.removed.sort()).toEqual(
      r.files
        .filter((f) => f.outcome === 'copied' || f.outcome === 'duplicate')
        .map((f) => f.path)
        .sort(),
    );
    for (const q of quarantined) expect(dev.removed).not.toContain(q);
    expect(r.totals.deleted).toBe(dev.removed.length);
  });

  it('a file that grew on the device is stored again as a new version', async () => {
    const library = lib();
    const [a, b] = watchFiles(model).slice(0, 2);
    const dev = device([{ path: 'GARMIN/Monitor/M.fit', bytes: b.bytes, mtimeMs: 1 }]);
    await syncDevice(dev, { library });
    dev.files[0] = { path: 'GARMIN/Monitor/M.fit', bytes: a.bytes, mtimeMs: 2 };
    const r = await syncDevice(dev, { library });
    expect(r.totals.copied).toBe(1);
    const held = new Set(inspectLibrary(library).files.values());
    expect(held.has(sha(a.bytes)) && held.has(sha(b.bytes))).toBe(true);
  });

  it('--types skips other types and remembers them without downloading again', async () => {
    const library = lib();
    const dev = device();
    const r1 = await syncDevice(dev, { library, types: new Set([4]) });
    expect(r1.totals.filtered).toBeGreaterThan(0);
    dev.downloads = [];
    const r2 = await syncDevice(dev, { library, types: new Set([4]) });
    expect(dev.downloads).toEqual([]);
    expect(r2.totals.filtered).toBe(r1.totals.filtered);
    const r3 = await syncDevice(dev, { library });
    expect(r3.totals.copied + r3.totals.quarantined).toBe(r1.totals.filtered);
    expect(r3.totals.filtered).toBe(0);
  });

  it('writes each new file once and hashes it once (one link lands it from staging)', async () => {
    const library = lib();
    // Whole FIT files only: a bad copy is downloaded twice on purpose.
    const files = watchFiles(model)
      .filter((f) => f.bytes.length > 0)
      .slice(0, 6)
      .map((f) => ({ ...f }));
    const meter = new IoMeter();
    const r = await syncDevice(device(files), { library, meter });
    const landed = r.totals.copied + r.totals.quarantined;
    expect(landed).toBe(files.length);
    const bytes = files.reduce((n, f) => n + f.bytes.length, 0);
    expect(meter).toMatchObject({ writes: files.length, bytesWritten: bytes, hashes: files.length, bytesHashed: bytes });
    expect(new Set(inspectLibrary(library).files.values())).toEqual(new Set(files.map((f) => sha(f.bytes))));
  });

  it('a mass-storage watch pulled out mid-sync ends the run as "device gone", nothing counted as failed', async () => {
    const library = lib();
    const v = sim();
    const provider = new MscProvider(v.providerOptions());
    const session = await (await provider.scan())[0].open();
    const listed = await session.listFiles();
    const big = v.files.find((x) => x.bytes.length > 1024 * 1024)!;
    v.failAt(big.path, 500_000);
    const r = await syncDevice(session, { library });
    expect(r.interrupted).toMatch(/^device gone: device removed while reading/);
    expect(r.totals.failed).toBe(0);
    expect(r.totals.given_up).toBe(0);
    expect(r.files.length).toBeLessThan(listed.length);
    // No failure remembered against any file: three pulls in a row give nothing up.
    const state = SyncState.load(join(library, STATE_DIR), session.identity.key);
    for (const f of listed) expect([f.path, state.failures(f.path, f.size, f.mtimeMs)]).toEqual([f.path, 0]);
    state.close();
    expect(inspectLibrary(library).problems).toEqual([]);
    // Back in: the next sync takes everything.
    v.appear();
    const again = await (await provider.scan())[0].open();
    const r2 = await syncDevice(again, { library });
    expect(r2.interrupted).toBeUndefined();
    expect(r2.totals.failed).toBe(0);
    expect(new Set(inspectLibrary(library).files.values())).toEqual(new Set(v.files.map((f) => sha(f.bytes))));
  });

  it('every transport names a vanished device the same way', () => {
    expect(isDeviceGone(new UsbError('no_device', 'gone'))).toBe(true);
    expect(isDeviceGone(new UsbError('timeout', 'slow'))).toBe(false);
    expect(new UsbError('no_device', 'gone')).toBeInstanceOf(FitkitError);
  });
});
