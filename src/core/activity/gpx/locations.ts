/**
 * Saved locations (fitkit's supplementary message 29 `location`, from Edge `Locations.fit` and
 * fenix `Lctns.fit`) as GPX waypoints, and the rule for which belong to a ride.
 *
 * A location belongs to the ride when its time lies inside one of the ride's timer segments
 * (timer running, between a timer start and the next stop). Edge units stamp each location;
 * fenix units write no timestamp, but name a location saved during an activity by its local
 * time of saving, "Apr 09 09:23" (English month, day, 24 h time). Such a name is read as local
 * time in the activity's time zone (activity.local_timestamp - activity.timestamp), in the year
 * of the activity (the year nearest to it across a new year), and matches when any second of
 * that minute lies inside a timer segment. Locations with neither are never matched.
 */
import type { MessageObject } from '../../fit/decode/values.js';
import { FIT_EPOCH_S } from '../../fit/kit/time.js';
import type { GpxWaypoint } from '../../formats/gpx.js';
import { fitTimeValue, numberValue, textValue } from './field-value.js';
import { validPosition } from './track.js';
import { degreesFromSemicircles } from '../../fit/kit/semicircles.js';

export interface SavedLocation {
  name?: string;
  /** Semicircles. */
  lat: number;
  lon: number;
  ele?: number;
  desc?: string;
  symbol?: number;
  /** FIT seconds. */
  time?: number;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DEFAULT_NAME = /^\s*([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2})\s*$/;

export function locationFromMessage(m: MessageObject): SavedLocation | undefined {
  const f = m.fields;
  const lat = numberValue(f.position_lat);
  const lon = numberValue(f.position_long);
  if (lat === undefined || lon === undefined || !validPosition(lat, lon)) return undefined;
  const l: SavedLocation = { lat, lon };
  const [name, ele, desc, symbol, time] = [textValue(f.name), numberValue(f.altitude), textValue(f.description), numberValue(f.symbol), fitTimeValue(f.timestamp)];
  if (name !== undefined) l.name = name;
  if (ele !== undefined) l.ele = ele;
  if (desc !== undefined) l.desc = desc;
  if (symbol !== undefined) l.symbol = symbol;
  if (time !== undefined) l.time = time;
  return l;
}

/**
 * The first second (FIT time, UTC) of the minute a default name like "Apr 09 09:23" names, read
 * as local time at `tzOffsetS` in the year nearest `near` (FIT seconds); undefined for other names.
 */
export function timeFromDefaultName(name: string, near: number, tzOffsetS: number): number | undefined {
  const m = DEFAULT_NAME.exec(name);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1].toLowerCase());
  const [day, hour, minute] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (month < 0 || day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  const nearLocalMs = (near + FIT_EPOCH_S + tzOffsetS) * 1000;
  const year = new Date(nearLocalMs).getUTCFullYear();
  let best: number | undefined;
  for (const y of [year - 1, year, year + 1]) {
    const t = Date.UTC(y, month, day, hour, minute) / 1000 - FIT_EPOCH_S - tzOffsetS;
    if (best === undefined || Math.abs(t - near) < Math.abs(best - near)) best = t;
  }
  return best;
}

export interface SelectOptions {
  /** Timer-running intervals [start, stop] in FIT seconds. */
  segments: [number, number][];
  /** UTC offset of the activity, seconds (0 when unknown). */
  tzOffsetS?: number;
}

/** The locations saved during the ride's timer segments, in file order. */
export function selectLocations(locs: SavedLocation[], opts: SelectOptions): SavedLocation[] {
  const segs = opts.segments;
  if (segs.length === 0) return [];
  const inside = (from: number, to: number) => segs.some(([a, b]) => from <= b && to >= a);
  return locs.filter((l) => {
    if (l.time !== undefined) return inside(l.time, l.time);
    if (!l.name) return false;
    const t = timeFromDefaultName(l.name, segs[0][0], opts.tzOffsetS ?? 0);
    return t !== undefined && inside(t, t + 59);
  });
}

/**
 * A location as a GPX waypoint. `symbolName` turns the device's symbol number into a name (a
 * `location_symbol` type added with --profile-extra); without one the number is written as is.
 */
export function locationWaypoint(l: SavedLocation, symbolName?: (n: number) => string | undefined): GpxWaypoint {
  const w: GpxWaypoint = { lat: degreesFromSemicircles(l.lat), lon: degreesFromSemicircles(l.lon) };
  if (l.ele !== undefined) w.ele = l.ele;
  if (l.time !== undefined) w.time = (l.time + FIT_EPOCH_S) * 1000;
  if (l.name) w.name = l.name;
  if (l.desc) w.desc = l.desc;
  if (l.symbol !== undefined) w.sym = symbolName?.(l.symbol) ?? String(l.symbol);
  return w;
}
