/** Records → track points: field choice, same-timestamp merging, sorting in a bounded window. */
import { describe, expect, it } from 'vitest';
import { bearing, pointFromRecord, TimeOrderer, validPosition, type TrackPoint } from '../../../src/core/activity/gpx/track.js';
import type { MessageObject } from '../../../src/core/fit/decode/values.js';

const rec = (fields: Record<string, unknown>, developer?: Record<string, unknown>): MessageObject =>
  ({ name: 'record', num: 20, offset: 0, fields, ...(developer ? { developer } : {}) }) as MessageObject;

function order(points: TrackPoint[], window: number): { out: TrackPoint[]; late: number } {
  const out: TrackPoint[] = [];
  const o = new TimeOrderer(window, (p) => out.push(p));
  for (const p of points) o.push(p);
  o.end();
  return { out, late: o.late };
}

describe('pointFromRecord', () => {
  it('prefers enhanced_altitude and enhanced_speed, falls back to the 16-bit fields', () => {
    expect(pointFromRecord(rec({ timestamp: 5, altitude: 10, enhanced_altitude: 11.2, speed: 1, enhanced_speed: 2 }))).toMatchObject({ ele: 11.2, speed: 2 });
    expect(pointFromRecord(rec({ timestamp: 5, altitude: 10, speed: 1 }))).toMatchObject({ ele: 10, speed: 1 });
  });

  it('drops records with neither timestamp nor position, and positions that are (0,0) or off the globe', () => {
    expect(pointFromRecord(rec({ heart_rate: 100 }))).toBeUndefined();
    expect(pointFromRecord(rec({ position_lat: 1, position_long: 2 }))).toMatchObject({ timed: false, lat: 1, lon: 2 });
    expect(pointFromRecord(rec({ timestamp: 1, position_lat: 0, position_long: 0 }))!.lat).toBeUndefined();
    expect(validPosition(2 ** 30 + 1, 0)).toBe(false);
    expect(validPosition(1, 1)).toBe(true);
  });

  it('reads GPS quality (COROS satellites, HDOP) and power from developer fields by name', () => {
    const p = pointFromRecord(rec({ timestamp: 1 }, { 'GPS Satellites': 11, HDOP: 0.9, Power: 230 }))!;
    expect(p).toMatchObject({ sat: 11, hdop: 0.9, power: 230 });
  });

  it('takes what a damaged or mistyped field holds only when it can be written: first of an array, no NaN, huge number or bigint', () => {
    const p = pointFromRecord(rec({ timestamp: [7, 8], position_lat: [1], position_long: 2, altitude: NaN, enhanced_altitude: 1e300, heart_rate: 10n, cadence: '80', power: Infinity }))!;
    expect(p).toMatchObject({ t: 7, timed: true, lat: 1, lon: 2, ele: undefined, hr: undefined, cad: undefined, power: undefined });
    for (const timestamp of [-1, 2 ** 32, NaN, 1e300, null, 'x']) expect(pointFromRecord(rec({ timestamp, position_lat: 1, position_long: 2 }))!.timed).toBe(false);
  });
});

/** A timed point at `t`, or an untimed one (t undefined). */
const pt = (t: number | undefined, more: Partial<TrackPoint> = {}): TrackPoint => ({ t: t ?? NaN, timed: t !== undefined, ...more });

describe('TimeOrderer', () => {
  it('merges a record without a position into one of its time (Timex sensors, Suunto position-only records): first valid value wins', () => {
    const { out } = order([pt(1, { lat: 10, lon: 20 }), pt(1, { hr: 100 }), pt(1, { cad: 80, hr: 50 }), pt(2, { hr: 101 }), pt(2, { lat: 1, lon: 2, hr: 3 })], 0);
    expect(out).toEqual([pt(1, { lat: 10, lon: 20, hr: 100, cad: 80 }), pt(2, { hr: 101, lat: 1, lon: 2 })]);
  });

  it('keeps two positioned records of one time as two points, in file order, as gpsbabel does', () => {
    const { out } = order([pt(1, { lat: 10, lon: 20 }), pt(1, { lat: 11, lon: 21 }), pt(1, { hr: 90 }), pt(3), pt(1, { lat: 12, lon: 22 })], 5);
    expect(out.map((p) => [p.t, p.lat, p.hr])).toEqual([
      [1, 10, 90],
      [1, 11, undefined],
      [1, 12, undefined],
      [3, undefined, undefined],
    ]);
  });

  it('places an untimed record right after the record before it in the file, sorted along with it', () => {
    const { out } = order([pt(5, { lat: 5, lon: 5 }), pt(undefined, { lat: 6, lon: 6 }), pt(undefined, { lat: 7, lon: 7 }), pt(2, { lat: 2, lon: 2 }), pt(8, { lat: 8, lon: 8 })], 3);
    expect(out.map((p) => [p.lat, p.timed])).toEqual([
      [2, true],
      [5, true],
      [6, false],
      [7, false],
      [8, true],
    ]);
    // Untimed records before any timed one come first, in file order.
    expect(order([pt(undefined, { lat: 1, lon: 1 }), pt(undefined, { lat: 2, lon: 2 }), pt(0, { lat: 3, lon: 3 })], 0).out.map((p) => p.lat)).toEqual([1, 2, 3]);
  });

  it('does not hold a long run of untimed records in memory in an ordered file', () => {
    const emitted: TrackPoint[] = [];
    const o = new TimeOrderer(0, (p) => emitted.push(p));
    o.push(pt(1, { lat: 1, lon: 1 }));
    for (let i = 0; i < 1000; i++) o.push(pt(undefined, { lat: 2, lon: 2 }));
    expect(emitted).toHaveLength(1001);
  });

  it('sorts records out of order within the window, emitting as soon as the window has passed', () => {
    const emitted: number[] = [];
    const o = new TimeOrderer(5, (p) => emitted.push(p.t));
    for (const t of [1, 2, 3, 7, 4, 5, 6, 8]) o.push(pt(t));
    expect(emitted).toEqual([1, 2]);
    o.push(pt(20));
    expect(emitted).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    o.end();
    expect(emitted.at(-1)).toBe(20);
  });

  it('counts and drops a record older than one already emitted', () => {
    const { out, late } = order([pt(1), pt(10), pt(11), pt(2)], 0);
    expect(out.map((p) => p.t)).toEqual([1, 10, 11]);
    expect(late).toBe(1);
  });
});

describe('bearing', () => {
  it('is degrees clockwise from north', () => {
    const s = 2 ** 31 / 180;
    expect(bearing(0, 0, 1 * s, 0)).toBeCloseTo(0, 6);
    expect(bearing(0, 0, 0, 1 * s)).toBeCloseTo(90, 6);
    expect(bearing(0, 0, -1 * s, 0)).toBeCloseTo(180, 6);
  });
});
