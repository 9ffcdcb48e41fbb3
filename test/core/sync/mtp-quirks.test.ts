/**
 * MTP watches as users of other tools report them (docs/mtp-quirks.md), each made to happen by
 * the simulated watch and synced through the real MTP client, provider and sync engine: every
 * file lands once, nothing partial or zero-filled lands under a final name, and what went wrong
 * is in the summary.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sleep } from '../../../src/core/platform/clock.js';
import { VirtualClock } from '../../../src/core/sim/ant-clock.js';
import { SimMtpWatch, type SimMtpWatchOptions } from '../../../src/core/sim/mtp-watch.js';
import { SimUsbBus } from '../../../src/core/sim/usb-sim.js';
import { watchFiles, WATCH_MODELS } from '../../../src/core/sim/watch-files.js';
import { MtpProvider, type MtpProviderOptions } from '../../../src/core/sync/sources/mtp-source.js';
import { syncDevice, type DeviceSyncReport } from '../../../src/core/sync/sync-device.js';
import { inspectLibrary, sha } from '../../helpers/library-check.js';

const model = WATCH_MODELS.fr945;
const fit = watchFiles(model).filter((f) => f.bytes.length > 0 && f.bytes.length < 200_000);
const base = mkdtempSync(join(tmpdir(), 'fitkit-mtpquirks-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

const FAST: MtpProviderOptions = {
  timeoutMs: 2000,
  firstOpenTimeoutMs: 2000,
  controlTimeoutMs: 200,
  drainTimeoutMs: 5,
  cancelPollMs: 2,
  cancelWaitMs: 200,
  busyDelayMs: 1,
  busyMaxDelayMs: 4,
  storageWaitMs: 200,
  storagePollMs: 5,
};

async function sync(watch: SimMtpWatchOptions, provider: MtpProviderOptions = FAST): Promise<{ report: DeviceSyncReport; library: string; warnings: string[]; sim: SimMtpWatch }> {
  const bus = new SimUsbBus();
  const sim = new SimMtpWatch({ model, deviceXml: false, ...watch });
  bus.plug(sim);
  const warnings: string[] = [];
  const [c] = await new MtpProvider(bus, { onWarning: (w) => warnings.push(w), ...provider }).scan();
  const s = await c.open();
  const library = join(base, `lib-${n++}`);
  const report = await syncDevice(s, { library }).finally(() => s.close());
  return { report, library, warnings, sim };
}

/** Every file of `files` is in the library exactly once, and nothing is left over or partial. */
function landedOnce(library: string, files: { bytes: Uint8Array }[]): void {
  const facts = inspectLibrary(library);
  expect(facts.problems).toEqual([]);
  const shas = [...facts.files.values()];
  for (const f of files) expect(shas.filter((x) => x === sha(f.bytes))).toHaveLength(1);
}

const at = (prefix: string) => fit.map((f) => ({ path: prefix + f.path.slice('GARMIN/'.length), bytes: f.bytes, mtimeMs: f.mtimeMs }));

describe('MTP quirks, synced', () => {
  it('GARMIN one level down (Primary/GARMIN, fenix 6)', async () => {
    const { report, library } = await sync({ files: at('Primary/GARMIN/') });
    expect(report.files.map((f) => f.path).every((p) => p.startsWith('Primary/GARMIN/'))).toBe(true);
    expect(report.totals.copied).toBe(fit.length);
    landedOnce(library, fit);
  });

  it('the old upper-case layout (GARMIN/ACTIVITY/M3C94224.FIT)', async () => {
    const files = fit.map((f, i) => ({ path: `GARMIN/${f.path.split('/')[1].toUpperCase()}/M3C9422${i}.FIT`, bytes: f.bytes }));
    const { report, library } = await sync({ files });
    expect(report.files.map((f) => f.path)).toContain('GARMIN/ACTIVITY/M3C94220.FIT');
    expect(report.totals.copied).toBe(fit.length);
    landedOnce(library, fit);
  });

  it('objects still listed after deletion: GetObjectInfo failing skips them, GetPartialObject failing is a failed file with its reason', async () => {
    const files = at('GARMIN/');
    const [infoGhost, dataGhost] = [files[1], files[2]];
    const { report, library, warnings } = await sync({
      files,
      ghosts: [
        { path: infoGhost.path, fail: 'info' },
        { path: dataGhost.path, fail: 'data' },
      ],
    });
    expect(warnings.some((w) => w.startsWith('skipping object 0x'))).toBe(true);
    expect(report.files.map((f) => f.path)).not.toContain(infoGhost.path);
    const failed = report.files.find((f) => f.path === dataGhost.path)!;
    expect(failed.outcome).toBe('failed');
    expect(failed.reason).toMatch(/no longer on the watch/);
    landedOnce(
      library,
      fit.filter((f) => f.bytes !== infoGhost.bytes && f.bytes !== dataGhost.bytes),
    );
    expect([...inspectLibrary(library).files.values()]).not.toContain(sha(dataGhost.bytes));
  });

  it('a copy of the right size but all zeros: downloaded again; zeros twice are quarantined with the reason', async () => {
    const files = at('GARMIN/');
    const [once, twice] = [files[0], files[3]];
    const { report, library, sim } = await sync({
      files,
      zeroFilled: [
        { path: once.path, times: 1 },
        { path: twice.path, times: 2 },
      ],
    });
    expect(sim.operations.length).toBeGreaterThan(0);
    expect(report.files.find((f) => f.path === once.path)!.outcome).toBe('copied');
    const q = report.files.find((f) => f.path === twice.path)!;
    expect(q.outcome).toBe('quarantined');
    expect(q.reason).toContain(`both downloads failed the FIT check (all ${twice.bytes.length} bytes are zero)`);
    expect(q.libraryPath).toMatch(/^_quarantine\//);
    // No zero-filled copy anywhere but quarantine; every good file once.
    const zeros = sha(new Uint8Array(twice.bytes.length));
    for (const [p, s] of inspectLibrary(library).files) if (s === zeros) expect(p).toMatch(/^_quarantine\//);
    landedOnce(
      library,
      fit.filter((f) => f.bytes !== twice.bytes),
    );
  });

  it('a watch that takes 15 s to answer the first transfer of each file (virtual time): every file lands', async () => {
    const clock = new VirtualClock();
    const provider: MtpProviderOptions = { now: () => clock.now(), sleep: (ms) => sleep(clock, ms) };
    try {
      const { report, library } = await sync({ files: at('GARMIN/'), clock, firstTransferDelayMs: 15_000 }, provider);
      expect(report.totals.copied).toBe(fit.length);
      landedOnce(library, fit);
      // And the delay is real in that clock: a client that allows 10 s gives up on each file.
      const short = await sync({ files: at('GARMIN/'), clock, firstTransferDelayMs: 15_000 }, { ...provider, timeoutMs: 10_000 });
      expect(short.report.files[0].outcome).toBe('failed');
      expect(short.report.files[0].reason).toMatch(/did not answer within 10000 ms/);
    } finally {
      clock.stop();
    }
  });

  it("the watch's clock unset (objects dated 1989): the library takes FIT's time_created", async () => {
    const files = at('GARMIN/').map((f) => ({ ...f, mtimeMs: Date.UTC(1989, 11, 31) }));
    const { report, library, warnings } = await sync({ files });
    expect(warnings.some((w) => /dated before 1990 \(the watch's clock looks unset\)/.test(w))).toBe(true);
    expect(report.totals.copied).toBe(fit.length);
    landedOnce(library, fit);
    for (const f of report.files) expect(statSync(join(library, f.libraryPath!)).mtime.getUTCFullYear()).toBeGreaterThan(2000);
  });
});
