/**
 * A TCX workout as a FIT activity file: file_id, file_creator, device_info (creator),
 * user_profile, zones_target and hr_zone, timer start, one record per trackpoint, timer stop,
 * distance laps, session and activity. Written the way Garmin's "activity file" checklist asks
 * (FIT SDK, "Encoding Activity Files"): summary messages last, every lap and the session with
 * message_index, activity with local_timestamp and total_timer_time.
 */
import { FitkitError } from '../errors.js';
import { encodeFit, type FitEncoder, type FieldValues } from '../fit/encode/encoder.js';
import { fitTimeFromDate } from '../fit/kit/time.js';
import type { Profile } from '../fit/profile/profile.js';
import type { TcxTrackpoint, TcxWorkout } from '../formats/tcx.js';
import { keytelCalorieRate, powerCalorieRate, type CalorieRate, type Physique } from './calories.js';
import { zoneOf, zonesFromMaxHr, type HrZones } from './hr-zones.js';
import { integrate, roundParts, samplesIn, splitLaps, type LapSpan, type Sample } from './laps.js';

export interface UserProfile extends Physique {
  heightM?: number;
  restingHr?: number;
  maxHr?: number;
}

export interface TcxToFitOptions {
  /** FIT sport and sub_sport names (default rowing / indoor_rowing). */
  sport?: string;
  subSport?: string;
  /** Lap length in metres (default 500). */
  split?: number;
  manufacturer?: string | number;
  product?: number;
  /** IANA time zone for activity.local_timestamp (default: the system's). */
  timeZone?: string;
  user?: UserProfile;
  hrZones?: HrZones;
}

export interface TcxToFitSummary {
  records: number;
  laps: number;
  distance: number;
  elapsed: number;
  strokes?: number;
  calories?: number;
  caloriesFrom: 'tcx' | 'power' | 'heart_rate' | 'none';
}

const SEMICIRCLES = 2 ** 31 / 180;
const SOFTWARE_VERSION = 10; // fitkit 0.1, as FIT's version × 100

/** Seconds to add to UTC for local time in `tz` at `d`. */
export function timeZoneOffset(d: Date, tz: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    }).formatToParts(d);
  } catch (e) {
    throw new FitkitError('bad_time_zone', `unknown time zone "${tz}"`, { cause: e, exitCode: 2 });
  }
  const p = (t: string) => Number(parts.find((x) => x.type === t)?.value);
  const local = Date.UTC(p('year'), p('month') - 1, p('day'), p('hour'), p('minute'), p('second'));
  return Math.round((local - Math.floor(d.getTime() / 1000) * 1000) / 1000);
}

function haversine(a: TcxTrackpoint, b: TcxTrackpoint): number {
  const r = Math.PI / 180;
  const dLat = (b.lat! - a.lat!) * r;
  const dLon = (b.lon! - a.lon!) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat! * r) * Math.cos(b.lat! * r) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

const hasPosition = (p: TcxTrackpoint) => p.lat !== undefined && p.lon !== undefined && !(p.lat === 0 && p.lon === 0);

/**
 * Cumulative distance for every trackpoint: DistanceMeters where given (a counter that restarts
 * per lap is continued), else speed × time, else the distance between positions.
 */
function samples(points: readonly TcxTrackpoint[]): Sample[] {
  const t0 = points[0].time.getTime();
  const out: Sample[] = [];
  let base = 0;
  let prev: TcxTrackpoint | undefined;
  let d = 0;
  for (const p of points) {
    const t = (p.time.getTime() - t0) / 1000;
    if (p.distance !== undefined) {
      if (base + p.distance < d - 1) base = d - p.distance;
      d = Math.max(d, base + p.distance);
    } else if (prev) {
      const dt = t - out[out.length - 1].t;
      if (p.speed !== undefined) d += p.speed * dt;
      else if (hasPosition(p) && hasPosition(prev)) d += haversine(prev, p);
      base = d - (prev.distance ?? 0);
    }
    const s: Sample = { t, d };
    if (p.heartRate) s.hr = p.heartRate;
    if (p.cadence !== undefined) s.cadence = p.cadence;
    if (p.speed !== undefined) s.speed = p.speed;
    if (p.watts !== undefined) s.watts = p.watts;
    out.push(s);
    prev = p;
  }
  return out;
}

interface Totals {
  strokes: number[];
  calories: number[];
}

/** Per-lap real-valued strokes and calories, rounded so they add up to the session's. */
function lapTotals(w: TcxWorkout, s: Sample[], laps: LapSpan[], rate: CalorieRate | undefined, tcxCalories: number): Totals {
  // Per sample interval: strokes from the stroke rate, scaled to each TCX lap's Steps when given.
  const strokeAt = new Array<number>(s.length).fill(0);
  const kcalAt = new Array<number>(s.length).fill(0);
  let i0 = 0;
  for (const lap of w.laps) {
    const i1 = i0 + lap.trackpoints.length;
    let raw = 0;
    let time = 0;
    for (let i = i0; i < i1 && i < s.length - 1; i++) {
      const dt = s[i + 1].t - s[i].t;
      strokeAt[i] = ((s[i].cadence ?? 0) / 60) * dt;
      raw += strokeAt[i];
      time += dt;
    }
    if (lap.steps !== undefined && lap.steps > 0) {
      for (let i = i0; i < i1 && i < s.length - 1; i++) {
        const dt = s[i + 1].t - s[i].t;
        strokeAt[i] = raw > 0 ? (strokeAt[i] * lap.steps) / raw : time > 0 ? (dt * lap.steps) / time : 0;
      }
      // A lap of one instant: its strokes go to its first interval.
      if (time === 0 && i0 < s.length - 1) strokeAt[i0] += lap.steps;
    }
    if (tcxCalories > 0 && lap.calories) {
      for (let i = i0; i < i1 && i < s.length - 1; i++) kcalAt[i] = time > 0 ? ((s[i + 1].t - s[i].t) * lap.calories) / time : 0;
      if (time === 0 && i0 < s.length - 1) kcalAt[i0] += lap.calories;
    }
    i0 = i1;
  }
  if (tcxCalories === 0 && rate) for (let i = 0; i < s.length - 1; i++) kcalAt[i] = (rate(s[i]) ?? 0) * (s[i + 1].t - s[i].t);
  const share = (at: number[]) =>
    laps.map((l) => {
      let sum = 0;
      for (let i = 0; i < s.length - 1; i++) {
        const dt = s[i + 1].t - s[i].t;
        const overlap = Math.min(l.end, s[i + 1].t) - Math.max(l.start, s[i].t);
        if (dt > 0 && overlap > 0) sum += (at[i] * overlap) / dt;
      }
      return sum;
    });
  return { strokes: roundParts(share(strokeAt)), calories: roundParts(share(kcalAt)) };
}

function mean(s: Sample[], a: number, b: number, f: (x: Sample) => number | undefined): number | undefined {
  const r = integrate(s, a, b, f);
  if (r.time > 0) return r.sum / r.time;
  // An instant: the plain mean of the values in force.
  const v = samplesIn(s, a, b).map(f).filter((x): x is number => x !== undefined);
  return v.length ? v.reduce((x, y) => x + y, 0) / v.length : undefined;
}

function max(s: Sample[], a: number, b: number, f: (x: Sample) => number | undefined): number | undefined {
  const v = samplesIn(s, a, b).map(f).filter((x): x is number => x !== undefined);
  return v.length ? Math.max(...v) : undefined;
}

/** The summary fields a lap and the session share. */
function summary(s: Sample[], span: LapSpan, strokes: number | undefined, calories: number | undefined, zones: HrZones | undefined): FieldValues {
  const { start: a, end: b } = span;
  const elapsed = b - a;
  const distance = span.endDistance - span.startDistance;
  const speedOf = (x: Sample) => x.speed;
  const hasSpeed = s.some((x) => x.speed !== undefined);
  const hr = (x: Sample) => x.hr;
  const maxSpeed = hasSpeed ? max(s, a, b, speedOf) : undefined;
  const avgSpeed = elapsed > 0 ? distance / elapsed : undefined;
  const v: FieldValues = {
    total_elapsed_time: elapsed,
    total_timer_time: elapsed,
    total_distance: distance,
    total_cycles: strokes,
    total_calories: calories,
    avg_speed: speed16(avgSpeed),
    enhanced_avg_speed: avgSpeed,
    max_speed: speed16(maxSpeed ?? avgSpeed),
    enhanced_max_speed: maxSpeed ?? avgSpeed,
    avg_heart_rate: round(mean(s, a, b, hr)),
    max_heart_rate: max(s, a, b, hr),
    avg_cadence: round(mean(s, a, b, (x) => x.cadence)),
    max_cadence: round(max(s, a, b, (x) => x.cadence)),
    avg_power: round(mean(s, a, b, (x) => x.watts)),
    max_power: round(max(s, a, b, (x) => x.watts)),
  };
  if (zones && s.some((x) => x.hr)) {
    v.time_in_hr_zone = zones.map((_, z) => integrate(s, a, b, (x) => (x.hr && zoneOf(zones, x.hr) === z ? 1 : undefined)).sum);
  }
  return v;
}

/** speed fields hold up to 65.535 m/s; faster (a GPS jump) only goes in the enhanced ones. */
const speed16 = (x: number | undefined) => (x === undefined || x > 65.5 ? undefined : x);
const round = (x: number | undefined) => (x === undefined ? undefined : Math.round(x));

/** Builds the FIT file for a workout; the summary says what went in. */
export function tcxToFit(profile: Profile, w: TcxWorkout, o: TcxToFitOptions = {}): { fit: Uint8Array; summary: TcxToFitSummary } {
  const points = w.laps.flatMap((l) => l.trackpoints);
  if (points.length === 0) throw new FitkitError('bad_tcx', 'no trackpoints: an empty workout');
  const split = o.split ?? 500;
  const s = samples(points);
  const laps = splitLaps(s, split);
  const start = points[0].time;
  const t0 = fitTimeFromDate(start);
  const at = (sec: number) => new Date(start.getTime() + Math.round(sec * 1000));
  const end = at(s[s.length - 1].t);
  const user = o.user ?? {};
  const zones = o.hrZones ?? (user.maxHr ? zonesFromMaxHr(user.maxHr) : undefined);

  const tcxCalories = w.laps.reduce((n, l) => n + (l.calories ?? 0), 0);
  const hasWatts = s.some((x) => x.watts !== undefined && x.watts > 0);
  const keytel = keytelCalorieRate(user);
  const caloriesFrom: TcxToFitSummary['caloriesFrom'] =
    tcxCalories > 0 ? 'tcx' : hasWatts ? 'power' : keytel && s.some((x) => x.hr) ? 'heart_rate' : 'none';
  const rate = caloriesFrom === 'power' ? powerCalorieRate() : caloriesFrom === 'heart_rate' ? keytel : undefined;
  const totals = lapTotals(w, s, laps, rate, tcxCalories);
  const hasStrokes = w.laps.some((l) => l.steps !== undefined) || s.some((x) => x.cadence !== undefined);
  const sumOf = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const strokes = hasStrokes ? sumOf(totals.strokes) : undefined;
  const calories = caloriesFrom === 'none' ? undefined : sumOf(totals.calories);

  const sport = o.sport ?? 'rowing';
  const subSport = o.subSport ?? (o.sport === undefined ? 'indoor_rowing' : 'generic');
  const manufacturer = o.manufacturer ?? 'development';
  const product = o.product ?? 0;
  // The start time as serial: two workouts never share (manufacturer, product, serial, time).
  const serial = t0;

  const fit = encodeFit(profile, (e: FitEncoder) => {
    e.writeMessage('file_id', { type: 'activity', manufacturer, product, serial_number: serial, time_created: start });
    e.writeMessage('file_creator', { software_version: SOFTWARE_VERSION });
    e.writeMessage('device_info', {
      timestamp: start, device_index: 'creator', manufacturer, product, serial_number: serial, software_version: SOFTWARE_VERSION / 100,
      product_name: 'fitkit tcx2fit',
    });
    if (Object.values(user).some((v) => v !== undefined)) {
      e.writeMessage('user_profile', {
        message_index: 0, gender: user.gender, age: user.age, height: user.heightM, weight: user.weightKg,
        resting_heart_rate: user.restingHr, default_max_heart_rate: user.maxHr,
      });
    }
    if (zones) {
      e.writeMessage('zones_target', { max_heart_rate: user.maxHr ?? zones[4], hr_calc_type: o.hrZones ? 'custom' : 'percent_max_hr' });
      zones.forEach((high, i) => e.writeMessage('hr_zone', { message_index: i, high_bpm: high, name: `Zone ${i + 1}` }));
    }
    e.writeMessage('event', { timestamp: start, event: 'timer', event_type: 'start', timer_trigger: 'manual' });
    points.forEach((p, i) => {
      const x = s[i];
      e.writeMessage('record', {
        timestamp: p.time,
        position_lat: hasPosition(p) ? Math.round(p.lat! * SEMICIRCLES) : undefined,
        position_long: hasPosition(p) ? Math.round(p.lon! * SEMICIRCLES) : undefined,
        distance: x.d,
        speed: speed16(x.speed),
        enhanced_speed: x.speed,
        heart_rate: x.hr,
        cadence: x.cadence === undefined ? undefined : Math.min(254, Math.round(x.cadence)),
        power: x.watts === undefined ? undefined : Math.round(x.watts),
        altitude: p.altitude,
        enhanced_altitude: p.altitude,
      });
    });
    e.writeMessage('event', { timestamp: end, event: 'timer', event_type: 'stop_all', timer_trigger: 'manual' });
    laps.forEach((l, i) => {
      e.writeMessage('lap', {
        message_index: i, timestamp: at(l.end), start_time: at(l.start), event: 'lap', event_type: 'stop',
        lap_trigger: i === laps.length - 1 ? 'session_end' : 'distance', sport, sub_sport: subSport,
        ...summary(s, l, hasStrokes ? totals.strokes[i] : undefined, calories === undefined ? undefined : totals.calories[i], zones),
      });
    });
    const whole: LapSpan = { start: 0, end: s[s.length - 1].t, startDistance: s[0].d, endDistance: s[s.length - 1].d };
    e.writeMessage('session', {
      message_index: 0, timestamp: end, start_time: start, event: 'session', event_type: 'stop', trigger: 'activity_end',
      sport, sub_sport: subSport, first_lap_index: 0, num_laps: laps.length,
      ...summary(s, whole, strokes, calories, zones),
    });
    const offset = timeZoneOffset(end, o.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
    e.writeMessage('activity', {
      timestamp: end, total_timer_time: whole.end, num_sessions: 1, type: 'manual', event: 'activity', event_type: 'stop',
      local_timestamp: fitTimeFromDate(end) + offset,
    });
  });
  return {
    fit,
    summary: { records: points.length, laps: laps.length, distance: whole(s), elapsed: s[s.length - 1].t, strokes, calories, caloriesFrom },
  };
}

const whole = (s: Sample[]) => s[s.length - 1].d - s[0].d;
