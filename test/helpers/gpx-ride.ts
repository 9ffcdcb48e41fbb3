/**
 * A small bike ride and an Edge Locations.fit built in code, for fit2gpx tests and the
 * fixtures/gpx device tree: a known timeline, so which waypoints belong to the ride is exact.
 *
 * Ride (UTC+2, activity.local_timestamp - timestamp = 7200 s):
 *   T0        timer start, records every second
 *   T0+60     timer stop (auto pause) ... T0+120 timer start
 *   T0+180    timer stop_all; session T0 .. T0+180
 * Records exist only while the timer runs. Locations: some saved inside the segments, some
 * during the pause, before or after the ride, and fenix-style ones without a timestamp that
 * carry their local time in the name.
 */
import { BaseType } from '../../src/core/fit/proto/base-types.js';
import { FIT_EPOCH_S } from '../../src/core/fit/kit/time.js';
import { FitBuilder, MesgNum } from './fit-builder.js';

/** 2024-04-09T07:00:00Z as FIT seconds. */
export const T0 = Date.UTC(2024, 3, 9, 7, 0, 0) / 1000 - FIT_EPOCH_S;
export const TZ = 7200;
const SEMI = 2 ** 31 / 180;
export const semi = (deg: number) => Math.round(deg * SEMI);

const E_TIMER = 0;
const [START, STOP, STOP_ALL] = [0, 1, 4];

export interface RideOptions {
  /** Write records 10..19 after the rest (out of time order). */
  shuffle?: boolean;
  /** Split each record into a position-only and a sensor record with the same timestamp. */
  splitRecords?: boolean;
}

export function buildRide(opts: RideOptions = {}): Uint8Array {
  const b = new FitBuilder();
  b.define(0, MesgNum.fileId, [
    { num: 0, size: 1, type: BaseType.enum },
    { num: 1, size: 2, type: BaseType.uint16 },
    { num: 2, size: 2, type: BaseType.uint16 },
    { num: 3, size: 4, type: BaseType.uint32z },
    { num: 4, size: 4, type: BaseType.uint32 },
  ]);
  b.data(0, [4, 1, 3122, 1234567, T0]); // activity, garmin, edge830
  b.define(1, MesgNum.event, [
    { num: 253, size: 4, type: BaseType.uint32 },
    { num: 0, size: 1, type: BaseType.enum },
    { num: 1, size: 1, type: BaseType.enum },
  ]);
  b.define(2, MesgNum.record, [
    { num: 253, size: 4, type: BaseType.uint32 },
    { num: 0, size: 4, type: BaseType.sint32 },
    { num: 1, size: 4, type: BaseType.sint32 },
    { num: 78, size: 4, type: BaseType.uint32 }, // enhanced_altitude
    { num: 3, size: 1, type: BaseType.uint8 }, // heart_rate
    { num: 4, size: 1, type: BaseType.uint8 }, // cadence
    { num: 7, size: 2, type: BaseType.uint16 }, // power
  ]);
  const records: (number | null)[][] = [];
  for (let t = T0; t <= T0 + 180; t++) {
    if (t > T0 + 60 && t < T0 + 120) continue; // paused
    const i = t - T0;
    records.push([t, semi(52.0 + i * 1e-4), semi(5.0 + i * 1e-4), (100 + i * 0.2 + 500) * 5, 120 + (i % 30), 85, 200 + i]);
  }
  const write = (r: (number | null)[]) => {
    if (!opts.splitRecords) return b.data(2, r);
    b.data(2, [r[0], r[1], r[2], null, null, null, null]);
    b.data(2, [r[0], null, null, r[3], r[4], r[5], r[6]]);
  };
  const late = opts.shuffle ? records.splice(10, 10) : [];
  b.data(1, [T0, E_TIMER, START]);
  for (const r of records) {
    if (r[0] === T0 + 120) b.data(1, [T0 + 120, E_TIMER, START]);
    write(r);
    if (r[0] === T0 + 60) b.data(1, [T0 + 60, E_TIMER, STOP]);
  }
  for (const r of late) write(r);
  b.data(1, [T0 + 180, E_TIMER, STOP_ALL]);
  b.define(3, MesgNum.session, [
    { num: 253, size: 4, type: BaseType.uint32 },
    { num: 2, size: 4, type: BaseType.uint32 },
    { num: 7, size: 4, type: BaseType.uint32 },
    { num: 5, size: 1, type: BaseType.enum },
  ]);
  b.data(3, [T0 + 180, T0, 180_000, 2]); // cycling
  b.define(4, MesgNum.activity, [
    { num: 253, size: 4, type: BaseType.uint32 },
    { num: 5, size: 4, type: BaseType.uint32 },
    { num: 1, size: 2, type: BaseType.uint16 },
  ]);
  b.data(4, [T0 + 180, T0 + 180 + TZ, 1]);
  return b.build();
}

export interface TestLocation {
  name: string;
  time?: number;
  lat: number;
  lon: number;
  /** Whether it belongs to the ride. */
  during: boolean;
}

/** Local time name as a fenix writes it: "Apr 09 09:01". */
const fenixName = (t: number) => {
  const d = new Date((t + FIT_EPOCH_S + TZ) * 1000);
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${mon} ${String(d.getUTCDate()).padStart(2, '0')} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
};

export const LOCATIONS: TestLocation[] = [
  { name: 'Before the ride', time: T0 - 3600, lat: 52.1, lon: 5.1, during: false },
  { name: 'Bridge', time: T0 + 30, lat: 52.003, lon: 5.003, during: true },
  { name: 'Coffee stop', time: T0 + 90, lat: 52.006, lon: 5.006, during: false }, // timer paused
  { name: 'Summit', time: T0 + 150, lat: 52.015, lon: 5.015, during: true },
  { name: 'Home', time: T0 + 7200, lat: 52.2, lon: 5.2, during: false },
  { name: fenixName(T0 + 40), lat: 52.004, lon: 5.004, during: true }, // no timestamp, fenix style
  { name: fenixName(T0 + 3 * 86400), lat: 52.3, lon: 5.3, during: false },
  { name: 'Old favourite', lat: 52.4, lon: 5.4, during: false }, // no time at all
];

export function buildLocations(locs: TestLocation[] = LOCATIONS): Uint8Array {
  const b = new FitBuilder();
  b.define(0, MesgNum.fileId, [
    { num: 0, size: 1, type: BaseType.enum },
    { num: 1, size: 2, type: BaseType.uint16 },
    { num: 2, size: 2, type: BaseType.uint16 },
  ]);
  b.data(0, [8, 1, 3122]);
  const fields = [
    { num: 0, size: 24, type: BaseType.string },
    { num: 1, size: 4, type: BaseType.sint32 },
    { num: 2, size: 4, type: BaseType.sint32 },
    { num: 3, size: 2, type: BaseType.uint16 },
    { num: 4, size: 2, type: BaseType.uint16 },
  ];
  b.define(1, 29, [...fields, { num: 253, size: 4, type: BaseType.uint32 }]);
  b.define(2, 29, fields);
  for (const l of locs) {
    const v = [l.name, semi(l.lat), semi(l.lon), 94, (20 + 500) * 5];
    if (l.time === undefined) b.data(2, v);
    else b.data(1, [...v, l.time]);
  }
  return b.build();
}
