/**
 * FIT activity, course or locations file → GPX, in two streaming passes over the input: the
 * first collects the outline (sessions, timer segments, bounds, device, hr samples, waypoints,
 * how disordered the records are), the second turns records into track points and writes them
 * as they come. Memory is bounded by the outline and the sorting window, not the file, which is
 * what lets a 100 MB multi-day file convert in a few tens of MB.
 *
 * No file system here: the caller opens the input (twice) and receives the text.
 */
import { diagnosticToError, type Diagnostic } from '../../errors.js';
import { decodeFitObjects, decodeFitObjectsStream } from '../../fit/decode/objects.js';
import type { MessageObject } from '../../fit/decode/values.js';
import { SEMICIRCLES_PER_DEGREE } from '../../fit/kit/semicircles.js';
import { FIT_EPOCH_S, FIT_MIN_ABSOLUTE } from '../../fit/kit/time.js';
import { standardProfile, type Profile } from '../../fit/profile/profile.js';
import { GpxWriter, isoTime, type GpxPoint, type GpxWaypoint } from '../../formats/gpx.js';
import { describeDevice } from './device.js';
import { HrMerger } from './hr-merge.js';
import { locationFromMessage, locationWaypoint, selectLocations, type SavedLocation } from './locations.js';
import { OutlineCollector, type Outline } from './outline.js';
import { fitTimeValue, numberValue, textValue } from './field-value.js';
import { bearing, pointField, pointFromRecord, TimeOrderer, validPosition, type TrackPoint } from './track.js';
import { degreesFromSemicircles } from '../../fit/kit/semicircles.js';

export type FitSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface FitToGpxOptions {
  profile?: Profile;
  /** TrackPointExtension v1 (default), v2 (adds speed, course) or none. */
  extensions?: 'v1' | 'v2' | 'none';
  /** `sat` and `hdop` from developer fields (COROS). */
  gpsQuality?: boolean;
  /** Course files as `rte` instead of `trk`. */
  route?: boolean;
  /** Waypoints from a separate Locations file; by default only those saved during the ride. */
  locations?: SavedLocation[];
  allWaypoints?: boolean;
  /** metadata/name, e.g. the input's base name. */
  name?: string;
  /**
   * Awaited between input chunks while writing points, when it returns a promise: lets a sink
   * that writes in the background hold the conversion back, so output never piles up in memory.
   */
  drain?: () => Promise<void> | undefined;
}

export interface FitToGpxResult {
  kind: 'activity' | 'course' | 'locations';
  tracks: number;
  segments: number;
  points: number;
  waypoints: number;
  records: number;
  diagnostics: Diagnostic[];
  warnings: string[];
  complete: boolean;
}

const ms = (t: number) => (t + FIT_EPOCH_S) * 1000;
/** Unix ms of a FIT time, device-relative times moved by the outline's offset. */
const msOf = (o: Outline, t: number) => ms(t < FIT_MIN_ABSOLUTE ? t + o.relativeOffset : t);

function throwIfNotFit(diagnostics: Diagnostic[], messages: number): void {
  const fatal = diagnostics.find((d) => d.level === 'error');
  if (fatal && messages === 0) throw diagnosticToError(fatal);
}

/** The locations of a Locations.fit / Lctns.fit held in memory (a few KB). */
export function readLocations(bytes: Uint8Array, profile: Profile = standardProfile()): SavedLocation[] {
  const r = decodeFitObjects(bytes, { profile, dates: 'raw' });
  throwIfNotFit(r.diagnostics, r.messages.length);
  return r.messages.filter((m) => m.name === 'location').flatMap((m) => locationFromMessage(m) ?? []);
}

/** Writes the GPX to `sink` as UTF-8 chunks, each lent for the call (copy it to keep it). */
export async function fitToGpx(open: () => FitSource, sink: (chunk: Uint8Array) => void, opts: FitToGpxOptions = {}): Promise<FitToGpxResult> {
  const profile = opts.profile ?? standardProfile();
  const collector = new OutlineCollector();
  // The outline needs only time and position of each record.
  const only = { record: ['timestamp', 'position_lat', 'position_long'] };
  const first = await decodeFitObjectsStream(open(), (m) => collector.add(m), { profile, dates: 'raw', only });
  throwIfNotFit(first.diagnostics, first.messages);
  const outline = collector.finish();
  const kind = outline.fileType === 'course' ? 'course' : outline.records === 0 && outline.locations.length > 0 ? 'locations' : 'activity';

  const waypoints = pickWaypoints(outline, kind, opts, profile);
  for (const w of waypoints) collector.include(w.lat * SEMICIRCLES_PER_DEGREE, w.lon * SEMICIRCLES_PER_DEGREE);
  const bounds = collector.bounds();

  const writer = new GpxWriter(sink, { extensions: opts.extensions ?? 'v1', gpsQuality: opts.gpsQuality });
  const device = describeDevice(outline.device, profile);
  const start = outline.timeCreated ?? outline.firstTime;
  writer.begin({ name: opts.name, desc: device, time: start === undefined ? undefined : msOf(outline, start), bounds });
  for (const w of waypoints) writer.waypoint(w);

  const result: FitToGpxResult = {
    kind,
    tracks: 0,
    segments: 0,
    points: 0,
    waypoints: waypoints.length,
    records: outline.records,
    diagnostics: first.diagnostics,
    warnings: outline.warnings,
    complete: first.complete,
  };
  if (outline.positions > 0) {
    const out = kind === 'course' ? courseOutput(writer, outline, opts, result) : activityOutput(writer, outline, opts, device, result);
    const source = opts.drain ? paced(open(), opts.drain) : open();
    // The first pass checked the CRCs and collected the diagnostics; this one only reads records.
    const opts2 = { profile, dates: 'raw' as const, enums: false, crc: false, only: { record: pointField } };
    await decodeFitObjectsStream(source, (m) => m.name === 'record' && out.record(m), opts2);
    out.end();
  }
  writer.end();
  return result;
}

/**
 * The input in pieces of at most 256 KiB (a few MB of GPX each), pausing after each while
 * `drain` says the output is behind.
 */
async function* paced(source: FitSource, drain: () => Promise<void> | undefined): AsyncIterable<Uint8Array> {
  const PIECE = 1 << 18;
  for await (const chunk of source) {
    for (let at = 0; at < chunk.length; at += PIECE) {
      yield chunk.subarray(at, at + PIECE);
      const wait = drain();
      if (wait) await wait;
    }
  }
}

function pickWaypoints(outline: Outline, kind: FitToGpxResult['kind'], opts: FitToGpxOptions, profile: Profile): GpxWaypoint[] {
  const symbols = profile.types.get('location_symbol')?.values;
  const symbolName = symbols ? (n: number) => symbols.get(n) : undefined;
  const own = outline.locations.flatMap((m) => locationFromMessage(m) ?? []);
  if (kind === 'locations') return [...own, ...(opts.locations ?? [])].map((l) => locationWaypoint(l, symbolName));
  const wpts: GpxWaypoint[] = [];
  if (kind === 'course') {
    for (const m of outline.coursePoints) {
      const f = m.fields;
      const [lat, lon, time, name, type] = [numberValue(f.position_lat), numberValue(f.position_long), fitTimeValue(f.timestamp), textValue(f.name), textValue(f.type)];
      if (!validPosition(lat, lon)) continue;
      const w: GpxWaypoint = { lat: degreesFromSemicircles(lat!), lon: degreesFromSemicircles(lon!) };
      if (time !== undefined) w.time = msOf(outline, time);
      if (name !== undefined) w.name = name;
      if (type !== undefined) w.sym = w.type = type;
      wpts.push(w);
    }
  }
  const locs = [...own, ...(opts.locations ?? [])];
  const chosen = opts.allWaypoints ? locs : selectLocations(locs, { segments: outline.timer, tzOffsetS: outline.tzOffset });
  return [...wpts, ...chosen.map((l) => locationWaypoint(l, symbolName))];
}

interface Output {
  record(m: MessageObject): void;
  end(): void;
}

/**
 * The GPX point of a track point, written into `g`: one object per output, reused for every
 * point (the writer prints a point at once and keeps nothing), so millions of points allocate
 * none. `prev` (same segment) gives the v2 course: pass it only for v2.
 */
function gpxPoint(g: GpxPoint, o: Outline, p: TrackPoint, prev: TrackPoint | undefined): GpxPoint {
  g.lat = degreesFromSemicircles(p.lat!);
  g.lon = degreesFromSemicircles(p.lon!);
  g.time = p.timed ? msOf(o, p.t) : undefined;
  g.ele = p.ele;
  g.hr = p.hr;
  g.cad = p.cad;
  g.power = p.power;
  g.temp = p.temp;
  g.speed = p.speed;
  g.sat = p.sat;
  g.hdop = p.hdop;
  g.course = prev && (prev.lat !== p.lat || prev.lon !== p.lon) ? bearing(prev.lat!, prev.lon!, p.lat!, p.lon!) : undefined;
  return g;
}

/** A point with every property present (absent ones undefined): one object shape for the writer. */
const blankPoint = (): GpxPoint => ({
  lat: 0,
  lon: 0,
  time: undefined,
  ele: undefined,
  hr: undefined,
  cad: undefined,
  power: undefined,
  temp: undefined,
  speed: undefined,
  sat: undefined,
  hdop: undefined,
  course: undefined,
});

/**
 * Courses: records in file order (the path; their timestamps are synthetic and may repeat or
 * go backwards), one `trk` with one segment, or one `rte`.
 */
function courseOutput(w: GpxWriter, o: Outline, opts: FitToGpxOptions, r: FitToGpxResult): Output {
  const info = { name: o.courseName ?? opts.name, type: 'course' };
  const g = blankPoint();
  let prev: TrackPoint | undefined;
  return {
    record(m) {
      const p = pointFromRecord(m);
      if (!p || p.lat === undefined) return;
      if (!prev) {
        if (opts.route) w.beginRoute(info);
        else {
          w.beginTrack(info);
          w.beginSegment();
        }
        r.tracks = r.segments = 1;
      }
      const before = opts.extensions === 'v2' ? prev : undefined;
      if (opts.route) w.routePoint(gpxPoint(g, o, p, before));
      else w.trackPoint(gpxPoint(g, o, p, before));
      prev = p;
      r.points++;
    },
    end() {
      if (!prev) return;
      if (opts.route) w.endRoute();
      else {
        w.endSegment();
        w.endTrack();
      }
    },
  };
}

/**
 * Activities: one `trk` per session (a session covers the time from its start to the next
 * session's start; points before the first belong to it), a new `trkseg` after each timer stop.
 */
function activityOutput(w: GpxWriter, o: Outline, opts: FitToGpxOptions, device: string | undefined, r: FitToGpxResult): Output {
  const merger = o.hr.length > 0 ? new HrMerger(o.hr) : undefined;
  const sessions = o.sessions;
  const g = blankPoint();
  let session = -1;
  let stop = 0;
  let prev: TrackPoint | undefined;
  const emit = (p: TrackPoint) => {
    if (merger && p.timed) {
      const hr = merger.next(p.t);
      if (hr !== undefined) p.hr = hr;
    }
    if (p.lat === undefined) return;
    let s = Math.max(session, 0);
    while (s + 1 < sessions.length && p.t >= sessions[s + 1].start) s++;
    if (s !== session) {
      if (session >= 0) {
        w.endSegment();
        w.endTrack();
      }
      const sess = sessions[s];
      const sport = sess?.sport ?? 'activity';
      const start = sess?.start ?? (p.timed ? p.t : undefined);
      w.beginTrack({ name: start === undefined ? sport : `${sport} ${isoTime(msOf(o, start))}`, desc: device, type: sess?.sport });
      w.beginSegment();
      r.tracks++;
      r.segments++;
      session = s;
      prev = undefined;
    } else if (prev) {
      while (stop < o.stops.length && o.stops[stop] < prev.t) stop++;
      if (stop < o.stops.length && o.stops[stop] < p.t) {
        w.endSegment();
        w.beginSegment();
        r.segments++;
        prev = undefined;
      }
    }
    w.trackPoint(gpxPoint(g, o, p, opts.extensions === 'v2' ? prev : undefined));
    prev = p;
    r.points++;
  };
  const orderer = new TimeOrderer(o.maxLag, emit);
  return {
    record(m) {
      const p = pointFromRecord(m);
      if (p) orderer.push(p);
    },
    end() {
      orderer.end();
      if (session >= 0) {
        w.endSegment();
        w.endTrack();
      }
      if (orderer.late > 0) r.warnings.push(`${orderer.late} record(s) too far out of time order were left out`);
    },
  };
}
