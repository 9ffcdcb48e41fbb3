/**
 * The first pass over an activity, course or locations file: everything small that the GPX
 * needs before its first track point (metadata bounds, sessions for the `trk`s, timer segments,
 * the device, time zone, waypoints, the `hr` samples stored at the end) and how far records
 * stray from time order, which sizes the second pass's sorting window. Memory: a few numbers per
 * session, event, course point, location and hr sample; nothing per record.
 */
import type { MessageObject } from '../../fit/decode/values.js';
import { FIT_MIN_ABSOLUTE } from '../../fit/kit/time.js';
import type { GpxBounds } from '../../formats/gpx.js';
import { HrExpander, type HrSample } from './hr-merge.js';
import { enumValue, fitTimeValue, numberValue, textValue } from './field-value.js';
import { validPosition } from './track.js';
import { degreesFromSemicircles } from '../../fit/kit/semicircles.js';

export interface Session {
  /** FIT seconds. */
  start: number;
  end: number;
  sport?: string;
  subSport?: string;
}

export interface DeviceFields {
  manufacturer?: string | number;
  product?: number;
  productName?: string;
  serial?: number;
}

export interface Outline {
  fileType?: string | number;
  timeCreated?: number;
  device: DeviceFields;
  sessions: Session[];
  /** Timer-running intervals [start, stop], FIT seconds, in order. */
  timer: [number, number][];
  /** Timer stops that happened while records were being written: each starts a new trkseg. */
  stops: number[];
  records: number;
  positions: number;
  firstTime?: number;
  lastTime?: number;
  bounds?: GpxBounds;
  /** Largest amount (s) by which a record's time lies before an earlier record's. */
  maxLag: number;
  /**
   * Added to device-relative times (below 0x10000000, seconds since power-up; VIRB cameras):
   * timestamp_correlation's timestamp - system_timestamp, else file_id.time_created taken as the
   * power-up time (as gpsbabel does).
   */
  relativeOffset: number;
  /** activity.local_timestamp - activity.timestamp: the activity's UTC offset in seconds. */
  tzOffset?: number;
  hr: HrSample[];
  warnings: string[];
  courseName?: string;
  /** course_point and location messages, kept whole (a few hundred at most). */
  coursePoints: MessageObject[];
  locations: MessageObject[];
}

const STOPS = new Set(['stop', 'stop_all', 'stop_disable', 'stop_disable_all']);
const num = numberValue;
const time = fitTimeValue;

export class OutlineCollector {
  #o: Outline = {
    device: {},
    sessions: [],
    timer: [],
    stops: [],
    records: 0,
    positions: 0,
    maxLag: 0,
    relativeOffset: 0,
    hr: [],
    warnings: [],
    coursePoints: [],
    locations: [],
  };
  #timerEvents: { t: number; start: boolean }[] = [];
  #hr = new HrExpander();
  #maxT = -Infinity;
  #b = { minLat: Infinity, minLon: Infinity, maxLat: -Infinity, maxLon: -Infinity };
  #creatorSeen = false;
  #correlation: number | undefined;

  add(m: MessageObject): void {
    const f = m.fields;
    switch (m.name) {
      case 'record':
        return this.#record(m);
      case 'event': {
        const t = time(f.timestamp);
        if (f.event === 'timer' && t !== undefined && typeof f.event_type === 'string') {
          if (f.event_type === 'start' || STOPS.has(f.event_type)) this.#timerEvents.push({ t, start: f.event_type === 'start' });
        }
        return;
      }
      case 'session': {
        const start = time(f.start_time);
        const end = time(f.timestamp) ?? (start !== undefined ? start + Math.max(0, num(f.total_elapsed_time) ?? 0) : undefined);
        if (start !== undefined && end !== undefined) {
          this.#o.sessions.push({ start, end, sport: textValue(f.sport), subSport: textValue(f.sub_sport) });
        }
        return;
      }
      case 'file_id':
        // The first file_id names the file; chained files keep the first one's identity.
        if (this.#o.fileType === undefined) {
          this.#o.fileType = enumValue(f.type);
          this.#o.timeCreated = time(f.time_created);
          this.#device(f);
        }
        return;
      case 'device_info':
        // The creator (device_index 0) describes the recording device too.
        if ((f.device_index === 'creator' || f.device_index === 0) && !this.#creatorSeen) {
          this.#creatorSeen = true;
          this.#device(f);
        }
        return;
      case 'activity': {
        const ts = time(f.timestamp);
        const local = time(f.local_timestamp);
        if (ts !== undefined && local !== undefined) this.#o.tzOffset = local - ts;
        return;
      }
      case 'hr':
        return this.#hr.add(m);
      case 'timestamp_correlation': {
        const ts = time(f.timestamp);
        const sys = time(f.system_timestamp);
        if (ts !== undefined && sys !== undefined) this.#correlation ??= ts - sys;
        return;
      }
      case 'course':
        this.#o.courseName = textValue(f.name) ?? this.#o.courseName;
        return;
      case 'course_point':
        this.#o.coursePoints.push(m);
        return;
      case 'location':
        this.#o.locations.push(m);
        return;
    }
  }

  #device(f: Record<string, unknown>): void {
    // file_id first; the creator's device_info fills in what it lacks.
    const d = this.#o.device;
    d.manufacturer ??= enumValue(f.manufacturer);
    d.product ??= num(f.garmin_product) ?? num(f.favero_product) ?? num(f.product);
    d.productName ??= textValue(f.product_name)?.trim() || undefined;
    d.serial ??= num(f.serial_number);
  }

  /** A record's time and position, read as pointFromRecord reads them (no point built: nothing else is needed here). */
  #record(m: MessageObject): void {
    this.#o.records++;
    const f = m.fields;
    const t = time(f.timestamp);
    let lat = num(f.position_lat);
    let lon = num(f.position_long);
    if (!validPosition(lat, lon)) lat = lon = undefined;
    const o = this.#o;
    if (t !== undefined) {
      if (t < this.#maxT) o.maxLag = Math.max(o.maxLag, this.#maxT - t);
      else this.#maxT = t;
      o.firstTime = o.firstTime === undefined ? t : Math.min(o.firstTime, t);
      o.lastTime = o.lastTime === undefined ? t : Math.max(o.lastTime, t);
    }
    if (lat !== undefined && lon !== undefined) {
      o.positions++;
      const b = this.#b;
      if (lat < b.minLat) b.minLat = lat;
      if (lat > b.maxLat) b.maxLat = lat;
      if (lon < b.minLon) b.minLon = lon;
      if (lon > b.maxLon) b.maxLon = lon;
    }
  }

  /** Adds a position (e.g. a waypoint's) to the bounds. */
  include(lat: number, lon: number): void {
    if (!validPosition(lat, lon)) return;
    const b = this.#b;
    b.minLat = Math.min(b.minLat, lat);
    b.maxLat = Math.max(b.maxLat, lat);
    b.minLon = Math.min(b.minLon, lon);
    b.maxLon = Math.max(b.maxLon, lon);
  }

  /** Bounds in degrees of every position seen or included so far. */
  bounds(): GpxBounds | undefined {
    const b = this.#b;
    if (b.minLat > b.maxLat) return undefined;
    return { minLat: degreesFromSemicircles(b.minLat), minLon: degreesFromSemicircles(b.minLon), maxLat: degreesFromSemicircles(b.maxLat), maxLon: degreesFromSemicircles(b.maxLon) };
  }

  /** Call once, after the last message. */
  finish(): Outline {
    const o = this.#o;
    o.bounds = this.bounds();
    o.sessions.sort((a, c) => a.start - c.start);
    o.relativeOffset = this.#correlation ?? (o.timeCreated !== undefined && o.timeCreated >= FIT_MIN_ABSOLUTE ? o.timeCreated : 0);
    o.hr = this.#hr.samples;
    o.warnings.push(...this.#hr.warnings);
    this.#timerSegments();
    return o;
  }

  /**
   * Timer intervals from timer start/stop events; without any, the sessions' spans, else the
   * records' span. A timer still running at the end closes at the last record or session end.
   */
  #timerSegments(): void {
    const o = this.#o;
    const evs = this.#timerEvents.sort((a, c) => a.t - c.t);
    const endOfAll = Math.max(o.lastTime ?? -Infinity, ...o.sessions.map((s) => s.end));
    let open: number | undefined;
    for (const e of evs) {
      if (e.start) open ??= e.t;
      else {
        if (open !== undefined) o.timer.push([open, e.t]);
        else if (o.firstTime !== undefined && e.t >= o.firstTime) o.timer.push([o.firstTime, e.t]); // no start event written
        open = undefined;
        o.stops.push(e.t);
      }
    }
    if (open !== undefined && Number.isFinite(endOfAll)) o.timer.push([open, Math.max(open, endOfAll)]);
    if (o.timer.length === 0) {
      if (o.sessions.length > 0) o.timer = o.sessions.map((s) => [s.start, s.end]);
      else if (o.firstTime !== undefined && o.lastTime !== undefined) o.timer = [[o.firstTime, o.lastTime]];
    }
  }
}
