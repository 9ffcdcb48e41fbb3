/**
 * A TCX workout made fit for FIT: trackpoints in time order (the ones going back put in order,
 * the ones repeating a time left out), values outside the FIT record field's range left out,
 * cumulative distance, the TCX laps and activities as time-ordered segments and sessions, and
 * the timer's pauses. Every step is a pass over typed arrays (one sort when the file needs it).
 * What was changed is counted in `warnings`, one line per kind with the first TCX line.
 */
import { FitkitError } from '../../errors.js';
import { haversine } from '../../fit/kit/geo.js';
import { FIT_EPOCH_S } from '../../fit/kit/time.js';
import { Kind } from '../../fit/proto/base-types.js';
import type { Profile } from '../../fit/profile/profile.js';
import type { Channel, TcxWorkout } from '../../formats/tcx.js';
import { WarningTally } from '../../formats/warning-tally.js';
import type { Series } from './laps.js';

/**
 * Seconds without a trackpoint, or without movement, after which the timer counts as stopped.
 * GoldenCheetah's "Fix Gaps in Recording" (its default "stop" of 90 s) treats shorter gaps as
 * recording dropouts and longer ones as stops; Garmin's smart recording leaves gaps of up to
 * ~25 s between trackpoints while moving (the corpus Edge 705 file), and rest between rowing
 * pieces is minutes (rowingdata's 3x250m: 158 s and 163 s), so 90 s separates the two.
 */
export const DEFAULT_PAUSE_GAP = 90;

export interface TrackOptions {
  /** Seconds (see DEFAULT_PAUSE_GAP); 0 for no pauses but those between activities. */
  pauseGap?: number;
}

export interface Segment {
  /** Index into TcxWorkout.laps. */
  lap: number;
  /** First sample. */
  first: number;
}

export interface Session {
  /** Index into TcxWorkout.activities. */
  activity: number;
  /** Its segments: [firstSegment, endSegment). */
  firstSegment: number;
  endSegment: number;
  /** Its samples: [first, last]. */
  first: number;
  last: number;
}

export interface TcxTrack extends Series {
  /** ms since 1970 of sample 0. */
  startMs: number;
  line: Uint32Array;
  lat: Float64Array;
  lon: Float64Array;
  alt: Float64Array;
  segments: Segment[];
  sessions: Session[];
  /** [from, to] sample index pairs where the timer stops and starts again. */
  pauses: [number, number][];
  warnings: string[];
}

/** A FIT field's range of values: its base type less the invalid value, scaled. */
export class FieldRange {
  readonly lo: number;
  readonly hi: number;
  readonly #scale: number;
  readonly #offset: number;
  readonly #rawLo: number;
  readonly #rawHi: number;

  constructor(profile: Profile, message: string, field: string) {
    const f = [...(profile.messageByName(message)?.fields.values() ?? [])].find((x) => x.name === field);
    if (!f) throw new Error(`no ${message}.${field} in the profile`);
    const bt = f.baseType;
    const bits = bt.size * 8;
    this.#rawLo = bt.kind === Kind.sint ? -(2 ** (bits - 1)) : 0;
    this.#rawHi = bt.kind === Kind.sint ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    if (bt.invalid === 0) this.#rawLo++;
    else this.#rawHi--;
    if (bt.kind === Kind.float) [this.#rawLo, this.#rawHi] = [-Infinity, Infinity];
    this.#scale = f.scale;
    this.#offset = f.offset;
    this.lo = this.#rawLo / f.scale - f.offset;
    this.hi = this.#rawHi / f.scale - f.offset;
  }

  /** True when `x` is stored as a valid value (after rounding to the field's resolution). */
  holds(x: number): boolean {
    const raw = Math.round((x + this.#offset) * this.#scale);
    return raw >= this.#rawLo && raw <= this.#rawHi;
  }

  /**
   * The first index from `k` whose value (not NaN) `holds` refuses, or a.length: one call per
   * column rather than one per value (a column is read once, before the JIT has warmed up).
   */
  nextOutside(a: Float64Array, k: number): number {
    const scale = this.#scale;
    const offset = this.#offset;
    const lo = this.#rawLo;
    const hi = this.#rawHi;
    for (; k < a.length; k++) {
      const x = a[k];
      if (Number.isNaN(x)) continue;
      const raw = Math.round((x + offset) * scale);
      if (!(raw >= lo && raw <= hi)) return k;
    }
    return k;
  }
}

/** Each channel's FIT record field, and its name in warnings. */
const CHECKS: [Channel, string, string][] = [
  ['distance', 'distance', 'distance'],
  ['heartRate', 'heart_rate', 'heart rate'],
  ['cadence', 'cadence', 'cadence'],
  ['speed', 'enhanced_speed', 'speed'],
  ['watts', 'power', 'power'],
  ['altitude', 'enhanced_altitude', 'altitude'],
];

// FIT date_time: uint32 seconds since 1989-12-31; below 0x10000000 it means seconds since power-on.
const FIT_MIN_MS = (FIT_EPOCH_S + 0x10000000) * 1000;
const FIT_MAX_MS = (FIT_EPOCH_S + 0xfffffffe) * 1000;

/** Position 0,0 is what apps without GPS write: no position. */
export const hasPosition = (lat: number, lon: number) => !Number.isNaN(lat) && !(lat === 0 && lon === 0);

const fmt = (v: number) => (Math.abs(v) >= 1e9 ? v.toExponential().replace(/\.?0+e/, 'e') : String(Math.round(v * 1000) / 1000));

export function buildTrack(w: TcxWorkout, profile: Profile, o: TrackOptions = {}): TcxTrack {
  const p = w.points;
  const tally = new WarningTally();

  // Order: document order unless time goes back; then a stable sort. Repeated times: the first stays.
  const keep: number[] = [];
  let sorted = true;
  let latest = -Infinity;
  for (let i = 0; i < p.n; i++) {
    const t = p.time[i];
    if (!(t >= FIT_MIN_MS && t <= FIT_MAX_MS)) {
      tally.add('time range', p.line[i], `time ${new Date(t).toISOString()} is outside what FIT can hold: trackpoint left out`);
      continue;
    }
    if (t < latest) {
      sorted = false;
      tally.add('backwards', p.line[i], `time goes back to ${new Date(t).toISOString()}: trackpoint put in time order`);
    }
    if (t > latest) latest = t;
    keep.push(i);
  }
  if (!sorted) keep.sort((a, b) => p.time[a] - p.time[b] || a - b);
  let order = keep;
  if (keep.length > 1) {
    order = [keep[0]];
    for (let k = 1; k < keep.length; k++) {
      const i = keep[k];
      if (p.time[i] === p.time[order[order.length - 1]]) tally.add('repeat', p.line[i], `time ${new Date(p.time[i]).toISOString()} repeats: trackpoint left out`);
      else order.push(i);
    }
  }
  const n = order.length;
  if (n === 0) throw new FitkitError('bad_tcx', `line ${p.n ? p.line[0] : 1}: no trackpoint with a time FIT can hold`);

  const col = (src: Float64Array) => {
    const a = new Float64Array(n);
    for (let k = 0; k < n; k++) a[k] = src[order[k]];
    return a;
  };
  const startMs = p.time[order[0]];
  const t = new Float64Array(n);
  const line = new Uint32Array(n);
  const lapOf = new Uint32Array(n);
  const newTrack = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    t[k] = (p.time[order[k]] - startMs) / 1000;
    line[k] = p.line[order[k]];
    lapOf[k] = p.lap[order[k]];
    newTrack[k] = p.newTrack[order[k]];
  }
  // total_elapsed_time is uint32 ms: a session spans at most 49.7 days.
  const span = new FieldRange(profile, 'session', 'total_elapsed_time');
  if (!span.holds(t[n - 1])) {
    const iso = (ms: number) => new Date(ms).toISOString();
    throw new FitkitError(
      'bad_tcx',
      `line ${line[n - 1]}: trackpoint at ${iso(p.time[order[n - 1]])} is ${Math.round(t[n - 1] / 86400)} days after the first (${iso(startMs)}): more than FIT's ${Math.floor(span.hi / 86400)} days`,
    );
  }
  const v = Object.fromEntries(CHECKS.map(([c]) => [c, col(p.values[c])])) as Record<Channel, Float64Array>;
  v.lat = col(p.values.lat);
  v.lon = col(p.values.lon);

  // Values outside the FIT field's range: left out of that record.
  for (const [c, field, name] of CHECKS) {
    const r = new FieldRange(profile, 'record', field);
    const a = v[c];
    for (let k = r.nextOutside(a, 0); k < n; k = r.nextOutside(a, k + 1)) {
      tally.add(`range ${c}`, line[k], `${name} ${fmt(a[k])} is outside FIT's ${fmt(r.lo)}..${fmt(r.hi)}: left out`);
      a[k] = NaN;
    }
  }
  // Heart rate 0: no strap.
  for (let k = 0; k < n; k++) if (v.heartRate[k] === 0) v.heartRate[k] = NaN;
  for (let k = 0; k < n; k++) {
    const la = v.lat[k];
    const lo = v.lon[k];
    if (Number.isNaN(la) || (la >= -90 && la <= 90 && lo >= -180 && lo <= 180)) continue;
    tally.add('range position', line[k], `position ${fmt(la)},${fmt(lo)} is not on Earth: left out`);
    v.lat[k] = v.lon[k] = NaN;
  }

  const d = cumulativeDistance(n, t, v);
  const { segments, sessions } = segmentsOf(w, t, lapOf);
  const running = new Uint8Array(Math.max(0, n - 1)).fill(1);
  const pauses = findPauses(n, t, d, v, running, sessions, newTrack, o.pauseGap ?? DEFAULT_PAUSE_GAP);

  return {
    n,
    t,
    d,
    hr: v.heartRate,
    cad: v.cadence,
    speed: v.speed,
    watts: v.watts,
    running,
    startMs,
    line,
    lat: v.lat,
    lon: v.lon,
    alt: v.altitude,
    segments,
    sessions,
    pauses,
    warnings: [...w.warnings, ...tally.lines()],
  };
}

/**
 * Cumulative distance for every sample: DistanceMeters where given (a counter that restarts,
 * as per lap in CrewNerd files, is continued), else speed × time, else the distance between
 * positions.
 */
function cumulativeDistance(n: number, t: Float64Array, v: Record<Channel, Float64Array>): Float64Array {
  const d = new Float64Array(n);
  let base = 0;
  let cur = 0;
  for (let k = 0; k < n; k++) {
    const given = v.distance[k];
    if (!Number.isNaN(given)) {
      if (base + given < cur - 1) base = cur - given;
      cur = Math.max(cur, base + given);
    } else if (k > 0) {
      const sp = v.speed[k];
      if (!Number.isNaN(sp)) cur += sp * (t[k] - t[k - 1]);
      else if (hasPosition(v.lat[k], v.lon[k]) && hasPosition(v.lat[k - 1], v.lon[k - 1])) cur += haversine(v.lat[k - 1], v.lon[k - 1], v.lat[k], v.lon[k]);
    }
    d[k] = cur;
  }
  return d;
}

/**
 * TCX laps in time order, each from its first sample to the next lap's; a lap whose samples all
 * went (repeated times) is gone. Consecutive laps of one activity make a session.
 */
function segmentsOf(w: TcxWorkout, t: Float64Array, lapOf: Uint32Array): { segments: Segment[]; sessions: Session[] } {
  const first = new Map<number, number>();
  // The map is asked only where the lap changes (a lap's samples mostly come together).
  for (let k = 0; k < lapOf.length; k++) if ((k === 0 || lapOf[k] !== lapOf[k - 1]) && !first.has(lapOf[k])) first.set(lapOf[k], k);
  const segments = [...first].map(([lap, f]) => ({ lap, first: f })).sort((a, b) => a.first - b.first);
  segments[0].first = 0;
  const sessions: Session[] = [];
  segments.forEach((sg, i) => {
    const activity = w.laps[sg.lap]?.activity ?? 0;
    const cur = sessions[sessions.length - 1];
    if (cur && cur.activity === activity) cur.endSegment = i + 1;
    else sessions.push({ activity, firstSegment: i, endSegment: i + 1, first: sg.first, last: sg.first });
  });
  sessions.forEach((s, i) => (s.last = i + 1 < sessions.length ? sessions[i + 1].first - 1 : t.length - 1));
  return { segments, sessions };
}

/**
 * Where the timer stops: a gap of more than `gap` seconds between trackpoints; a stretch of more
 * than `gap` seconds where the distance stays put and the trackpoints say speed, cadence or
 * power 0 (none above it: Coxswain keeps writing trackpoints while the rower rests); always
 * between activities; and before a lap's second or later <Track>, which Garmin devices begin
 * when the timer starts again (the corpus Edge 305 and 705 files). Marks those intervals in `running`; returns [stop, start] sample pairs.
 */
function findPauses(n: number, t: Float64Array, d: Float64Array, v: Record<Channel, Float64Array>, running: Uint8Array, sessions: Session[], newTrack: Uint8Array, gap: number): [number, number][] {
  const pauses: [number, number][] = [];
  const { speed, cadence, watts } = v;
  // No value above 0 and one at 0.
  const still = (k: number) => !(speed[k] > 0 || cadence[k] > 0 || watts[k] > 0) && (speed[k] === 0 || cadence[k] === 0 || watts[k] === 0);
  // Back-to-back pauses are one.
  const add = (a: number, b: number) => {
    const last = pauses[pauses.length - 1];
    if (last && last[1] === a) last[1] = b;
    else pauses.push([a, b]);
  };
  // 1 at the last sample of each session but the last.
  const between = new Uint8Array(n);
  for (const s of sessions.slice(1)) between[s.first - 1] = 1;
  for (let k = 0; k < n - 1;) {
    if (between[k] || newTrack[k + 1] || (gap > 0 && t[k + 1] - t[k] > gap)) {
      running[k] = 0;
      add(k, k + 1);
      k++;
      continue;
    }
    if (gap > 0 && d[k + 1] === d[k] && still(k)) {
      // The stretch of still intervals from k: it ends where the distance moves or a session ends.
      let e = k + 1;
      while (e < n - 1 && d[e + 1] === d[e] && still(e) && !between[e]) e++;
      if (t[e] - t[k] > gap) {
        running.fill(0, k, e);
        add(k, e);
      }
      k = e;
      continue;
    }
    k++;
  }
  return pauses;
}
