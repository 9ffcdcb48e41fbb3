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
  // eslint-disable-next-line no-control-regex
  return s.replace(/[&<>"]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => ESC[c] ?? '');
}

let cachedMinute = NaN;
let cachedPrefix = '';

/** `2024-04-09T09:23:00Z`: whole seconds written without a fraction, others to the millisecond. */
export function isoTime(ms: number): string {
  if (ms >= 0 && ms % 1000 === 0) {
    // Track points come second by second: format each minute once (a hot path on big files).
    const minute = Math.floor(ms / 60_000);
    if (minute !== cachedMinute) {
      cachedMinute = minute;
      cachedPrefix = new Date(minute * 60_000).toISOString().slice(0, 17);
    }
    const sec = (ms / 1000) % 60;
    return cachedPrefix + (sec < 10 ? '0' : '') + sec + 'Z';
  }
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? s.slice(0, -5) + 'Z' : s;
}

/**
 * Degrees with 9 decimals: a semicircle is 8.4e-8°, so nothing is lost and trailing noise is cut.
 * Integer arithmetic instead of toFixed (exact below 2^53: |v| ≤ 180), the hottest formatting here.
 */
function deg(v: number): string {
  const n = Math.round(Math.abs(v) * 1e9);
  const whole = Math.floor(n / 1e9);
  const frac = String(n - whole * 1e9);
  return (v < 0 && n !== 0 ? '-' : '') + whole + '.' + '000000000'.slice(frac.length) + frac;
}
/** Up to 3 decimals, no trailing zeros (enhanced_altitude is in 0.2 m steps). */
const num = (v: number) => String(Math.round(v * 1000) / 1000);

export class GpxWriter {
  #sink: (s: string) => void;
  #opts: GpxOptions;
  #buf = '';
  #tpx: string | undefined;

  constructor(sink: (s: string) => void, opts: GpxOptions) {
    this.#sink = sink;
    this.#opts = opts;
    this.#tpx = opts.extensions === 'v1' ? TPX_V1_NS : opts.extensions === 'v2' ? TPX_V2_NS : undefined;
  }

  #out(s: string): void {
    this.#buf += s;
    if (this.#buf.length > 1 << 16) this.flush();
  }

  flush(): void {
    if (this.#buf) this.#sink(this.#buf);
    this.#buf = '';
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
    this.#out(s + '  </metadata>\n');
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
    this.#out(s + '  </wpt>\n');
  }

  beginTrack(t: GpxTrackInfo): void {
    this.#out('  <trk>\n' + this.#info(t));
  }

  beginSegment(): void {
    this.#out('    <trkseg>\n');
  }

  trackPoint(p: GpxPoint): void {
    this.#out(this.#point('trkpt', p, '      '));
  }

  endSegment(): void {
    this.#out('    </trkseg>\n');
  }

  endTrack(): void {
    this.#out('  </trk>\n');
  }

  beginRoute(t: GpxTrackInfo): void {
    this.#out('  <rte>\n' + this.#info(t));
  }

  routePoint(p: GpxPoint): void {
    this.#out(this.#point('rtept', p, '    '));
  }

  endRoute(): void {
    this.#out('  </rte>\n');
  }

  end(): void {
    this.#out('</gpx>\n');
    this.flush();
  }

  #info(t: GpxTrackInfo): string {
    let s = '';
    if (t.name) s += `    <name>${escapeXml(t.name)}</name>\n`;
    if (t.desc) s += `    <desc>${escapeXml(t.desc)}</desc>\n`;
    if (t.type) s += `    <type>${escapeXml(t.type)}</type>\n`;
    return s;
  }

  #point(tag: string, p: GpxPoint, ind: string): string {
    let s = `${ind}<${tag} lat="${deg(p.lat)}" lon="${deg(p.lon)}">\n`;
    if (p.ele !== undefined) s += `${ind}  <ele>${num(p.ele)}</ele>\n`;
    if (p.time !== undefined) s += `${ind}  <time>${isoTime(p.time)}</time>\n`;
    if (this.#opts.gpsQuality) {
      if (p.sat !== undefined && p.sat >= 0) s += `${ind}  <sat>${Math.round(p.sat)}</sat>\n`;
      if (p.hdop !== undefined) s += `${ind}  <hdop>${num(p.hdop)}</hdop>\n`;
    }
    if (this.#tpx) s += this.#extensions(p, ind + '  ');
    return s + `${ind}</${tag}>\n`;
  }

  #extensions(p: GpxPoint, ind: string): string {
    let tpx = '';
    // Order and ranges as TrackPointExtension_t declares them: atemp, hr (1..255), cad (0..254), speed, course.
    if (p.temp !== undefined) tpx += `<gpxtpx:atemp>${num(p.temp)}</gpxtpx:atemp>`;
    if (p.hr !== undefined && p.hr >= 1 && p.hr <= 255) tpx += `<gpxtpx:hr>${Math.round(p.hr)}</gpxtpx:hr>`;
    if (p.cad !== undefined && p.cad >= 0 && p.cad <= 254) tpx += `<gpxtpx:cad>${Math.round(p.cad)}</gpxtpx:cad>`;
    if (this.#opts.extensions === 'v2') {
      if (p.speed !== undefined) tpx += `<gpxtpx:speed>${num(p.speed)}</gpxtpx:speed>`;
      if (p.course !== undefined) tpx += `<gpxtpx:course>${num(p.course)}</gpxtpx:course>`;
    }
    const power = p.power !== undefined ? `<power xmlns="${POWER_NS}">${Math.round(p.power)}</power>` : '';
    if (!tpx && !power) return '';
    return `${ind}<extensions>${power}${tpx ? `<gpxtpx:TrackPointExtension>${tpx}</gpxtpx:TrackPointExtension>` : ''}</extensions>\n`;
  }
}
