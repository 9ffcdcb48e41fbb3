/**
 * What a span of an activity's records says about it, as the lap and session fields that share
 * a name: distance, speeds, heart rate, cadence, power, climb, altitude range, positions.
 * Only what the records hold: a field none of them carries is left out, never guessed.
 * Averages are weighted by the time the timer ran while each value held (as a device averages
 * its 1 s samples), so smart recording and pauses do not skew them. Checked against what devices
 * wrote for 80 corpus activities (test/corpus/repair.test.ts).
 */
import type { FieldValues } from '../fit/encode/encoder.js';
import type { FitMessage } from '../fit/decode/message.js';
import { num } from './checklist.js';
import type { ActivityTimer } from './timer.js';

/** One record, the values a summary uses; positions in semicircles. */
export interface RecordSample {
  /** FIT seconds. */
  t: number;
  distance?: number;
  speed?: number;
  hr?: number;
  cadence?: number;
  power?: number;
  altitude?: number;
  lat?: number;
  lon?: number;
}

/**
 * Altitude changes smaller than this (metres) count toward no climb: the dead band keeps GPS
 * and barometer noise out of total_ascent/total_descent. Devices filter their own way; 1 m came
 * closest to what they wrote on the corpus (median 10 % off, against 28 % with no band).
 */
const CLIMB_DEAD_BAND = 1;
const EARTH_RADIUS = 6371008.8;
const SEMICIRCLE_RAD = Math.PI / 2 ** 31;

function opt(x: number | null): number | undefined {
  return x === null || !Number.isFinite(x) ? undefined : x;
}

/** The records of a decoded file, in file order; records without a timestamp are left out. */
export function recordSamples(messages: readonly FitMessage[]): RecordSample[] {
  const out: RecordSample[] = [];
  for (const m of messages) {
    if (m.name !== 'record') continue;
    const t = num(m, 'timestamp');
    if (t === null) continue;
    const s: RecordSample = { t };
    const set = <K extends keyof RecordSample>(k: K, v: number | undefined) => {
      if (v !== undefined) s[k] = v;
    };
    set('distance', opt(num(m, 'distance')));
    set('speed', opt(num(m, 'enhanced_speed') ?? num(m, 'speed')));
    set('hr', opt(num(m, 'heart_rate')));
    set('cadence', opt(num(m, 'cadence')));
    set('power', opt(num(m, 'power')));
    set('altitude', opt(num(m, 'enhanced_altitude') ?? num(m, 'altitude')));
    const lat = opt(num(m, 'position_lat'));
    const lon = opt(num(m, 'position_long'));
    if (lat !== undefined && lon !== undefined) {
      s.lat = lat;
      s.lon = lon;
    }
    out.push(s);
  }
  return out;
}

function haversine(a: RecordSample, b: RecordSample): number {
  const dLat = (b.lat! - a.lat!) * SEMICIRCLE_RAD;
  const dLon = (b.lon! - a.lon!) * SEMICIRCLE_RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat! * SEMICIRCLE_RAD) * Math.cos(b.lat! * SEMICIRCLE_RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** speed and altitude fields are 16-bit; values beyond them go in the enhanced fields only. */
const speed16 = (x: number | undefined) => (x === undefined || x > 65.534 ? undefined : x);
const altitude16 = (x: number | undefined) => (x === undefined || x < -500 || x > 12606 ? undefined : x);
const round = (x: number | undefined) => (x === undefined ? undefined : Math.round(x));
/**
 * A value its summary field cannot hold is left out: sums of noisy records outgrow 16-bit
 * total_ascent, a record field stored wider than the profile's outgrows its 8-bit average.
 */
const upTo = (limit: number, x: number | undefined) => (x === undefined || x > limit ? undefined : x);

export interface SpanStats {
  /** Records inside the span. */
  records: number;
  fields: FieldValues;
}

/**
 * Statistics of the records in [a, b] (FIT seconds). `fromStart`: the span starts the activity,
 * so its distance is the odometer's reading at b (records count distance from the start).
 */
export function spanStats(all: readonly RecordSample[], a: number, b: number, timer: ActivityTimer, fromStart: boolean): SpanStats {
  let first = all.findIndex((s) => s.t >= a);
  if (first < 0) first = all.length;
  let last = first;
  while (last < all.length && all[last].t <= b) last++;
  const s = all.slice(first, last);

  // Each value holds from its record to the next one (the last one: to b), while the timer ran.
  const weights = s.map((x, i) => timer.within(x.t, i + 1 < s.length ? s[i + 1].t : b));
  const avg = (f: (x: RecordSample) => number | undefined): number | undefined => {
    let sum = 0;
    let w = 0;
    let plain = 0;
    let n = 0;
    s.forEach((x, i) => {
      const v = f(x);
      if (v === undefined) return;
      const k = weights[i];
      sum += v * k;
      w += k;
      plain += v;
      n++;
    });
    return n === 0 ? undefined : w > 0 ? sum / w : plain / n;
  };
  const max = (f: (x: RecordSample) => number | undefined): number | undefined => {
    let m: number | undefined;
    for (const x of s) {
      const v = f(x);
      if (v !== undefined && (m === undefined || v > m)) m = v;
    }
    return m;
  };
  const min = (f: (x: RecordSample) => number | undefined) => {
    const m = max((x) => {
      const v = f(x);
      return v === undefined ? undefined : -v;
    });
    return m === undefined ? undefined : -m;
  };

  const distance = spanDistance(all, s, a, fromStart);
  const timerTime = timer.within(a, b);
  const avgSpeed = distance !== undefined && timerTime > 0 ? distance / timerTime : undefined;
  const maxSpeed = max((x) => x.speed);
  const maxAlt = max((x) => x.altitude);
  const minAlt = min((x) => x.altitude);
  const climb = climbOf(s);
  const placed = s.filter((x) => x.lat !== undefined);
  const f: FieldValues = {
    total_distance: upTo(42_949_672, distance),
    avg_speed: speed16(avgSpeed),
    max_speed: speed16(maxSpeed),
    enhanced_avg_speed: upTo(4_294_967, avgSpeed),
    enhanced_max_speed: maxSpeed,
    avg_heart_rate: upTo(254, round(avg((x) => x.hr))),
    max_heart_rate: upTo(254, max((x) => x.hr)),
    // Zero cadence (coasting) stays out of the average, as devices count it by default.
    avg_cadence: upTo(254, round(avg((x) => (x.cadence ? x.cadence : undefined)))),
    max_cadence: upTo(254, max((x) => x.cadence)),
    avg_power: upTo(65_534, round(avg((x) => x.power))),
    max_power: upTo(65_534, max((x) => x.power)),
    total_ascent: upTo(65_534, round(climb?.ascent)),
    total_descent: upTo(65_534, round(climb?.descent)),
    max_altitude: altitude16(maxAlt),
    min_altitude: altitude16(minAlt),
    enhanced_max_altitude: maxAlt,
    enhanced_min_altitude: minAlt,
  };
  if (placed.length > 0) {
    const p0 = placed[0];
    const p1 = placed[placed.length - 1];
    Object.assign(f, {
      start_position_lat: p0.lat, start_position_long: p0.lon, end_position_lat: p1.lat, end_position_long: p1.lon,
      nec_lat: max((x) => x.lat), nec_long: max((x) => x.lon), swc_lat: min((x) => x.lat), swc_long: min((x) => x.lon),
    });
  }
  for (const k of Object.keys(f)) if (f[k] === undefined) delete f[k];
  return { records: s.length, fields: f };
}

/**
 * Metres covered in the span: the distance field's reading at the end minus its reading at the
 * start (0 at the activity's start); without a distance field, the path between positions.
 */
function spanDistance(all: readonly RecordSample[], s: readonly RecordSample[], a: number, fromStart: boolean): number | undefined {
  const lastIn = [...s].reverse().find((x) => x.distance !== undefined);
  if (lastIn) {
    let base = 0;
    if (!fromStart) {
      for (const x of all) {
        if (x.t > a) break;
        if (x.distance !== undefined) base = x.distance;
      }
    }
    return Math.max(0, lastIn.distance! - base);
  }
  const placed = s.filter((x) => x.lat !== undefined);
  if (placed.length === 0) return undefined;
  let d = 0;
  for (let i = 1; i < placed.length; i++) d += haversine(placed[i - 1], placed[i]);
  return d;
}

/** Climb and descent with a dead band: a change counts once it exceeds the band. */
function climbOf(s: readonly RecordSample[]): { ascent: number; descent: number } | undefined {
  let ref: number | undefined;
  let ascent = 0;
  let descent = 0;
  for (const x of s) {
    if (x.altitude === undefined) continue;
    if (ref === undefined) ref = x.altitude;
    else if (x.altitude - ref >= CLIMB_DEAD_BAND) {
      ascent += x.altitude - ref;
      ref = x.altitude;
    } else if (ref - x.altitude >= CLIMB_DEAD_BAND) {
      descent += ref - x.altitude;
      ref = x.altitude;
    }
  }
  return ref === undefined ? undefined : { ascent, descent };
}
