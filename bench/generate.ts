/**
 * Deterministic FIT files for the benchmark. Same bytes on every run and machine (seeded PRNG),
 * so throughput numbers are comparable across commits.
 *
 * Run on its own: node dist-bench/bench/generate.js [outDir]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BaseType as T } from '../src/core/fit/proto/base-types.js';
import { FitBuilder, MesgNum, declareDevFields, type FieldDef, type Value } from '../test/helpers/fit-builder.js';

export interface BenchFile {
  name: string;
  path: string;
  bytes: number;
  /** Data messages in the file (what "messages/s" counts). */
  messages: number;
  /** Large files: only the streaming decoder and single timed runs (see run.ts). */
  large: boolean;
}

/** 2024-06-01T06:00:00Z in FIT seconds (since 1989-12-31T00:00:00Z). */
const START = Date.UTC(2024, 5, 1, 6) / 1000 - 631065600;
const SEMICIRCLES_PER_DEG = 2 ** 31 / 180;
const MB = 1e6;

/** mulberry32: small, fast, and good enough for plausible sensor noise. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A runner moving at ~3 m/s with random-walk sensors; step() advances one second. */
class Track {
  t = START;
  lat = 47.37 * SEMICIRCLES_PER_DEG;
  long = 8.54 * SEMICIRCLES_PER_DEG;
  alt = 420; // m
  dist = 0; // m
  speed = 3; // m/s
  heading = 0;
  hr = 120;
  power = 220;
  temp = 18;
  private readonly rnd: () => number;

  constructor(seed: number) {
    this.rnd = prng(seed);
  }

  step(): void {
    const r = this.rnd;
    this.t++;
    this.speed = clamp(this.speed + (r() - 0.5) * 0.2, 1.5, 5);
    this.heading += (r() - 0.5) * 0.3;
    const m = this.speed / 111_320; // degrees per metre, roughly
    this.lat += Math.cos(this.heading) * m * SEMICIRCLES_PER_DEG;
    this.long += Math.sin(this.heading) * m * SEMICIRCLES_PER_DEG;
    this.alt = clamp(this.alt + (r() - 0.5) * 1.5, 200, 3000);
    this.dist += this.speed;
    this.hr = clamp(this.hr + (r() - 0.5) * 3, 90, 185);
    this.power = clamp(this.power + (r() - 0.5) * 20, 80, 450);
    this.temp = clamp(this.temp + (r() - 0.5) * 0.1, -5, 35);
  }

  get cadence(): number {
    return Math.round(80 + this.speed * 3);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

const f = (num: number, size: number, type: number): FieldDef => ({ num, size, type });

const FILE_ID = [f(0, 1, T.enum), f(1, 2, T.uint16), f(2, 2, T.uint16), f(3, 4, T.uint32z), f(4, 4, T.uint32)];
const DEVICE_INFO = [
  f(253, 4, T.uint32), f(0, 1, T.uint8), f(1, 1, T.uint8), f(2, 2, T.uint16),
  f(3, 4, T.uint32z), f(4, 2, T.uint16), f(5, 2, T.uint16), f(27, 20, T.string),
]; // prettier-ignore
const EVENT = [f(253, 4, T.uint32), f(0, 1, T.enum), f(1, 1, T.enum), f(3, 4, T.uint32), f(4, 1, T.uint8)];
// timestamp, event, event_type, start_time, total_elapsed_time, total_timer_time, total_distance, sport, avg/max heart rate
const LAP = [
  f(253, 4, T.uint32), f(0, 1, T.enum), f(1, 1, T.enum), f(2, 4, T.uint32), f(7, 4, T.uint32),
  f(8, 4, T.uint32), f(9, 4, T.uint32), f(25, 1, T.enum), f(15, 1, T.uint8), f(16, 1, T.uint8),
]; // prettier-ignore
const SESSION = [
  f(253, 4, T.uint32), f(0, 1, T.enum), f(1, 1, T.enum), f(2, 4, T.uint32), f(7, 4, T.uint32),
  f(8, 4, T.uint32), f(9, 4, T.uint32), f(5, 1, T.enum), f(6, 1, T.enum), f(16, 1, T.uint8),
  f(17, 1, T.uint8), f(25, 2, T.uint16), f(26, 2, T.uint16),
]; // prettier-ignore
const ACTIVITY = [f(253, 4, T.uint32), f(0, 4, T.uint32), f(1, 2, T.uint16), f(2, 1, T.enum), f(3, 1, T.enum), f(4, 1, T.enum)];

/** timestamp, position_lat/long, altitude, heart_rate, cadence, distance, speed, power, temperature. */
const RECORD = [
  f(253, 4, T.uint32), f(0, 4, T.sint32), f(1, 4, T.sint32), f(2, 2, T.uint16), f(3, 1, T.uint8),
  f(4, 1, T.uint8), f(5, 4, T.uint32), f(6, 2, T.uint16), f(7, 2, T.uint16), f(13, 1, T.sint8),
]; // prettier-ignore
const recordValues = (k: Track): Value[] => [
  k.t, Math.round(k.lat), Math.round(k.long), Math.round((k.alt + 500) * 5), Math.round(k.hr),
  k.cadence, Math.round(k.dist * 100), Math.round(k.speed * 1000), Math.round(k.power), Math.round(k.temp),
]; // prettier-ignore

/** RECORD plus enhanced_speed/altitude, running dynamics and friends: ~52 bytes a record. */
const RECORD_FULL = [
  ...RECORD,
  f(73, 4, T.uint32), f(78, 4, T.uint32), f(39, 2, T.uint16), f(41, 2, T.uint16), f(53, 1, T.uint8),
  f(29, 4, T.uint32), f(30, 1, T.uint8), f(31, 1, T.uint8), f(32, 2, T.sint16), f(33, 2, T.uint16),
  f(85, 2, T.uint16), f(83, 2, T.uint16),
]; // prettier-ignore

/** Summary messages (laps, session, activity) accumulated while writing records. */
class Summary {
  private lapStart = START;
  private lapDist = 0;
  private laps = 0;
  private hrSum = 0;
  private hrMax = 0;
  private n = 0;

  constructor(private readonly b: FitBuilder) {}

  add(k: Track): void {
    this.hrSum += k.hr;
    this.hrMax = Math.max(this.hrMax, k.hr);
    this.n++;
  }

  lap(k: Track): void {
    const b = this.b;
    const elapsed = (k.t - this.lapStart) * 1000;
    b.define(2, MesgNum.lap, LAP);
    b.data(2, [k.t, 9, 1, this.lapStart, elapsed, elapsed, Math.round((k.dist - this.lapDist) * 100), 1, Math.round(this.hrSum / this.n), Math.round(this.hrMax)]);
    this.lapStart = k.t;
    this.lapDist = k.dist;
    this.laps++;
  }

  finish(k: Track): void {
    const b = this.b;
    const elapsed = (k.t - START) * 1000;
    event(b, k.t, 4); // timer stop_all
    this.lap(k);
    b.define(2, MesgNum.session, SESSION);
    b.data(2, [k.t, 8, 1, START, elapsed, elapsed, Math.round(k.dist * 100), 1, 0, Math.round(this.hrSum / this.n), Math.round(this.hrMax), 0, this.laps]);
    b.define(2, MesgNum.activity, ACTIVITY);
    b.data(2, [k.t, elapsed, 1, 0, 26, 1]);
  }
}

/** file_id, two device_info and a timer start event, all on local 2 (records keep 0 and 1). */
function preamble(b: FitBuilder): void {
  b.define(2, MesgNum.fileId, FILE_ID).data(2, [4, 1, 3113, 3_400_000_001, START]);
  b.define(2, MesgNum.deviceInfo, DEVICE_INFO);
  b.data(2, [START, 0, null, 1, 3_400_000_001, 3113, 1750, 'Forerunner 945']);
  b.data(2, [START, 1, 120, 1, 3_400_000_002, 2697, 520, 'HRM-Pro']);
  event(b, START, 0); // timer start
}

function event(b: FitBuilder, t: number, eventType: number): void {
  b.define(2, MesgNum.event, EVENT).data(2, [t, 0, eventType, 0, 0]);
}

/** 1 Hz activity of `seconds` records with a lap every `lapEvery` seconds. */
export function activity(seconds: number, seed: number, lapEvery = 1800): FitBuilder {
  const b = new FitBuilder();
  const k = new Track(seed);
  const sum = new Summary(b);
  preamble(b);
  b.define(0, MesgNum.record, RECORD);
  for (let i = 1; i <= seconds; i++) {
    k.step();
    b.data(0, recordValues(k));
    sum.add(k);
    if (i % lapEvery === 0 && i < seconds) {
      sum.lap(k);
    }
  }
  sum.finish(k);
  return b;
}

/** Days of 1 Hz records with every field above, until the file reaches `targetBytes`. */
export function multiday(targetBytes: number, seed: number): FitBuilder {
  const b = new FitBuilder();
  const k = new Track(seed);
  const sum = new Summary(b);
  preamble(b);
  b.define(0, MesgNum.record, RECORD_FULL);
  let accPower = 0;
  for (let i = 1; b.dataSize < targetBytes; i++) {
    k.step();
    accPower += Math.round(k.power);
    const v = recordValues(k);
    v.push(
      Math.round(k.speed * 1000), Math.round((k.alt + 500) * 5), Math.round(80 + k.speed * 5),
      Math.round(2500 - k.speed * 100), (i * 37) & 0x7f, accPower, 0x80 | 50, 3,
      Math.round((k.alt % 3) * 100), Math.round(k.t - START) >> 4, Math.round(k.speed * 3300), 800,
    ); // prettier-ignore
    b.data(0, v);
    sum.add(k);
    if (i % 86_400 === 0) sum.lap(k);
  }
  sum.finish(k);
  return b;
}

/** Records carrying three developer fields declared by one developer_data_id. */
export function devfields(seconds: number, seed: number): FitBuilder {
  const b = new FitBuilder();
  const k = new Track(seed);
  const sum = new Summary(b);
  preamble(b);
  const appId = Array.from({ length: 16 }, (_, i) => (i * 17 + 3) & 0xff);
  const dev = declareDevFields(b, 1, 0, appId, [
    { num: 0, type: T.uint16, name: 'Form Power', units: 'Watts', nativeMesgNum: MesgNum.record },
    { num: 1, type: T.float32, name: 'Leg Spring Stiffness', units: 'kN/m' },
    { num: 2, type: T.uint8, name: 'Air Power', units: 'Watts' },
  ]);
  b.define(0, MesgNum.record, RECORD, { devFields: dev });
  for (let i = 1; i <= seconds; i++) {
    k.step();
    b.data(0, recordValues(k), { dev: [Math.round(k.power * 0.3), 9 + k.speed, Math.round(k.speed * 2)] });
    sum.add(k);
  }
  sum.finish(k);
  return b;
}

/**
 * Compressed-timestamp records (1-byte header, no timestamp field) on local 1, with a full
 * record carrying the timestamp every `fullEvery` seconds on local 0, as some devices write.
 */
export function compressed(seconds: number, seed: number, fullEvery = 16): FitBuilder {
  const b = new FitBuilder();
  const k = new Track(seed);
  const sum = new Summary(b);
  preamble(b);
  b.define(0, MesgNum.record, RECORD);
  b.define(1, MesgNum.record, RECORD.slice(1));
  for (let i = 1; i <= seconds; i++) {
    k.step();
    const v = recordValues(k);
    if (i % fullEvery === 0) b.data(0, v);
    else b.data(1, v.slice(1), { compressedTimeOffset: k.t & 0x1f });
    sum.add(k);
  }
  sum.finish(k);
  return b;
}

export const GENERATORS: readonly { name: string; large?: boolean; build: () => FitBuilder }[] = [
  { name: 'run-1h.fit', build: () => activity(3600, 1) },
  { name: 'ultra-24h.fit', build: () => activity(86_400, 2, 3600) },
  { name: 'devfields.fit', build: () => devfields(4 * 3600, 3) },
  { name: 'compressed-ts.fit', build: () => compressed(4 * 3600, 4) },
  { name: 'multiday-100mb.fit', large: true, build: () => multiday(100 * MB, 5) },
];

/**
 * Writes the bench files (those whose name contains one of `only`, if given) into outDir,
 * overwriting: generation is quick, and regenerated files are never stale.
 */
export function generateAll(outDir: string, log: (line: string) => void = () => {}, only?: readonly string[]): BenchFile[] {
  mkdirSync(outDir, { recursive: true });
  const selected = GENERATORS.filter((g) => !only || only.some((o) => g.name.includes(o)));
  return selected.map((g) => {
    const t0 = performance.now();
    const b = g.build();
    const bytes = b.build();
    const path = join(outDir, g.name);
    writeFileSync(path, bytes);
    log(`  ${g.name.padEnd(20)} ${(bytes.length / MB).toFixed(1).padStart(6)} MB  ${String(b.messageCount).padStart(9)} messages  ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { name: g.name, path, bytes: bytes.length, messages: b.messageCount, large: g.large ?? false };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  generateAll(process.argv[2] ?? 'bench/out', console.log);
}
