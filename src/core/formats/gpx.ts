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
 */
const M = {
  // Index 0: track points, 1: route points. A closing tag comes merged with what precedes it.
  open: [utf8('      <trkpt lat="'), utf8('    <rtept lat="')],
  close: [utf8('</trkpt>\n'), utf8('</rtept>\n')],
  extEndClose: [utf8('</extensions></trkpt>\n'), utf8('</extensions></rtept>\n')],
  tpxEndClose: [utf8('</gpxtpx:TrackPointExtension></extensions></trkpt>\n'), utf8('</gpxtpx:TrackPointExtension></extensions></rtept>\n')],
  lon: utf8('" lon="'),
  gt: utf8('">'),
  gtEle: utf8('"><ele>'),
  eleEnd: utf8('</ele>'),
  time: utf8('<time>'),
  zTimeEnd: utf8('Z</time>'),
  timeEnd: utf8('</time>'),
  sat: utf8('<sat>'),
  satEnd: utf8('</sat>'),
  hdop: utf8('<hdop>'),
  hdopEnd: utf8('</hdop>'),
  extTpx: utf8('<extensions><gpxtpx:TrackPointExtension>'),
  extPower: utf8(`<extensions><power xmlns="${POWER_NS}">`),
  powerEnd: utf8('</power>'),
  powerEndTpx: utf8('</power><gpxtpx:TrackPointExtension>'),
  atemp: utf8('<gpxtpx:atemp>'),
  atempEnd: utf8('</gpxtpx:atemp>'),
  hr: utf8('<gpxtpx:hr>'),
  hrEnd: utf8('</gpxtpx:hr>'),
  cad: utf8('<gpxtpx:cad>'),
  cadEnd: utf8('</gpxtpx:cad>'),
  speed: utf8('<gpxtpx:speed>'),
  speedEnd: utf8('</gpxtpx:speed>'),
  course: utf8('<gpxtpx:course>'),
  courseEnd: utf8('</gpxtpx:course>'),
};
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
  #minutePrefix: Uint8Array = new Uint8Array(0);

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
    n = put(b, n, M.open[kind]);
    n = putToFixed(b, n, p.lat, 9);
    n = put(b, n, M.lon);
    n = putToFixed(b, n, p.lon, 9);
    if (p.ele !== undefined) {
      n = put(b, n, M.gtEle);
      n = putDec3(b, n, p.ele);
      n = put(b, n, M.eleEnd);
    } else {
      n = put(b, n, M.gt);
    }
    if (p.time !== undefined) n = this.#time(b, n, p.time);
    if (this.#opts.gpsQuality) {
      if (p.sat !== undefined && p.sat >= 0) {
        n = put(b, n, M.sat);
        n = putInt(b, n, Math.round(p.sat));
        n = put(b, n, M.satEnd);
      }
      if (p.hdop !== undefined) {
        n = put(b, n, M.hdop);
        n = putDec3(b, n, p.hdop);
        n = put(b, n, M.hdopEnd);
      }
    }
    this.#out.end(this.#tpx ? this.#extensions(b, n, p, kind) : put(b, n, M.close[kind]));
  }

  /** `<time>` as isoTime writes it; whole seconds (nearly every point) reuse the minute's prefix. */
  #time(b: Uint8Array, n: number, ms: number): number {
    if (!(ms >= 0 && ms % 1000 === 0)) return put(b, n, utf8(`<time>${isoTime(ms)}</time>`));
    const minute = Math.floor(ms / 60_000);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#minutePrefix = utf8('<time>' + new Date(minute * 60_000).toISOString().slice(0, 17));
    }
    n = put(b, n, this.#minutePrefix);
    const sec = (ms / 1000) % 60;
    if (sec < 10) b[n++] = 48;
    n = putDigits(b, n, sec);
    return put(b, n, M.zTimeEnd);
  }

  /** Extensions, then the point's closing tag. */
  #extensions(b: Uint8Array, n: number, p: GpxPoint, kind: 0 | 1): number {
    // Order and ranges as TrackPointExtension_t declares them: atemp, hr (1..255), cad (0..254), speed, course.
    const temp = p.temp !== undefined;
    const hr = p.hr !== undefined && p.hr >= 1 && p.hr <= 255;
    const cad = p.cad !== undefined && p.cad >= 0 && p.cad <= 254;
    const v2 = this.#opts.extensions === 'v2';
    const speed = v2 && p.speed !== undefined;
    const course = v2 && p.course !== undefined;
    const tpx = temp || hr || cad || speed || course;
    if (p.power !== undefined) {
      n = put(b, n, M.extPower);
      n = putInt(b, n, Math.round(p.power));
      if (!tpx) return put(b, put(b, n, M.powerEnd), M.extEndClose[kind]);
      n = put(b, n, M.powerEndTpx);
    } else if (tpx) {
      n = put(b, n, M.extTpx);
    } else {
      return put(b, n, M.close[kind]);
    }
    if (temp) n = put(b, putDec3(b, put(b, n, M.atemp), p.temp!), M.atempEnd);
    if (hr) n = put(b, putInt(b, put(b, n, M.hr), Math.round(p.hr!)), M.hrEnd);
    if (cad) n = put(b, putInt(b, put(b, n, M.cad), Math.round(p.cad!)), M.cadEnd);
    if (speed) n = put(b, putDec3(b, put(b, n, M.speed), p.speed!), M.speedEnd);
    if (course) n = put(b, putDec3(b, put(b, n, M.course), p.course!), M.courseEnd);
    return put(b, n, M.tpxEndClose[kind]);
  }
}
