/**
 * Shared setup for ANT-FS tests: a simulated stick and FR310XT-like watch on a virtual clock,
 * a temporary config dir, and an AntProvider over them with fast USB read timeouts. Every log
 * line lands in `lines`, so tests can look at what a session said.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, onTestFailed } from 'vitest';
import { FitkitError } from '../../../src/core/errors.js';
import { simulatedAnt, type SimAntStickOptions, type SimulatedAnt } from '../../../src/core/sim/ant-stick.js';
import type { SimAntWatchOptions } from '../../../src/core/sim/ant-watch.js';
import { watchFiles, WATCH_MODELS, type WatchFile } from '../../../src/core/sim/watch-files.js';
import type { DeviceSession, RemoteFile } from '../../../src/core/sync/device-source.js';
import { AntProvider, type AntFileRef, type AntProviderOptions } from '../../../src/core/sync/sources/antfs-source.js';

export const MODEL = WATCH_MODELS.fr310xt;

/** The watch's files without the 1 MiB activity: the fault tests run on these. */
export function smallFiles(): WatchFile[] {
  return watchFiles(MODEL).filter((f) => f.bytes.length < 200_000);
}

export interface Rig extends SimulatedAnt {
  configDir: string;
  lines: string[];
  provider(o?: AntProviderOptions): AntProvider;
  /** Opens the (only) stick: search, link, authenticate. */
  open(o?: AntProviderOptions): Promise<DeviceSession>;
  dispose(): void;
}

const rigs: Rig[] = [];

/** FITKIT_TEST_SEED=n reruns the fault schedules with another seed; a failing test names its seed. */
const SEED = Number(process.env.FITKIT_TEST_SEED ?? 7);

export function rig(o: { seed?: number; watch?: Partial<SimAntWatchOptions>; stick?: Partial<SimAntStickOptions>; networkKey?: Uint8Array } = {}): Rig {
  const seed = o.seed ?? SEED;
  onTestFailed(() => console.error(`ANT simulation seed: ${seed} (FITKIT_TEST_SEED=${seed} repeats it)`));
  const sim = simulatedAnt({ seed, watch: o.watch, stick: o.stick, networkKey: o.networkKey });
  const configDir = mkdtempSync(join(tmpdir(), 'fitkit-antfs-'));
  const lines: string[] = [];
  const provider = (p: AntProviderOptions = {}) =>
    new AntProvider(sim.bus, {
      networkKey: sim.networkKey,
      configDir,
      clock: sim.clock,
      seed,
      env: {},
      stick: { usbReadTimeoutMs: 20 },
      log: (l) => lines.push(l),
      ...p,
    });
  const r: Rig = {
    ...sim,
    configDir,
    lines,
    provider,
    async open(p) {
      const [c] = await provider(p).scan();
      if (!c) throw new Error('no ANT stick on the simulated bus');
      return c.open();
    },
    dispose() {
      sim.clock.stop();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
  rigs.push(r);
  return r;
}

export function disposeRigs(): void {
  for (const r of rigs.splice(0)) r.dispose();
}

/** Downloads a whole file (or its tail from `offset`) into memory. */
export async function fetchFile(s: DeviceSession, f: RemoteFile, offset = 0): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  await s.download(f, (c) => void parts.push(c.slice()), { offset });
  return new Uint8Array(Buffer.concat(parts));
}

/** What the watch holds for a listed file (matched by FIT type and date, not by index). */
export function original(r: Rig, f: RemoteFile): Uint8Array {
  const e = (f.ref as AntFileRef).entry;
  const w = r.watch.files.find((x) => x.subType === e.subType && x.date === e.date && x.number === e.number);
  if (!w) throw new Error(`${f.path} is not on the simulated watch`);
  return w.bytes;
}

/** Downloads every listed file and checks each against the watch's bytes and its listed size. */
export async function expectAllIdentical(r: Rig, s: DeviceSession, files: RemoteFile[], expected: WatchFile[]): Promise<void> {
  const held = new Set(expected.map((w) => Buffer.from(w.bytes).toString('base64')));
  const seen = new Set<string>();
  for (const f of files) {
    const got = await fetchFile(s, f);
    expect([f.path, got.length]).toEqual([f.path, f.size]);
    expect(Buffer.compare(got, original(r, f))).toBe(0);
    seen.add(Buffer.from(got).toString('base64'));
  }
  // And every file the watch was given came off it.
  for (const w of expected) expect([w.path, seen.has(Buffer.from(w.bytes).toString('base64'))]).toEqual([w.path, true]);
  expect(held.size).toBeGreaterThan(0);
}

export async function rejection(p: Promise<unknown>): Promise<FitkitError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FitkitError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}
