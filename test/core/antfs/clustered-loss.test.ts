/**
 * 200 seeded sessions over the capture's loss statistics (22 % of transfers failing, in runs of
 * 8; docs/ant-fs.md) between the simulated USB1 stick and realistic FR310XT, in virtual time:
 * every file comes off byte-identical, or — in the sessions where the watch walks away for good
 * — the session ends with a clear reason and nothing partial. A few of them go through the real
 * sync engine into a library, to show that nothing partial lands there either.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { FitkitError } from '../../../src/core/errors.js';
import { ClusteredLoss } from '../../../src/core/sim/ant-loss.js';
import { captureRig, type CaptureRig } from '../../../src/core/sim/fr310xt-capture.js';
import type { DeviceSession } from '../../../src/core/sync/device-source.js';
import { syncDevice } from '../../../src/core/sync/sync-device.js';
import { AntProvider, type AntFileRef } from '../../../src/core/sync/sources/antfs-source.js';

const SESSIONS = 200;
/** Every tenth session the watch leaves range for good partway through the downloads. */
const walksAway = (seed: number) => seed % 10 === 9;
const tmp = mkdtempSync(join(tmpdir(), 'fitkit-clustered-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Outcome {
  seed: number;
  virtualMs: number;
  files: number;
  identical: number;
  /** Why the session ended early, if it did. */
  reason?: string;
}

async function open(r: CaptureRig, seed: number, name = 'cfg'): Promise<DeviceSession> {
  const configDir = join(tmp, `${name}-${seed}`);
  const [c] = await new AntProvider(r.bus, { networkKey: r.networkKey, configDir, clock: r.clock, seed, env: {}, stick: { usbReadTimeoutMs: 20 } }).scan();
  return c.open();
}

function rigFor(seed: number): CaptureRig {
  const r = captureRig({ seed, faults: 'clustered', table: { activities: 3, records: 4 } });
  // A first sync: the watch pairs (the simulated user accepts at once).
  r.watch.user = 'accept';
  if (walksAway(seed)) Object.assign(r.watch.faults, { leaveRangeAfterBytes: 150 + (seed % 7) * 60, outOfRangeMs: Number.POSITIVE_INFINITY });
  return r;
}

async function session(seed: number): Promise<Outcome> {
  const r = rigFor(seed);
  const t0 = r.clock.now();
  const out: Outcome = { seed, virtualMs: 0, files: 0, identical: 0 };
  let s: DeviceSession | undefined;
  try {
    s = await open(r, seed);
    const files = await s.listFiles();
    out.files = files.length;
    for (const f of files) {
      const parts: Uint8Array[] = [];
      try {
        await s.download(f, (c) => void parts.push(c.slice()));
      } catch (e) {
        if (e instanceof FitkitError && e.code === 'device_gone') throw e;
        out.reason = `${f.path}: ${(e as Error).message}`;
        continue;
      }
      const want = r.watch.files.find((x) => x.index === (f.ref as AntFileRef).entry.index)!.bytes;
      if (Buffer.compare(Buffer.concat(parts), want) === 0) out.identical++;
    }
  } catch (e) {
    out.reason = (e as Error).message;
  } finally {
    await s?.close();
    out.virtualMs = r.clock.now() - t0;
    r.clock.stop();
  }
  expect((r.stick as unknown as { usb1: boolean }).usb1).toBe(true);
  return out;
}

it(`${SESSIONS} seeded sessions over clustered loss: every file byte-identical, or a clear reason when the watch is gone`, async () => {
  const outcomes: Outcome[] = [];
  for (let seed = 0; seed < SESSIONS; seed++) outcomes.push(await session(seed));
  const odd = outcomes.filter((o) => (walksAway(o.seed) ? o.identical >= 12 || !o.reason : o.reason || o.identical !== 12));
  if (odd.length) console.error(odd.slice(0, 5));
  for (const o of outcomes) {
    if (!walksAway(o.seed)) {
      // The loss alone never costs a file.
      expect([o.seed, o.reason, o.identical]).toEqual([o.seed, undefined, 12]);
    } else {
      // Walked away: whatever was fetched is whole, and the reason says the watch is gone.
      expect(o.identical).toBeLessThan(12);
      expect([o.seed, o.reason]).toEqual([o.seed, expect.stringMatching(/did not come back in range|lost .* again|times this session/)]);
    }
  }
  const times = outcomes
    .filter((o) => !walksAway(o.seed))
    .map((o) => o.virtualMs)
    .sort((a, b) => a - b);
  const median = times[times.length >> 1];
  console.log(`clustered loss: ${SESSIONS} sessions, median session ${(median / 1000).toFixed(1)} s virtual (min ${(times[0] / 1000).toFixed(1)}, max ${(times.at(-1)! / 1000).toFixed(1)})`);
  // The model is the capture's: about 22 % of transfers failed.
  const probe = new ClusteredLoss({ seed: 1 });
  for (let i = 0; i < 20_000; i++) probe.toWatch();
  expect(probe.stats.failed / probe.stats.transfers).toBeGreaterThan(0.19);
  expect(probe.stats.failed / probe.stats.transfers).toBeLessThan(0.25);
}, 120_000);

it('through the sync engine: a session whose watch walks away lands only whole files and says why', async () => {
  for (const seed of [9, 19]) {
    const r = rigFor(seed);
    const library = join(tmp, `lib-${seed}`, 'FitSync');
    const s = await open(r, seed, 'engine');
    const report = await syncDevice(s, { library }).finally(() => s.close());
    r.clock.stop();
    expect(report.interrupted).toMatch(/^device gone: /);
    // The watch leaving is not a file's fault: nothing is counted as failed.
    expect(report.totals.failed).toBe(0);
    // Nothing partial anywhere in the library, staging included.
    const all = readdirSync(library, { recursive: true }).map(String);
    expect(all.filter((p) => /\.part$|staging\/.+/.test(p))).toEqual([]);
    expect(report.totals.copied).toBe(all.filter((p) => p.endsWith('.fit') && !p.startsWith('.')).length);
  }
});
