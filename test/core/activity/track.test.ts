/** Records → track points: field choice, same-timestamp merging, sorting in a bounded window. */
import { describe, expect, it } from 'vitest';
import { bearing, pointFromRecord, TimeOrderer, validPosition, type TrackPoint } from '../../../src/core/activity/track.js';
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

  it('drops records without a timestamp and positions that are (0,0) or off the globe', () => {
    expect(pointFromRecord(rec({ heart_rate: 100 }))).toBeUndefined();
    expect(pointFromRecord(rec({ timestamp: 1, position_lat: 0, position_long: 0 }))!.lat).toBeUndefined();
    expect(validPosition(2 ** 30 + 1, 0)).toBe(false);
    expect(validPosition(1, 1)).toBe(true);
  });

  it('reads GPS quality (COROS satellites, HDOP) and power from developer fields by name', () => {
    const p = pointFromRecord(rec({ timestamp: 1 }, { 'GPS Satellites': 11, HDOP: 0.9, Power: 230 }))!;
    expect(p).toMatchObject({ sat: 11, hdop: 0.9, power: 230 });
  });
});

describe('TimeOrderer', () => {
  it('merges records with one timestamp (Timex sensors, Suunto position-only records): first valid value wins', () => {
    const { out } = order([{ t: 1, lat: 10, lon: 20 }, { t: 1, hr: 100, lat: 99, lon: 99 }, { t: 1, cad: 80, hr: 50 }, { t: 2, hr: 101 }], 0);
    expect(out).toEqual([{ t: 1, lat: 10, lon: 20, hr: 100, cad: 80 }, { t: 2, hr: 101 }]);
  });

  it('sorts records out of order within the window, emitting as soon as the window has passed', () => {
    const emitted: number[] = [];
    const o = new TimeOrderer(5, (p) => emitted.push(p.t));
    for (const t of [1, 2, 3, 7, 4, 5, 6, 8]) o.push({ t });
    expect(emitted).toEqual([1, 2]);
    o.push({ t: 20 });
    expect(emitted).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    o.end();
    expect(emitted.at(-1)).toBe(20);
  });

  it('counts and drops a record older than one already emitted', () => {
    const { out, late } = order([{ t: 1 }, { t: 10 }, { t: 11 }, { t: 2 }], 0);
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
