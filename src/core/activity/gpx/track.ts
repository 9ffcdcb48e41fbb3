/**
 * Track points from `record` messages, the way devices actually write them:
 * - enhanced_altitude / enhanced_speed when present, else the 16-bit altitude / speed;
 * - a record without a position lends its values to a record with one timestamp (Timex writes
 *   position, heart rate and cadence as separate records; Suunto writes position-only records
 *   beside the sensor records): they become one point, the first valid value of each field wins.
 *   Two records with one timestamp that both carry a position stay two points, in file order
 *   (Edge units write them around a pause; gpsbabel keeps both too);
 * - a record without a timestamp but with a position (route planners' courses, Stages Link, SDK
 *   written files) is kept, untimed, right after the record before it in the file, as
 *   gpsbabel keeps it (it gives it the previous record's time; GPX lets a point have no time);
 * - records out of time order (chained files, devices that flush buffers late) are sorted in a
 *   window of `windowS` seconds, which the caller sizes from a first pass over the file, so an
 *   ordered file holds one pending point and a disordered one only as much as its disorder.
 */
import type { MessageObject } from '../../fit/decode/values.js';
import { MAX_LAT_SEMICIRCLES, MAX_LON_SEMICIRCLES, RADIANS_PER_SEMICIRCLE } from '../../fit/kit/semicircles.js';
import { fitTimeValue, numberValue } from './field-value.js';

/** Time in FIT seconds; position in semicircles. */
export interface TrackPoint {
  /**
   * FIT seconds; for an untimed point (`timed` false), NaN from pointFromRecord, and once in a
   * TimeOrderer the time of the timed record before it (its place in the order).
   */
  t: number;
  timed: boolean;
  lat?: number;
  lon?: number;
  ele?: number;
  hr?: number;
  cad?: number;
  power?: number;
  temp?: number;
  speed?: number;
  sat?: number;
  hdop?: number;
}

/**
 * A position worth writing: inside the globe, and not (0, 0), which devices write for "no fix"
 * (invalid sentinels are already dropped by the decoder).
 */
export function validPosition(lat: number | undefined, lon: number | undefined): boolean {
  if (lat === undefined || lon === undefined) return false;
  if (lat === 0 && lon === 0) return false;
  return Math.abs(lat) <= MAX_LAT_SEMICIRCLES && Math.abs(lon) < MAX_LON_SEMICIRCLES;
}

const n = numberValue;

const HDOP = /hdop/i;
const SATELLITES = /sat/i;
const POWER = /^power$/i;

/** Developer fields some makers use for GPS quality (COROS: satellites, HDOP); matched by name. */
function devQuality(dev: Record<string, unknown> | undefined, p: TrackPoint): void {
  if (!dev) return;
  for (const k in dev) {
    const v = n(dev[k]);
    if (v === undefined) continue;
    if (HDOP.test(k)) p.hdop ??= v;
    else if (SATELLITES.test(k)) p.sat ??= v;
    else if (POWER.test(k)) p.power ??= v;
  }
}

const RECORD_FIELDS = new Set([
  'timestamp', 'position_lat', 'position_long', 'enhanced_altitude', 'altitude', 'enhanced_speed', 'speed',
  'heart_rate', 'cadence', 'power', 'temperature',
]); // prettier-ignore

/** The record fields (native or developer) pointFromRecord reads: a decoder can skip the others. */
export const pointField = (name: string): boolean => RECORD_FIELDS.has(name) || HDOP.test(name) || SATELLITES.test(name) || POWER.test(name);

/** One record as a point; undefined with neither timestamp nor position (nothing to place or write). */
export function pointFromRecord(m: MessageObject): TrackPoint | undefined {
  const f = m.fields;
  const t = fitTimeValue(f.timestamp);
  let lat = n(f.position_lat);
  let lon = n(f.position_long);
  if (!validPosition(lat, lon)) lat = lon = undefined;
  if (t === undefined && lat === undefined) return undefined;
  // Every point gets every property (undefined when absent): one object shape for millions of points.
  const p: TrackPoint = {
    t: t ?? NaN,
    timed: t !== undefined,
    lat,
    lon,
    ele: n(f.enhanced_altitude) ?? n(f.altitude),
    hr: n(f.heart_rate),
    cad: n(f.cadence),
    power: n(f.power),
    temp: n(f.temperature),
    speed: n(f.enhanced_speed) ?? n(f.speed),
    sat: undefined,
    hdop: undefined,
  };
  devQuality(m.developer as Record<string, unknown> | undefined, p);
  return p;
}

/** Fills the fields `into` lacks from `from` (same timestamp). */
export function mergePoint(into: TrackPoint, from: TrackPoint): void {
  if (into.lat === undefined && from.lat !== undefined) {
    into.lat = from.lat;
    into.lon = from.lon;
  }
  into.ele ??= from.ele;
  into.hr ??= from.hr;
  into.cad ??= from.cad;
  into.power ??= from.power;
  into.temp ??= from.temp;
  into.speed ??= from.speed;
  into.sat ??= from.sat;
  into.hdop ??= from.hdop;
}

/**
 * What an emitted point's slot holds until the array is compacted (slots below the head are never
 * read). Left holding up to 1,024 emitted points, the array kept 100+ KB alive through each
 * young-generation GC on a big file, and V8 doubled that generation twice for it: +20 MB RSS.
 */
const EMITTED = undefined as unknown as TrackPoint;

/**
 * Emits points in time order, merging a point without a position with another of its time (and
 * a positioned one into a positionless one); an untimed point goes right after the point pushed
 * before it. A point is emitted once a point more than `windowS` seconds newer has arrived (or
 * at end()). A point older than one already emitted cannot be placed any more: it is counted in
 * `late` and dropped.
 */
export class TimeOrderer {
  #window: number;
  #emit: (p: TrackPoint) => void;
  #pending: TrackPoint[] = [];
  #head = 0;
  #maxT = -Infinity;
  #lastEmitted = -Infinity;
  #lastT = -Infinity;
  late = 0;

  constructor(windowS: number, emit: (p: TrackPoint) => void) {
    this.#window = Math.max(0, windowS);
    this.#emit = emit;
  }

  push(p: TrackPoint): void {
    if (p.timed) this.#lastT = p.t;
    else p.t = this.#lastT;
    if (p.t < this.#lastEmitted) {
      this.late++;
      return;
    }
    // Every pending point is newer than the last emitted one: a point of that time comes next.
    if (p.t === this.#lastEmitted) return this.#emit(p);
    const q = this.#pending;
    const last = q.length > this.#head ? q[q.length - 1] : undefined;
    if (!last || p.t > last.t) q.push(p);
    else this.#insert(p);
    if (p.t > this.#maxT) {
      this.#maxT = p.t;
      this.#flush(this.#maxT - this.#window, false);
    } else if (!p.timed) {
      // Untimed points take no part in merging: emit through the window's edge, so a long run of
      // them after one timed record does not pile up.
      this.#flush(this.#maxT - this.#window, true);
    }
  }

  end(): void {
    this.#flush(Infinity, false);
  }

  /** Places `p` among pending points of its time or older: merged, or after the others of its time. */
  #insert(p: TrackPoint): void {
    const q = this.#pending;
    let lo = this.#head;
    let hi = q.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (q[mid].t < p.t) lo = mid + 1;
      else hi = mid;
    }
    let at = lo;
    for (; at < q.length && q[at].t === p.t; at++) {
      const o = q[at];
      if (p.timed && o.timed && (p.lat === undefined || o.lat === undefined)) return mergePoint(o, p);
    }
    q.splice(at, 0, p);
  }

  /** Emits pending points older than `before` (or as old, when `through`). */
  #flush(before: number, through: boolean): void {
    const q = this.#pending;
    while (this.#head < q.length && (q[this.#head].t < before || (through && q[this.#head].t === before))) {
      const p = q[this.#head];
      q[this.#head++] = EMITTED;
      this.#lastEmitted = p.t;
      this.#emit(p);
    }
    if (this.#head === q.length) {
      q.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024) {
      q.splice(0, this.#head);
      this.#head = 0;
    }
  }
}

/** Initial bearing from one position to the next, degrees clockwise from true north, [0, 360). */
export function bearing(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = RADIANS_PER_SEMICIRCLE;
  const φ1 = lat1 * r;
  const φ2 = lat2 * r;
  const dλ = (lon2 - lon1) * r;
  const y = Math.sin(dλ) * Math.cos(φ2);
  const x = Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(dλ);
  const b = ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
  return b >= 359.9995 ? 0 : b;
}
