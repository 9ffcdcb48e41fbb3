/**
 * A GPX route or track as a FIT course a Garmin Edge or watch navigates (FIT SDK, "Course
 * files"): file_id (type course), file_creator, course (name, sport), one lap with the totals,
 * a timer start event, one record per point with position, distance along the path, altitude and
 * time, course_point messages placed among the records by time, and a stop_disable_all event.
 *
 * What devices reject or show wrongly, guarded here: course points without a distance (all
 * shown at the finish), records less than a second apart (FIT times are whole seconds: two
 * records at one time confuse the virtual partner and the course point links), course point
 * types by a table that drifts from the profile (wrong icons), and two courses with one file
 * identity (a device keeps only one of them: time_created is the time of conversion).
 *
 * Times: the GPX's when every point has one, else the distance at `speedKmh` (10 km/h by
 * default, as gpsbabel does) from the first point's, the document's or the conversion's time.
 * Waypoints within `maxOffset` metres of the path become course points at their place along it.
 */
import { FitkitError } from '../errors.js';
import { encodeFit } from '../fit/encode/encoder.js';
import { dateFromFitTime, fitTimeFromDate } from '../fit/kit/time.js';
import type { Profile } from '../fit/profile/profile.js';
import type { GpxDocument, GpxReadPoint } from '../formats/gpx-read.js';
import type { GpxWaypoint } from '../formats/gpx.js';
import { coursePointType } from './course-point-type.js';
import { cumulative, nearestPlace } from '../fit/kit/geo.js';

export interface GpxToCourseOptions {
  /** Course name (default: the GPX track's, route's or document's name, else "Course"). */
  name?: string;
  /** FIT sport name (default cycling). */
  sport?: string;
  /** km/h for points without times (default 10). */
  speedKmh?: number;
  /** Waypoints farther than this from the path (metres, default 50) are not course points. */
  maxOffset?: number;
  /** Unix ms of the conversion: file_id.time_created, and the start when the GPX has no time. */
  now: number;
}

export interface GpxToCourseSummary {
  name: string;
  /** 'track' or 'route': what the path came from. */
  from: 'track' | 'route';
  records: number;
  coursePoints: number;
  /** Waypoints left out for being too far from the path. */
  waypointsOff: number;
  distance: number;
  duration: number;
  timesFrom: 'gpx' | 'speed';
  /** Records moved to a second after the one before (FIT times are whole seconds). */
  timesMoved: number;
  warnings: string[];
}

const SEMICIRCLES = 2 ** 31 / 180;
const SOFTWARE_VERSION = 10;
export const DEFAULT_SPEED_KMH = 10;
export const DEFAULT_MAX_OFFSET = 50;
/** course_capabilities: processed, valid, time, distance, position. */
const CAPABILITIES = 0x1f;

/** The course's points: every track's in order, else every route's. */
function pathOf(doc: GpxDocument): { from: 'track' | 'route'; name?: string; points: GpxReadPoint[] } | undefined {
  for (const kind of ['track', 'route'] as const) {
    const paths = doc.paths.filter((p) => p.kind === kind && p.points.length > 0);
    if (paths.length > 0) return { from: kind, name: paths[0].name, points: paths.flatMap((p) => p.points) };
  }
  return undefined;
}

interface PlacedPoint {
  w: GpxWaypoint;
  distance: number;
  /** FIT seconds. */
  t: number;
  type: number;
}

export function gpxToCourse(profile: Profile, doc: GpxDocument, o: GpxToCourseOptions): { fit: Uint8Array; summary: GpxToCourseSummary } {
  const path = pathOf(doc);
  if (!path) throw new FitkitError('bad_gpx', 'no track or route with points: nothing to follow');
  // 0,0 is what a recorder without a GPS fix writes (gpsbabel's GPX of a watch without GPS).
  const pts = path.points.filter((p) => p.lat !== 0 || p.lon !== 0);
  const n = pts.length;
  if (n === 0) throw new FitkitError('bad_gpx', `every point of the ${path.from} is at 0,0 (no GPS fix): nothing to follow`);
  const lat = Float64Array.from(pts, (p) => p.lat);
  const lon = Float64Array.from(pts, (p) => p.lon);
  const d = cumulative(lat, lon);
  const speed = (o.speedKmh ?? DEFAULT_SPEED_KMH) / 3.6;
  if (!(speed > 0)) throw new FitkitError('invalid', `speed ${o.speedKmh} km/h: must be above 0`, { exitCode: 2 });
  const warnings = [...doc.warnings];
  if (n < path.points.length) warnings.push(`${path.points.length - n} point(s) at 0,0 (no GPS fix): left out`);

  // Whole FIT seconds, each at least one after the one before.
  const timed = pts.every((p) => p.time !== undefined);
  const startMs = timed ? pts[0].time! : (pts.find((p) => p.time !== undefined)?.time ?? doc.time ?? o.now);
  const t0 = fitTimeFromDate(new Date(startMs));
  const t = new Float64Array(n);
  let moved = 0;
  for (let i = 0; i < n; i++) {
    const want = timed ? fitTimeFromDate(new Date(pts[i].time!)) : t0 + Math.round(d[i] / speed);
    t[i] = i > 0 && want <= t[i - 1] ? (moved++, t[i - 1] + 1) : want;
  }
  if (timed && moved > 0) warnings.push(`${moved} point(s) less than a second after the one before (or earlier): each moved to a second after it`);

  const maxOffset = o.maxOffset ?? DEFAULT_MAX_OFFSET;
  const placed: PlacedPoint[] = [];
  let off = 0;
  for (const w of doc.waypoints) {
    const at = nearestPlace(lat, lon, w.lat, w.lon);
    if (at.off > maxOffset) {
      off++;
      continue;
    }
    const j = Math.min(at.seg + 1, n - 1);
    const distance = d[at.seg] + at.f * (d[j] - d[at.seg]);
    placed.push({ w, distance, t: Math.round(t[at.seg] + at.f * (t[j] - t[at.seg])), type: coursePointType(profile, w) });
  }
  placed.sort((a, b) => a.distance - b.distance);
  if (off > 0) warnings.push(`${off} waypoint(s) more than ${maxOffset} m from the path: not course points`);

  const name = o.name ?? path.name ?? doc.name ?? 'Course';
  const sport = o.sport ?? 'cycling';
  const created = new Date(o.now);
  let ascent = 0;
  let descent = 0;
  let lastEle: number | undefined;
  for (const p of pts) {
    if (p.ele === undefined) continue;
    if (lastEle !== undefined) {
      if (p.ele > lastEle) ascent += p.ele - lastEle;
      else descent += lastEle - p.ele;
    }
    lastEle = p.ele;
  }
  const total = d[n - 1];
  const duration = t[n - 1] - t[0];
  const semi = (deg: number) => Math.round(deg * SEMICIRCLES);

  const fit = encodeFit(profile, (e) => {
    e.writeMessage('file_id', { type: 'course', manufacturer: 'development', product: 0, serial_number: fitTimeFromDate(created), time_created: created });
    e.writeMessage('file_creator', { software_version: SOFTWARE_VERSION });
    e.writeMessage('course', { name, sport, capabilities: CAPABILITIES });
    e.writeMessage('lap', {
      message_index: 0,
      timestamp: dateFromFitTime(t[n - 1]),
      start_time: dateFromFitTime(t[0]),
      event: 'lap',
      event_type: 'stop',
      lap_trigger: 'session_end',
      start_position_lat: semi(lat[0]),
      start_position_long: semi(lon[0]),
      end_position_lat: semi(lat[n - 1]),
      end_position_long: semi(lon[n - 1]),
      total_elapsed_time: duration,
      total_timer_time: duration,
      total_distance: total,
      total_ascent: lastEle === undefined ? undefined : Math.round(ascent),
      total_descent: lastEle === undefined ? undefined : Math.round(descent),
      sport,
    });
    e.writeMessage('event', { timestamp: dateFromFitTime(t[0]), event: 'timer', event_type: 'start', event_group: 0 });
    let k = 0;
    const coursePoint = (c: PlacedPoint, index: number) => {
      e.writeMessage('course_point', {
        message_index: index,
        timestamp: dateFromFitTime(c.t),
        position_lat: semi(c.w.lat),
        position_long: semi(c.w.lon),
        distance: c.distance,
        type: c.type,
        name: c.w.name,
      });
    };
    for (let i = 0; i < n; i++) {
      const ele = pts[i].ele;
      e.writeMessage('record', {
        timestamp: dateFromFitTime(t[i]),
        position_lat: semi(lat[i]),
        position_long: semi(lon[i]),
        distance: d[i],
        altitude: ele !== undefined && ele >= -500 && ele <= 12_000 ? ele : undefined,
        enhanced_altitude: ele,
      });
      // Course points after the record at or before their time: the file stays in time order.
      while (k < placed.length && (i === n - 1 || placed[k].t < t[i + 1])) coursePoint(placed[k], k++);
    }
    e.writeMessage('event', { timestamp: dateFromFitTime(t[n - 1]), event: 'timer', event_type: 'stop_disable_all', event_group: 0 });
  });

  return {
    fit,
    summary: {
      name,
      from: path.from,
      records: n,
      coursePoints: placed.length,
      waypointsOff: off,
      distance: total,
      duration,
      timesFrom: timed ? 'gpx' : 'speed',
      timesMoved: moved,
      warnings,
    },
  };
}
