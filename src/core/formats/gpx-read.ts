/**
 * GPX 1.0 and 1.1 read in one pass over the text (XmlScanner, no tree): waypoints, routes and
 * tracks (a track's segments joined in order), with name, desc, type and sym, elevation and
 * time. Elements are matched by local name, so extensions in any namespace are skipped. Errors
 * are one line with the line number: not XML, not GPX. A point without a valid lat/lon is left
 * out and counted in `warnings`; a time that is not a time is dropped from its point.
 * Ref: https://www.topografix.com/GPX/1/1/gpx.xsd
 */
import { FitkitError } from '../errors.js';
import { WarningTally } from './warning-tally.js';
import { clip, XmlError, XmlScanner, type XmlAttrs, type XmlHandler } from './xml-scan.js';
import type { GpxWaypoint } from './gpx.js';

/** A track or route point as read: degrees, metres, Unix ms. */
export interface GpxReadPoint {
  lat: number;
  lon: number;
  ele?: number;
  time?: number;
  name?: string;
  sym?: string;
  type?: string;
}

export interface GpxPath {
  kind: 'track' | 'route';
  name?: string;
  desc?: string;
  type?: string;
  points: GpxReadPoint[];
}

export interface GpxDocument {
  name?: string;
  /** metadata time (1.1) or the root's time (1.0), Unix ms. */
  time?: number;
  waypoints: GpxWaypoint[];
  /** Tracks and routes in document order. */
  paths: GpxPath[];
  warnings: string[];
}

/** Points a document may hold (a year of 1 Hz track is 31.5 M): memory stays bounded. */
export const MAX_GPX_POINTS = 10_000_000;

function gpxError(line: number, message: string): FitkitError {
  return new FitkitError('bad_gpx', `line ${line}: ${message}`);
}

const POINTS = new Set(['wpt', 'rtept', 'trkpt']);
const POINT_TEXT = new Set(['ele', 'time', 'name', 'sym', 'type', 'desc', 'cmt']);
const PATH_TEXT = new Set(['name', 'desc', 'type']);

class GpxReader implements XmlHandler {
  scanner!: XmlScanner;
  readonly stack: string[] = [];
  readonly doc: GpxDocument = { waypoints: [], paths: [], warnings: [] };
  readonly tally = new WarningTally();
  point: (GpxReadPoint & { desc?: string; cmt?: string }) | undefined;
  pointKind = '';
  pointLine = 0;
  path: GpxPath | undefined;
  want: string | undefined;
  buf = '';
  count = 0;

  get wantsText(): boolean {
    return this.want !== undefined;
  }

  open(local: string, attrs: XmlAttrs, at: number): void {
    const st = this.stack;
    const parent = st[st.length - 1] ?? '';
    if (st.length === 0 && local !== 'gpx') throw gpxError(this.scanner.lineAt(at), `not GPX: <${clip(local)}>, not <gpx>`);
    this.want = undefined;
    if (POINTS.has(local) && ((local === 'wpt' && parent === 'gpx') || (local === 'rtept' && parent === 'rte') || (local === 'trkpt' && parent === 'trkseg'))) {
      const lat = Number(attrs.find((a) => a[0] === 'lat')?.[1] ?? NaN);
      const lon = Number(attrs.find((a) => a[0] === 'lon')?.[1] ?? NaN);
      this.pointLine = this.scanner.lineAt(at);
      if (++this.count > MAX_GPX_POINTS) throw gpxError(this.pointLine, `more than ${MAX_GPX_POINTS} points`);
      this.pointKind = local;
      this.point = { lat, lon };
    } else if ((local === 'trk' || local === 'rte') && parent === 'gpx') {
      this.path = { kind: local === 'trk' ? 'track' : 'route', points: [] };
      this.doc.paths.push(this.path);
    } else if (this.point && parent === this.pointKind && POINT_TEXT.has(local)) this.want = local;
    else if (this.path && !this.point && (parent === 'trk' || parent === 'rte') && PATH_TEXT.has(local)) this.want = `path.${local}`;
    else if ((parent === 'metadata' || parent === 'gpx') && (local === 'name' || local === 'time')) this.want = `doc.${local}`;
    this.buf = '';
    st.push(local);
  }

  text(s: string): void {
    this.buf += s;
  }

  close(local: string): void {
    this.stack.pop();
    if (this.want) {
      this.#value(this.want, this.buf.trim());
      this.want = undefined;
      return;
    }
    if (this.point && local === this.pointKind) this.#endPoint();
    else if ((local === 'trk' || local === 'rte') && this.stack.length === 1) this.path = undefined;
  }

  #value(what: string, s: string): void {
    if (s === '') return;
    const p = this.point;
    if (what.startsWith('doc.')) {
      if (what === 'doc.name') this.doc.name ??= s;
      else {
        const t = Date.parse(s);
        if (!Number.isNaN(t)) this.doc.time ??= t;
      }
      return;
    }
    if (what.startsWith('path.')) {
      if (this.path) this.path[what.slice(5) as 'name' | 'desc' | 'type'] = s;
      return;
    }
    if (!p) return;
    if (what === 'ele') {
      const v = Number(s);
      if (Number.isFinite(v)) p.ele = v;
      else this.tally.add('nan ele', this.pointLine, `<ele> "${clip(s)}" is not a number: left out`);
    } else if (what === 'time') {
      const t = Date.parse(s);
      if (!Number.isNaN(t)) p.time = t;
      else this.tally.add('bad time', this.pointLine, `<time> "${clip(s)}" is not a time: left out`);
    } else p[what as 'name' | 'sym' | 'type' | 'desc' | 'cmt'] = s;
  }

  #endPoint(): void {
    const p = this.point!;
    this.point = undefined;
    if (!(p.lat >= -90 && p.lat <= 90 && p.lon >= -180 && p.lon <= 180)) {
      this.tally.add('position', this.pointLine, `<${this.pointKind}> without a valid lat/lon: left out`);
      return;
    }
    if (this.pointKind === 'wpt') {
      const w: GpxWaypoint = { lat: p.lat, lon: p.lon };
      for (const k of ['ele', 'time', 'name', 'cmt', 'desc', 'sym', 'type'] as const) if (p[k] !== undefined) (w as unknown as Record<string, unknown>)[k] = p[k];
      this.doc.waypoints.push(w);
      return;
    }
    const out: GpxReadPoint = { lat: p.lat, lon: p.lon };
    for (const k of ['ele', 'time', 'name', 'sym', 'type'] as const) if (p[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = p[k];
    this.path?.points.push(out);
  }
}

/** Reads a GPX document. Throws FitkitError `bad_gpx` with the line number for bad input. */
export function parseGpx(src: string): GpxDocument {
  const r = new GpxReader();
  const scanner = new XmlScanner(src, r);
  r.scanner = scanner;
  try {
    scanner.run();
  } catch (e) {
    if (e instanceof XmlError) throw gpxError(e.line, e.message);
    throw e;
  }
  r.doc.warnings = r.tally.lines();
  return r.doc;
}
