/**
 * A TCX workout as a FIT activity file: file_id, file_creator, device_info (creator),
 * user_profile, zones_target and hr_zone, one record per trackpoint with timer start/stop events
 * around each pause, laps, a session per TCX activity, and the activity. Written the way Garmin's
 * "activity file" checklist asks (FIT SDK, "Encoding Activity Files"): summary messages last
 * (every lap, then every session, each with message_index), sessions and laps that abut, activity
 * with local_timestamp and total_timer_time.
 *
 * Laps: the TCX laps as they are (what Garmin Connect and Strava do with an uploaded TCX), or,
 * with `split`, laps of that many metres cut at the exact distance in each session.
 */
import { FitkitError } from '../../errors.js';
import { encodeFit, type FitEncoder, type FieldValues } from '../../fit/encode/encoder.js';
import { semicirclesFromDegrees } from '../../fit/kit/semicircles.js';
import { FIT_EPOCH_S, fitTimeFromDate } from '../../fit/kit/time.js';
import { localTimeZoneOffset, timeZoneOffset } from '../../fit/kit/time-zone.js';
import type { Profile } from '../../fit/profile/profile.js';
import type { TcxWorkout } from '../../formats/tcx.js';
import { keytelCalorieRate, powerCalorieRate, type CalorieRate, type Physique } from './calories.js';
import { zoneOf, zonesFromMaxHr, type HrZones } from './hr-zones.js';
import { roundParts, shareOf, spanStats, splitCount, splitLaps, type LapSpan } from './laps.js';
import { buildTrack, FieldRange, type TcxTrack } from './tcx-track.js';

export interface UserProfile extends Physique {
  heightM?: number;
  restingHr?: number;
  maxHr?: number;
}

export interface TcxToFitOptions {
  /** FIT sport and sub_sport names (default rowing / indoor_rowing). */
  sport?: string;
  subSport?: string;
  /** Lap length in metres; without it the TCX laps are kept. */
  split?: number;
  /** Seconds without trackpoints or movement that make a pause (default DEFAULT_PAUSE_GAP; 0: none). */
  pauseGap?: number;
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
  sessions: number;
  distance: number;
  elapsed: number;
  /** Timer time: elapsed less the pauses. */
  timer: number;
  pauses: number;
  strokes?: number;
  calories?: number;
  caloriesFrom: 'tcx' | 'power' | 'heart_rate' | 'none';
  /** `line N: …` for what was left out or changed. */
  warnings: string[];
}

const SOFTWARE_VERSION = 10; // fitkit 0.1, as FIT's version × 100
/** message_index and num_laps are uint16 (0xFFFF invalid). */
const MAX_LAPS = 0xfffe;

/** A record's fields, in the order they are written. */
const RECORD_FIELDS = ['timestamp', 'position_lat', 'position_long', 'distance', 'speed', 'enhanced_speed', 'heart_rate', 'cadence', 'power', 'altitude', 'enhanced_altitude'];

/** TCX TriggerMethod → FIT lap_trigger. */
const TRIGGERS: Record<string, string> = { Manual: 'manual', Distance: 'distance', Location: 'position_lap', Time: 'time', HeartRate: 'manual' };

interface OutLap extends LapSpan {
  session: number;
  trigger: string;
}

/** The laps of every session: TCX laps, or `split` metres. */
function lapsOf(w: TcxWorkout, s: TcxTrack, split: number | undefined): OutLap[] {
  const out: OutLap[] = [];
  const { t, d } = s;
  s.sessions.forEach((ss, k) => {
    // Sessions abut: each ends where the next starts.
    const endSample = k + 1 < s.sessions.length ? s.sessions[k + 1].first : s.n - 1;
    const end = t[endSample];
    if (split !== undefined) {
      const count = splitCount(s, ss.first, endSample, split);
      if (out.length + count > MAX_LAPS) {
        throw new FitkitError('too_many_laps', `${Math.round(d[endSample] - d[ss.first])} m in laps of ${split} m is ${count} laps, more than a FIT session holds (${MAX_LAPS}): use a longer --split`);
      }
      const laps = splitLaps(s, ss.first, endSample, end, split);
      laps.forEach((l, i) => out.push({ ...l, session: k, trigger: i === laps.length - 1 ? 'session_end' : 'distance' }));
      return;
    }
    for (let j = ss.firstSegment; j < ss.endSegment; j++) {
      const first = s.segments[j].first;
      const next = j + 1 < ss.endSegment ? s.segments[j + 1].first : endSample;
      const trigger = j + 1 === ss.endSegment ? 'session_end' : (TRIGGERS[w.laps[s.segments[j].lap]?.trigger ?? ''] ?? 'manual');
      out.push({ start: t[first], end: j + 1 < ss.endSegment ? t[next] : end, startDistance: d[first], endDistance: d[next], session: k, trigger });
    }
    if (out.length > MAX_LAPS) throw new FitkitError('too_many_laps', `${out.length} laps, more than a FIT file holds (${MAX_LAPS})`);
  });
  return out;
}

/** Strokes and calories per sample interval, from the TCX laps' Steps and Calories or estimated. */
function perInterval(w: TcxWorkout, s: TcxTrack, rate: CalorieRate | undefined, tcxCalories: number): { strokes: Float64Array; kcal: Float64Array } {
  const { t, n } = s;
  const strokes = new Float64Array(Math.max(0, n - 1));
  const kcal = new Float64Array(Math.max(0, n - 1));
  s.segments.forEach((sg, j) => {
    const lap = w.laps[sg.lap];
    const i0 = sg.first;
    const i1 = Math.min(j + 1 < s.segments.length ? s.segments[j + 1].first : n - 1, n - 1);
    let raw = 0;
    let time = 0;
    let runTime = 0;
    for (let i = i0; i < i1; i++) {
      const dt = t[i + 1] - t[i];
      strokes[i] = Number.isNaN(s.cad[i]) ? 0 : (s.cad[i] / 60) * dt;
      raw += strokes[i];
      time += dt;
      if (s.running[i]) runTime += dt;
    }
    if (lap?.steps !== undefined && lap.steps > 0) {
      for (let i = i0; i < i1; i++) strokes[i] = raw > 0 ? (strokes[i] * lap.steps) / raw : ((t[i + 1] - t[i]) * lap.steps) / time;
      // A lap of one instant: its strokes go to the interval after it.
      if (i1 === i0 && i0 < n - 1) strokes[i0] += lap.steps;
    }
    if (tcxCalories > 0 && lap?.calories) {
      // Spread over running time (over all of it when the lap is all pause).
      for (let i = i0; i < i1; i++) {
        const dt = t[i + 1] - t[i];
        kcal[i] = runTime > 0 ? (s.running[i] ? (dt * lap.calories) / runTime : 0) : (dt * lap.calories) / time;
      }
      if (i1 === i0 && i0 < n - 1) kcal[i0] += lap.calories;
    }
  });
  if (tcxCalories === 0 && rate) {
    for (let i = 0; i < n - 1; i++) if (s.running[i]) kcal[i] = (rate(s.hr[i], s.watts[i]) ?? 0) * (t[i + 1] - t[i]);
  }
  return { strokes, kcal };
}

/** speed fields hold up to 65.535 m/s; faster (a GPS jump) only goes in the enhanced ones. */
const speed16 = (x: number | undefined) => (x === undefined || Number.isNaN(x) || x > 65.5 ? undefined : x);
const round = (x: number | undefined) => (x === undefined ? undefined : Math.round(x));

/** Leaves out the values of `v` that `message` cannot hold (a speed of a lap cut inside one GPS jump). */
function fitting(profile: Profile, message: string, v: FieldValues): FieldValues {
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'number') continue;
    const key = `${message}.${k}`;
    let byName = ranges.get(profile);
    if (!byName) ranges.set(profile, (byName = new Map()));
    let r = byName.get(key);
    if (!r) byName.set(key, (r = new FieldRange(profile, message, k)));
    if (!r.holds(x)) v[k] = undefined;
  }
  return v;
}
const ranges = new WeakMap<Profile, Map<string, FieldRange>>();

/** The summary fields a lap and a session share. */
function summary(s: TcxTrack, span: LapSpan, strokes: number | undefined, calories: number | undefined, zones: HrZones | undefined): FieldValues {
  const { start: a, end: b } = span;
  const st = spanStats(s, a, b, zones && ((hr) => zoneOf(zones, hr)));
  const elapsed = b - a;
  const distance = span.endDistance - span.startDistance;
  const avgSpeed = st.timer > 0 ? distance / st.timer : elapsed > 0 ? distance / elapsed : undefined;
  const maxSpeed = st.maxSpeed ?? avgSpeed;
  const v: FieldValues = {
    total_elapsed_time: elapsed,
    total_timer_time: st.timer,
    total_distance: distance,
    total_cycles: strokes,
    total_calories: calories,
    avg_speed: speed16(avgSpeed),
    enhanced_avg_speed: avgSpeed,
    max_speed: speed16(maxSpeed),
    enhanced_max_speed: maxSpeed,
    avg_heart_rate: round(st.hr.mean),
    max_heart_rate: round(st.hr.max),
    avg_cadence: round(st.cad.mean),
    max_cadence: round(st.cad.max),
    avg_power: round(st.watts.mean),
    max_power: round(st.watts.max),
  };
  if (st.zones && st.hr.max !== undefined) v.time_in_hr_zone = st.zones;
  return v;
}

/** Builds the FIT file for a workout; the summary says what went in. */
export function tcxToFit(profile: Profile, w: TcxWorkout, o: TcxToFitOptions = {}): { fit: Uint8Array; summary: TcxToFitSummary } {
  const s = buildTrack(w, profile, { pauseGap: o.pauseGap });
  const { t, n } = s;
  const laps = lapsOf(w, s, o.split);
  const start = new Date(s.startMs);
  const t0 = fitTimeFromDate(start);
  const at = (sec: number) => new Date(s.startMs + Math.round(sec * 1000));
  const end = at(t[n - 1]);
  const user = o.user ?? {};
  const zones = o.hrZones ?? (user.maxHr ? zonesFromMaxHr(user.maxHr) : undefined);

  const tcxCalories = w.laps.reduce((x, l) => x + (l.calories ?? 0), 0);
  const hasWatts = s.watts.some((x) => x > 0);
  const hasHr = s.hr.some((x) => x > 0);
  const keytel = keytelCalorieRate(user);
  const caloriesFrom: TcxToFitSummary['caloriesFrom'] = tcxCalories > 0 ? 'tcx' : hasWatts ? 'power' : keytel && hasHr ? 'heart_rate' : 'none';
  const rate = caloriesFrom === 'power' ? powerCalorieRate() : caloriesFrom === 'heart_rate' ? keytel : undefined;
  const per = perInterval(w, s, rate, tcxCalories);
  const hasStrokes = w.laps.some((l) => l.steps !== undefined) || s.cad.some((x) => !Number.isNaN(x));
  const lapStrokes = roundParts(laps.map((l) => shareOf(s, per.strokes, l.start, l.end)));
  const lapKcal = roundParts(laps.map((l) => shareOf(s, per.kcal, l.start, l.end)));
  const sumOf = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const strokes = hasStrokes ? sumOf(lapStrokes) : undefined;
  const calories = caloriesFrom === 'none' ? undefined : sumOf(lapKcal);

  const sport = o.sport ?? 'rowing';
  const subSport = o.subSport ?? (o.sport === undefined ? 'indoor_rowing' : 'generic');
  const manufacturer = o.manufacturer ?? 'development';
  const product = o.product ?? 0;
  // The start time as serial: two workouts never share (manufacturer, product, serial, time).
  const serial = t0;
  const altitude16 = new FieldRange(profile, 'record', 'altitude');
  const distance = new FieldRange(profile, 'record', 'distance');
  const sessions = s.sessions.map((ss, k) => {
    const endSample = k + 1 < s.sessions.length ? s.sessions[k + 1].first : n - 1;
    const span: LapSpan = { start: t[ss.first], end: t[endSample], startDistance: s.d[ss.first], endDistance: s.d[endSample] };
    return { span, firstLap: -1, numLaps: 0, strokes: hasStrokes ? 0 : undefined, calories: calories === undefined ? undefined : 0 };
  });
  // Laps come session by session.
  laps.forEach((l, i) => {
    const ss = sessions[l.session];
    if (ss.numLaps++ === 0) ss.firstLap = i;
    if (ss.strokes !== undefined) ss.strokes += lapStrokes[i];
    if (ss.calories !== undefined) ss.calories += lapKcal[i];
  });
  let timer = 0;

  const fit = encodeFit(profile, (e: FitEncoder) => {
    e.writeMessage('file_id', { type: 'activity', manufacturer, product, serial_number: serial, time_created: start });
    e.writeMessage('file_creator', { software_version: SOFTWARE_VERSION });
    e.writeMessage('device_info', {
      timestamp: start,
      device_index: 'creator',
      manufacturer,
      product,
      serial_number: serial,
      software_version: SOFTWARE_VERSION / 100,
      product_name: 'fitkit tcx2fit',
    });
    if (Object.values(user).some((v) => v !== undefined)) {
      e.writeMessage('user_profile', {
        message_index: 0,
        gender: user.gender,
        age: user.age,
        height: user.heightM,
        weight: user.weightKg,
        resting_heart_rate: user.restingHr,
        default_max_heart_rate: user.maxHr,
      });
    }
    if (zones) {
      e.writeMessage('zones_target', { max_heart_rate: user.maxHr ?? zones[4], hr_calc_type: o.hrZones ? 'custom' : 'percent_max_hr' });
      zones.forEach((high, i) => e.writeMessage('hr_zone', { message_index: i, high_bpm: high, name: `Zone ${i + 1}` }));
    }
    e.writeMessage('event', { timestamp: start, event: 'timer', event_type: 'start', timer_trigger: 'manual' });
    let pause = 0;
    const record = e.prepare('record', RECORD_FIELDS);
    const v: (number | undefined)[] = [];
    // The columns in locals, and the helpers above written out: this loop runs once per
    // trackpoint, mostly before the JIT has warmed up, where each call and property read counts.
    const { lat, lon, alt, d, speed, hr, cad, watts, pauses, startMs } = s;
    // Sample index where the next pause starts (its stop event) and ends (its start event).
    let stopAt = pauses.length > 0 ? pauses[0][0] : -1;
    let startAt = pauses.length > 0 ? pauses[0][1] : -1;
    for (let i = 0; i < n; i++) {
      if (i === startAt) {
        e.writeMessage('event', { timestamp: at(t[i]), event: 'timer', event_type: 'start', timer_trigger: 'manual' });
        pause++;
        stopAt = pause < pauses.length ? pauses[pause][0] : -1;
        startAt = pause < pauses.length ? pauses[pause][1] : -1;
      }
      const la = lat[i];
      const lo = lon[i];
      const pos = !Number.isNaN(la) && !(la === 0 && lo === 0); // hasPosition
      const al = alt[i];
      const sp = speed[i];
      const di = d[i];
      // In RECORD_FIELDS' order; the timestamp as fitTimeFromDate(at(t[i])).
      v[0] = Math.round((startMs + Math.round(t[i] * 1000)) / 1000) - FIT_EPOCH_S;
      v[1] = pos ? semicirclesFromDegrees(la) : undefined;
      v[2] = pos ? semicirclesFromDegrees(lo) : undefined;
      v[3] = distance.holds(di) ? di : undefined;
      v[4] = Number.isNaN(sp) || sp > 65.5 ? undefined : sp; // speed16
      v[5] = Number.isNaN(sp) ? undefined : sp;
      v[6] = Number.isNaN(hr[i]) ? undefined : hr[i];
      v[7] = Number.isNaN(cad[i]) ? undefined : Math.round(cad[i]);
      v[8] = Number.isNaN(watts[i]) ? undefined : Math.round(watts[i]);
      v[9] = Number.isNaN(al) || !altitude16.holds(al) ? undefined : al;
      v[10] = Number.isNaN(al) ? undefined : al;
      record.write(v);
      if (i === stopAt) e.writeMessage('event', { timestamp: at(t[i]), event: 'timer', event_type: 'stop_all', timer_trigger: 'manual' });
    }
    e.writeMessage('event', { timestamp: end, event: 'timer', event_type: 'stop_all', timer_trigger: 'manual' });
    laps.forEach((l, i) => {
      e.writeMessage('lap', {
        message_index: i,
        timestamp: at(l.end),
        start_time: at(l.start),
        event: 'lap',
        event_type: 'stop',
        lap_trigger: l.trigger,
        sport,
        sub_sport: subSport,
        ...fitting(profile, 'lap', summary(s, l, hasStrokes ? lapStrokes[i] : undefined, calories === undefined ? undefined : lapKcal[i], zones)),
      });
    });
    sessions.forEach((ss, k) => {
      const all = summary(s, ss.span, ss.strokes, ss.calories, zones);
      timer += all.total_timer_time as number;
      const fields = fitting(profile, 'session', all);
      e.writeMessage('session', {
        message_index: k,
        timestamp: at(ss.span.end),
        start_time: at(ss.span.start),
        event: 'session',
        event_type: 'stop',
        trigger: 'activity_end',
        sport,
        sub_sport: subSport,
        first_lap_index: ss.firstLap,
        num_laps: ss.numLaps,
        ...fields,
      });
    });
    const offset = o.timeZone === undefined ? localTimeZoneOffset(end) : timeZoneOffset(end, o.timeZone);
    e.writeMessage('activity', {
      timestamp: end,
      total_timer_time: timer,
      num_sessions: sessions.length,
      type: 'manual',
      event: 'activity',
      event_type: 'stop',
      local_timestamp: fitTimeFromDate(end) + offset,
    });
  });
  return {
    fit,
    summary: {
      records: n,
      laps: laps.length,
      sessions: sessions.length,
      distance: s.d[n - 1] - s.d[0],
      elapsed: t[n - 1],
      timer,
      pauses: s.pauses.length,
      strokes,
      calories,
      caloriesFrom,
      warnings: s.warnings,
    },
  };
}
