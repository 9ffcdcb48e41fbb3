/**
 * GPX 1.1 written as text, element by element, to a sink: no DOM, so a 100 MB activity converts
 * in bounded memory. Element order follows gpx.xsd (Ref: https://www.topografix.com/GPX/1/1/);
 * waypoints must therefore be written before routes and tracks.
 *
 * Per-point data beyond position, elevation and time goes into `<extensions>`:
 * - Garmin TrackPointExtension v1 (atemp, hr, cad) or v2 (adds speed, course), prefix `gpxtpx`;
 * - a plain `<power>` element (what Strava and GoldenCheetah read). gpx.xsd only admits elements
 *   from another namespace in `<extensions>`, so it carries its own default namespace
 *   (POWER_NS); its tag stays the bare `power` readers look for.
 */

import { putDigits, putInt } from '../bytes/ascii-digits.js';
import { putDec3, putToFixed } from '../bytes/ascii-decimals.js';
import { put, TextBuffer, utf8 } from '../bytes/text-buffer.js';

export const GPX_NS = 'http://www.topografix.com/GPX/1/1';
export const TPX_V1_NS = 'http://www.garmin.com/xmlschemas/TrackPointExtension/v1';
export const TPX_V2_NS = 'http://www.garmin.com/xmlschemas/TrackPointExtension/v2';
export const POWER_NS = 'urn:fitkit:gpx:power:v1';
const SCHEMA_LOCATIONS: Record<string, string> = {
  [GPX_NS]: 'http://www.topografix.com/GPX/1/1/gpx.xsd',
  [TPX_V1_NS]: 'http://www.garmin.com/xmlschemas/TrackPointExtensionv1.xsd',
  [TPX_V2_NS]: 'http://www.garmin.com/xmlschemas/TrackPointExtensionv2.xsd',
};

export interface GpxOptions {
  /** TrackPointExtension version, or none (then no `<extensions>` at all, power included). */
  extensions: 'v1' | 'v2' | 'none';
  /** Write `sat` and `hdop` on track points when known. */
  gpsQuality?: boolean;
  creator?: string;
}

export interface GpxBounds {
  minLat: number;
  minLon: number;
  maxLat: number;
  maxLon: number;
}

export interface GpxMetadata {
  name?: string;
  desc?: string;
  /** Unix milliseconds. */
  time?: number;
  bounds?: GpxBounds;
}

/** A track or route point; lat/lon in degrees, time in Unix milliseconds. */
export interface GpxPoint {
  lat: number;
  lon: number;
  ele?: number;
  time?: number;
  hr?: number;
  cad?: number;
  power?: number;
  temp?: number;
  speed?: number;
  course?: number;
  sat?: number;
  hdop?: number;
}

export interface GpxWaypoint {
  lat: number;
  lon: number;
  ele?: number;
  time?: number;
  name?: string;
  cmt?: string;
  desc?: string;
  sym?: string;
  type?: string;
}

export interface GpxTrackInfo {
  name?: string;
  desc?: string;
  type?: string;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Text and attribute escaping; control characters XML 1.0 forbids are dropped. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => ESC[c] ?? '');
}

/** `2024-04-09T09:23:00Z`: whole seconds written without a fraction, others to the millisecond. */
export function isoTime(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? s.slice(0, -5) + 'Z' : s;
}

/**
 * Degrees with 9 decimals: a semicircle is 8.4e-8°, so nothing is lost and trailing noise is cut.
 * (The writer prints the same digits straight into bytes: putToFixed.)
 */
const deg = (v: number): string => {
  const n = Math.round(Math.abs(v) * 1e9);
  const whole = Math.floor(n / 1e9);
  const frac = String(n - whole * 1e9);
  return (v < 0 && n !== 0 ? '-' : '') + whole + '.' + '000000000'.slice(frac.length) + frac;
};
/** Up to 3 decimals, no trailing zeros (enhanced_altitude is in 0.2 m steps); putDec3 in bytes. */
const num = (v: number) => String(Math.round(v * 1000) / 1000);

/**
 * Markup of points, encoded once. A point takes one line (`<trkpt …><ele>…</ele><time>…</time>
 * <extensions>…</extensions></trkpt>`): readers see the same elements, and on a multi-day file
 * the indentation of five lines per point would be a tenth of the output.
 *
 * Between two values goes one piece, J[last][next]: the closing of the element written last,
 * the wrappers entered or left (`<extensions>`, `<gpxtpx:TrackPointExtension>`) and the opening
 * of the next element, or the point's end. Six to ten pieces a point instead of fifteen.
 */
const OPEN_POINT = [utf8('      <trkpt lat="'), utf8('    <rtept lat="')];
const LON = utf8('" lon="');

/** What was written last (its closing is owed). `Text`: a complete element, nothing owed. */
const enum Last {
  Lon,
  Ele,
  Time,
  Text,
  Sat,
  Hdop,
  Power,
  Atemp,
  Hr,
  Cad,
  Speed,
  Course,
}
/** What comes next: an element (its opening), nothing (`Text`: a complete element follows), the point's end. */
const enum Next {
  Ele,
  Sat,
  Hdop,
  Power,
  Atemp,
  Hr,
  Cad,
  Speed,
  Course,
  Text,
  EndTrkpt,
  EndRtept,
}
// By Last: the closing owed, and the nesting it leaves open (0 the point, 1 extensions, 2 TrackPointExtension).
const CLOSE = ['">', '</ele>', 'Z</time>', '', '</sat>', '</hdop>', '</power>', '</gpxtpx:atemp>', '</gpxtpx:hr>', '</gpxtpx:cad>', '</gpxtpx:speed>', '</gpxtpx:course>'];
const CLOSE_DEPTH = [0, 0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 2];
// By Next: the opening, and the nesting it needs (-1: the point's end).
const OPEN = ['<ele>', '<sat>', '<hdop>', `<power xmlns="${POWER_NS}">`, '<gpxtpx:atemp>', '<gpxtpx:hr>', '<gpxtpx:cad>', '<gpxtpx:speed>', '<gpxtpx:course>', '', '</trkpt>\n', '</rtept>\n'];
const OPEN_DEPTH = [0, 0, 0, 1, 2, 2, 2, 2, 2, 0, -1, -1];

function junction(last: number, next: number): Uint8Array {
  const from = CLOSE_DEPTH[last];
  const to = OPEN_DEPTH[next];
  let s = CLOSE[last];
  if (to < 0) s += (from === 2 ? '</gpxtpx:TrackPointExtension>' : '') + (from >= 1 ? '</extensions>' : '');
  else s += (from === 0 && to >= 1 ? '<extensions>' : '') + (from < 2 && to === 2 ? '<gpxtpx:TrackPointExtension>' : '');
  return utf8(s + OPEN[next]);
}
const J = CLOSE.map((_, last) => OPEN.map((_, next) => junction(last, next)));

/** A point's bytes never exceed this (numbers of at most ~25 characters each). */
const MAX_POINT = 1024;

/**
 * Writes GPX as UTF-8 chunks to `sink` (each chunk the sink's to keep). Track points, millions
 * in a big file, go straight into bytes; the rest is text like any other.
 */
export class GpxWriter {
  #out: TextBuffer;
  #opts: GpxOptions;
  #tpx: string | undefined;
  #minute = NaN;
  /** `<time>` and the minute's `YYYY-MM-DDTHH:MM:`, after the position (0) or after `<ele>` (1), with what closes them. */
  #minutePrefix: Uint8Array[] = [];

  constructor(sink: (chunk: Uint8Array) => void, opts: GpxOptions) {
    this.#out = new TextBuffer(sink);
    this.#opts = opts;
    this.#tpx = opts.extensions === 'v1' ? TPX_V1_NS : opts.extensions === 'v2' ? TPX_V2_NS : undefined;
  }

  flush(): void {
    this.#out.flush();
  }

  begin(meta: GpxMetadata): void {
    const ns = [GPX_NS, ...(this.#tpx ? [this.#tpx] : [])];
    const loc = ns.map((n) => `${n} ${SCHEMA_LOCATIONS[n]}`).join(' ');
    let s =
      `<?xml version="1.0" encoding="UTF-8"?>\n` +
      `<gpx version="1.1" creator="${escapeXml(this.#opts.creator ?? 'fitkit')}" xmlns="${GPX_NS}"` +
      ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"` +
      (this.#tpx ? ` xmlns:gpxtpx="${this.#tpx}"` : '') +
      ` xsi:schemaLocation="${loc}">\n`;
    s += '  <metadata>\n';
    if (meta.name) s += `    <name>${escapeXml(meta.name)}</name>\n`;
    if (meta.desc) s += `    <desc>${escapeXml(meta.desc)}</desc>\n`;
    if (meta.time !== undefined) s += `    <time>${isoTime(meta.time)}</time>\n`;
    const b = meta.bounds;
    if (b) s += `    <bounds minlat="${deg(b.minLat)}" minlon="${deg(b.minLon)}" maxlat="${deg(b.maxLat)}" maxlon="${deg(b.maxLon)}"/>\n`;
    this.#out.text(s + '  </metadata>\n');
  }

  waypoint(w: GpxWaypoint): void {
    let s = `  <wpt lat="${deg(w.lat)}" lon="${deg(w.lon)}">\n`;
    if (w.ele !== undefined) s += `    <ele>${num(w.ele)}</ele>\n`;
    if (w.time !== undefined) s += `    <time>${isoTime(w.time)}</time>\n`;
    if (w.name) s += `    <name>${escapeXml(w.name)}</name>\n`;
    if (w.cmt) s += `    <cmt>${escapeXml(w.cmt)}</cmt>\n`;
    if (w.desc) s += `    <desc>${escapeXml(w.desc)}</desc>\n`;
    if (w.sym) s += `    <sym>${escapeXml(w.sym)}</sym>\n`;
    if (w.type) s += `    <type>${escapeXml(w.type)}</type>\n`;
    this.#out.text(s + '  </wpt>\n');
  }

  beginTrack(t: GpxTrackInfo): void {
    this.#out.text('  <trk>\n' + this.#info(t));
  }

  beginSegment(): void {
    this.#out.text('    <trkseg>\n');
  }

  trackPoint(p: GpxPoint): void {
    this.#point(0, p);
  }

  endSegment(): void {
    this.#out.text('    </trkseg>\n');
  }

  endTrack(): void {
    this.#out.text('  </trk>\n');
  }

  beginRoute(t: GpxTrackInfo): void {
    this.#out.text('  <rte>\n' + this.#info(t));
  }

  routePoint(p: GpxPoint): void {
    this.#point(1, p);
  }

  endRoute(): void {
    this.#out.text('  </rte>\n');
  }

  end(): void {
    this.#out.text('</gpx>\n');
    this.flush();
  }

  #info(t: GpxTrackInfo): string {
    let s = '';
    if (t.name) s += `    <name>${escapeXml(t.name)}</name>\n`;
    if (t.desc) s += `    <desc>${escapeXml(t.desc)}</desc>\n`;
    if (t.type) s += `    <type>${escapeXml(t.type)}</type>\n`;
    return s;
  }

  /** A point, `kind` 0 trkpt or 1 rtept. */
  #point(kind: 0 | 1, p: GpxPoint): void {
    const b = this.#out.room(MAX_POINT);
    let n = this.#out.index();
    n = put(b, n, OPEN_POINT[kind]);
    n = putToFixed(b, n, p.lat, 9);
    n = put(b, n, LON);
    n = putToFixed(b, n, p.lon, 9);
    let last = Last.Lon;
    if (p.ele !== undefined) {
      n = putDec3(b, put(b, n, J[last][Next.Ele]), p.ele);
      last = Last.Ele;
    }
    if (p.time !== undefined) {
      const ms = p.time;
      if (ms >= 0 && ms % 1000 === 0) {
        n = this.#seconds(b, n, ms, last === Last.Ele ? 1 : 0);
        last = Last.Time;
      } else {
        n = put(b, put(b, n, J[last][Next.Text]), utf8(`<time>${isoTime(ms)}</time>`));
        last = Last.Text;
      }
    }
    if (this.#opts.gpsQuality) {
      if (p.sat !== undefined && p.sat >= 0) {
        n = putInt(b, put(b, n, J[last][Next.Sat]), Math.round(p.sat));
        last = Last.Sat;
      }
      if (p.hdop !== undefined) {
        n = putDec3(b, put(b, n, J[last][Next.Hdop]), p.hdop);
        last = Last.Hdop;
      }
    }
    if (this.#tpx) {
      // Order and ranges as TrackPointExtension_t declares them: atemp, hr (1..255), cad (0..254), speed, course.
      if (p.power !== undefined) {
        n = putInt(b, put(b, n, J[last][Next.Power]), Math.round(p.power));
        last = Last.Power;
      }
      if (p.temp !== undefined) {
        n = putDec3(b, put(b, n, J[last][Next.Atemp]), p.temp);
        last = Last.Atemp;
      }
      if (p.hr !== undefined && p.hr >= 1 && p.hr <= 255) {
        n = putInt(b, put(b, n, J[last][Next.Hr]), Math.round(p.hr));
        last = Last.Hr;
      }
      if (p.cad !== undefined && p.cad >= 0 && p.cad <= 254) {
        n = putInt(b, put(b, n, J[last][Next.Cad]), Math.round(p.cad));
        last = Last.Cad;
      }
      if (this.#opts.extensions === 'v2') {
        if (p.speed !== undefined) {
          n = putDec3(b, put(b, n, J[last][Next.Speed]), p.speed);
          last = Last.Speed;
        }
        if (p.course !== undefined) {
          n = putDec3(b, put(b, n, J[last][Next.Course]), p.course);
          last = Last.Course;
        }
      }
    }
    this.#out.end(put(b, n, J[last][Next.EndTrkpt + kind]));
  }

  /** A whole second's `<time>` as isoTime writes it, its minute's prefix reused; `after` 1: after `<ele>`, 0: after the position. */
  #seconds(b: Uint8Array, n: number, ms: number, after: 0 | 1): number {
    const minute = Math.floor(ms / 60_000);
    if (minute !== this.#minute) {
      this.#minute = minute;
      const prefix = '<time>' + new Date(minute * 60_000).toISOString().slice(0, 17);
      this.#minutePrefix = [utf8(CLOSE[Last.Lon] + prefix), utf8(CLOSE[Last.Ele] + prefix)];
    }
    n = put(b, n, this.#minutePrefix[after]);
    const sec = (ms / 1000) % 60;
    if (sec < 10) b[n++] = 48;
    return putDigits(b, n, sec);
  }
}
