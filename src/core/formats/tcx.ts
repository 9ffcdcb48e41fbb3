/**
 * TCX (Garmin Training Center XML v2) into a neutral workout: laps of timed trackpoints with
 * distance, heart rate, cadence, speed, power and position, any of which may be missing.
 * Namespaces are matched by local name, so the ActivityExtension v2 elements (TPX Speed/Watts,
 * LX Steps) are found whether declared as the default namespace or with any prefix.
 * Errors are one line with the line number: not XML, not TCX, no trackpoints, times going back.
 * Ref: https://www8.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd, ActivityExtensionv2.xsd
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FitkitError } from '../errors.js';

export interface TcxTrackpoint {
  time: Date;
  /** Line of the <Trackpoint> in the input. */
  line: number;
  distance?: number;
  heartRate?: number;
  /** Strokes (or revolutions, steps) per minute. */
  cadence?: number;
  /** m/s */
  speed?: number;
  watts?: number;
  lat?: number;
  lon?: number;
  altitude?: number;
}

export interface TcxLap {
  start?: Date;
  line: number;
  totalTime?: number;
  distance?: number;
  calories?: number;
  /** LX Steps: strokes for rowing, steps for running. */
  steps?: number;
  trackpoints: TcxTrackpoint[];
}

export interface TcxWorkout {
  /** The Activity's Sport attribute (Running, Biking, Other, Rowing…), or 'Course'. */
  sport: string;
  laps: TcxLap[];
  creator?: string;
  author?: string;
  notes?: string;
}

type Node = Record<string, unknown>;

function tcxError(line: number, message: string): FitkitError {
  return new FitkitError('bad_tcx', `line ${line}: ${message}`);
}

/** Line numbers by offset: the starts of every line. */
class Lines {
  readonly #starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.#starts.push(i + 1);
  }
  at(offset: number): number {
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

// XML 1.0 §2.2: control characters other than tab, LF and CR are not allowed anywhere.
const BAD_CHAR = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;
const TAG = /<(\/?)([^\s/>!?]+)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;
const ATTR = /([^\s=]+)\s*=\s*(?:"[^"]*"|'[^']*')/g;

/** What fast-xml-parser's validator lets through: forbidden characters and unbound prefixes (Namespaces in XML §5). */
function checkXml(text: string, lines: Lines): void {
  const bad = BAD_CHAR.exec(text);
  if (bad) throw tcxError(lines.at(bad.index), `not well-formed XML: character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed`);
  const blanked = text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>/g, (m) => ' '.repeat(m.length));
  const scopes: Set<string>[] = [];
  const bound = (p: string) => p === 'xml' || p === 'xmlns' || scopes.some((s) => s.has(p));
  for (const m of blanked.matchAll(TAG)) {
    if (m[1]) {
      scopes.pop();
      continue;
    }
    const declared = new Set<string>();
    const names: string[] = [m[2]];
    for (const a of m[3].matchAll(ATTR)) {
      if (a[1].startsWith('xmlns:')) declared.add(a[1].slice(6));
      else names.push(a[1]);
    }
    scopes.push(declared);
    for (const n of names) {
      const colon = n.indexOf(':');
      if (colon > 0 && !bound(n.slice(0, colon))) throw tcxError(lines.at(m.index), `not well-formed XML: unbound prefix "${n.slice(0, colon)}"`);
    }
    if (m[4]) scopes.pop();
  }
}

const ARRAYS = new Set(['Activity', 'Lap', 'Track', 'Trackpoint', 'Course']);

function parseXml(text: string, lines: Lines): Node {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw tcxError(valid.err.line, `not well-formed XML: ${valid.err.msg}`);
  checkXml(text, lines);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (name) => ARRAYS.has(name),
  });
  return parser.parse(text) as Node;
}

function child(n: unknown, ...path: string[]): unknown {
  let cur = n;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Node)[p];
  }
  return cur;
}

function text(n: unknown): string | undefined {
  if (typeof n === 'string') return n.trim();
  if (typeof n === 'number') return String(n);
  if (n && typeof n === 'object' && '#text' in n) return text((n as Node)['#text']);
  return undefined;
}

function num(n: unknown): number | undefined {
  const t = text(n);
  if (t === undefined || t === '') return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

function list(n: unknown): Node[] {
  return Array.isArray(n) ? (n as Node[]) : n && typeof n === 'object' ? [n as Node] : [];
}

function date(n: unknown): Date | undefined {
  const t = text(n);
  if (!t) return undefined;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function trackpoint(tp: Node, line: number): TcxTrackpoint {
  const time = date(tp.Time);
  if (!time) throw tcxError(line, tp.Time === undefined ? 'trackpoint without <Time> (a course, not a workout?)' : `bad <Time> "${text(tp.Time)}"`);
  const tpx = child(tp, 'Extensions', 'TPX');
  const p: TcxTrackpoint = { time, line };
  const set = <K extends keyof TcxTrackpoint>(k: K, v: TcxTrackpoint[K] | undefined) => {
    if (v !== undefined) p[k] = v;
  };
  set('distance', num(tp.DistanceMeters));
  set('heartRate', num(child(tp, 'HeartRateBpm', 'Value')));
  set('cadence', num(tp.Cadence) ?? num(child(tpx, 'RunCadence')));
  set('speed', num(child(tpx, 'Speed')));
  set('watts', num(child(tpx, 'Watts')));
  set('altitude', num(tp.AltitudeMeters));
  const lat = num(child(tp, 'Position', 'LatitudeDegrees'));
  const lon = num(child(tp, 'Position', 'LongitudeDegrees'));
  if (lat !== undefined && lon !== undefined) {
    p.lat = lat;
    p.lon = lon;
  }
  return p;
}

/** Offsets of every <Trackpoint> (any prefix), in document order: their line numbers. */
function trackpointLines(src: string, lines: Lines): number[] {
  return [...src.matchAll(/<(?:[\w.-]+:)?Trackpoint[\s>]/g)].map((m) => lines.at(m.index));
}

function firstLine(src: string, lines: Lines, tag: string): number {
  const i = src.search(new RegExp(`<(?:[\\w.-]+:)?${tag}[\\s>/]`));
  return i < 0 ? 1 : lines.at(i);
}

/** Reads a TCX document. Throws FitkitError `bad_tcx` with the line number for bad input. */
export function parseTcx(src: string): TcxWorkout {
  const lines = new Lines(src);
  const doc = parseXml(src, lines);
  if (!('TrainingCenterDatabase' in doc)) {
    const first = src.search(/<[A-Za-z_]/);
    throw tcxError(first < 0 ? 1 : lines.at(first), 'not TCX: no <TrainingCenterDatabase>');
  }
  // An empty element parses as ''.
  const root = (typeof doc.TrainingCenterDatabase === 'object' && doc.TrainingCenterDatabase) || {};
  const tpLines = trackpointLines(src, lines);
  let tpIndex = 0;
  const lineOf = () => tpLines[tpIndex++] ?? 1;
  const lapLine = firstLine(src, lines, 'Lap');

  const activity = list(child(root, 'Activities', 'Activity'))[0];
  const course = list(child(root, 'Courses', 'Course'))[0];
  const source = activity ?? course;
  if (!source) throw tcxError(firstLine(src, lines, 'TrainingCenterDatabase'), 'no <Activity> or <Course>: an empty workout');
  // A course's trackpoints come after any activity's; only a course-only file reads them.
  const laps: TcxLap[] = [];
  const lapNodes = list(source.Lap);
  const tracks = (n: Node) => list(n.Track).flatMap((t) => list(t.Trackpoint));
  if (activity) {
    for (const l of lapNodes) {
      const lx = child(l, 'Extensions', 'LX');
      const lap: TcxLap = { line: lapLine, trackpoints: tracks(l).map((tp) => trackpoint(tp, lineOf())) };
      const start = date(l['@StartTime']);
      if (start) lap.start = start;
      const set = <K extends 'totalTime' | 'distance' | 'calories' | 'steps'>(k: K, v: number | undefined) => {
        if (v !== undefined) lap[k] = v;
      };
      set('totalTime', num(l.TotalTimeSeconds));
      set('distance', num(l.DistanceMeters));
      set('calories', num(l.Calories));
      set('steps', num(child(lx, 'Steps')));
      laps.push(lap);
    }
  } else {
    // A course: one track, its laps only summaries.
    const l = lapNodes[0];
    const lap: TcxLap = { line: lapLine, trackpoints: tracks(source).map((tp) => trackpoint(tp, lineOf())) };
    const d = num(l?.DistanceMeters);
    if (d !== undefined) lap.distance = d;
    laps.push(lap);
  }
  const points = laps.flatMap((l) => l.trackpoints);
  if (points.length === 0) throw tcxError(laps[0]?.line ?? firstLine(src, lines, 'Activity'), 'no trackpoints: an empty workout');
  for (let i = 1; i < points.length; i++) {
    if (points[i].time < points[i - 1].time) {
      throw tcxError(points[i].line, `time goes backwards: ${points[i].time.toISOString()} after ${points[i - 1].time.toISOString()}`);
    }
  }
  const w: TcxWorkout = { sport: activity ? String(activity['@Sport'] ?? 'Other') : 'Course', laps };
  const creator = text(child(source, 'Creator', 'Name'));
  if (creator) w.creator = creator;
  const author = text(child(root, 'Author', 'Name'));
  if (author) w.author = author;
  const notes = text(source.Notes);
  if (notes) w.notes = notes;
  return w;
}
