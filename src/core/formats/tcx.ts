/**
 * TCX (Garmin Training Center XML v2) into a neutral workout: every Activity (a multisport
 * session's too) with its laps, and the trackpoints of all of them as columns (typed arrays,
 * NaN where a value is missing), about 80 bytes a trackpoint: read in one pass over the text,
 * no document tree. Namespaces are matched by local name, so the ActivityExtension v2 elements
 * (TPX Speed/Watts/RunCadence, LX Steps) are found whether declared as the default namespace
 * or with any prefix. A file of Courses only (no Activities) is read as one workout.
 * Errors are one line with the line number: not XML, not TCX, no trackpoints. Values that are
 * not numbers and trackpoints without a time are left out and counted in `warnings`.
 * Ref: https://www8.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd, ActivityExtensionv2.xsd
 */
import { FitkitError } from '../errors.js';
import { WarningTally } from './warning-tally.js';
import { clip, XmlError, XmlScanner, type XmlAttrs, type XmlHandler } from './xml-scan.js';

/** One trackpoint as an object (for tests and callers that want one; the workout holds columns). */
export interface TcxTrackpoint {
  time: Date;
  /** Line of the <Trackpoint> in the input. */
  line: number;
  /** Index into TcxWorkout.laps. */
  lap: number;
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

export interface TcxActivity {
  /** The Activity's Sport attribute (Running, Biking, Other, Rowing…), or 'Course'. */
  sport: string;
  line: number;
  creator?: string;
  notes?: string;
}

export interface TcxLap {
  /** Index into TcxWorkout.activities. */
  activity: number;
  line: number;
  start?: Date;
  totalTime?: number;
  distance?: number;
  calories?: number;
  /** LX Steps: strokes for rowing, steps for running. */
  steps?: number;
  /** TriggerMethod: Manual, Distance, Location, Time, HeartRate. */
  trigger?: string;
}

export const CHANNELS = ['distance', 'heartRate', 'cadence', 'speed', 'watts', 'lat', 'lon', 'altitude'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Trackpoints in document order, one typed array per value. */
export class TcxPoints {
  n = 0;
  /** ms since 1970 */
  time: Float64Array;
  line: Uint32Array;
  lap: Uint32Array;
  /** 1 on the first trackpoint of a lap's second or later <Track>: where a Garmin device's timer started again. */
  newTrack: Uint8Array;
  readonly values = {} as Record<Channel, Float64Array>;

  /** `capacity`: trackpoints expected (the arrays grow past it). */
  constructor(capacity = 256) {
    const n = Math.max(1, capacity);
    this.time = new Float64Array(n);
    this.line = new Uint32Array(n);
    this.lap = new Uint32Array(n);
    this.newTrack = new Uint8Array(n);
    for (const c of CHANNELS) this.values[c] = new Float64Array(n).fill(NaN);
  }

  /** Appends a trackpoint with every value missing; returns its index. */
  push(time: number, line: number, lap: number): number {
    if (this.n === this.time.length) this.#grow();
    const i = this.n++;
    this.time[i] = time;
    this.line[i] = line;
    this.lap[i] = lap;
    return i;
  }

  #grow(): void {
    const size = this.time.length * 2;
    const more = <T extends Float64Array | Uint32Array | Uint8Array>(a: T, fill?: number): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      if (fill !== undefined) b.fill(fill, a.length);
      b.set(a);
      return b;
    };
    this.time = more(this.time);
    this.line = more(this.line);
    this.lap = more(this.lap);
    this.newTrack = more(this.newTrack);
    for (const c of CHANNELS) this.values[c] = more(this.values[c], NaN);
  }

  get(i: number): TcxTrackpoint {
    const p: TcxTrackpoint = { time: new Date(this.time[i]), line: this.line[i], lap: this.lap[i] };
    for (const c of CHANNELS) if (!Number.isNaN(this.values[c][i])) p[c] = this.values[c][i];
    return p;
  }

  all(): TcxTrackpoint[] {
    return Array.from({ length: this.n }, (_, i) => this.get(i));
  }
}

export interface TcxWorkout {
  activities: TcxActivity[];
  laps: TcxLap[];
  points: TcxPoints;
  author?: string;
  /** `line N: …` for values left out while reading. */
  warnings: string[];
}

function tcxError(line: number, message: string): FitkitError {
  return new FitkitError('bad_tcx', `line ${line}: ${message}`);
}

// Element names the reader knows, as small integers (a Map lookup per element, then integer
// compares); any other name is OTHER.
const OTHER = 0;
const KNOWN = [
  'TrainingCenterDatabase',
  'Activities',
  'Activity',
  'Courses',
  'Course',
  'Lap',
  'Track',
  'Trackpoint',
  'Time',
  'DistanceMeters',
  'AltitudeMeters',
  'Cadence',
  'RunCadence',
  'Value',
  'HeartRateBpm',
  'LatitudeDegrees',
  'LongitudeDegrees',
  'Position',
  'Speed',
  'Watts',
  'TPX',
  'TotalTimeSeconds',
  'Calories',
  'TriggerMethod',
  'Steps',
  'LX',
  'Notes',
  'Name',
  'Creator',
  'Author',
] as const;
const ID = new Map<string, number>(KNOWN.map((n, i) => [n, i + 1]));
const [DATABASE, ACTIVITIES, ACTIVITY, COURSES, COURSE, LAP, TRACK, TRACKPOINT, TIME, DISTANCE_METERS, ALTITUDE_METERS, CADENCE, RUN_CADENCE, VALUE, HEART_RATE_BPM] = KNOWN.map((_, i) => i + 1);
const [LATITUDE, LONGITUDE, POSITION, SPEED, WATTS, TPX, TOTAL_TIME, CALORIES, TRIGGER_METHOD, STEPS, LX, NOTES, NAME, CREATOR, AUTHOR] = KNOWN.slice(15).map((_, i) => i + 16);

/**
 * Where a value goes: a trackpoint channel (its index in CHANNELS), the time, a lap field, or
 * text of the activity or file. NONE: the element's text is not read.
 */
const NONE = -1;
const T_TIME = 8;
const T_LAP_TOTAL_TIME = 9;
const T_LAP_DISTANCE = 10;
const T_LAP_CALORIES = 11;
const T_LAP_STEPS = 12;
const T_LAP_TRIGGER = 13;
const T_CREATOR = 14;
const T_NOTES = 15;
const T_AUTHOR = 16;
const [T_DISTANCE, T_HEART_RATE, T_CADENCE, T_SPEED, T_WATTS, T_LAT, T_LON, T_ALTITUDE] = CHANNELS.map((_, i) => i);
/** Each target's name (the kind of its warnings) and the element named in them. */
const TARGET_KIND = [...CHANNELS, 'time', 'lap.totalTime', 'lap.distance', 'lap.calories', 'lap.steps', 'lap.trigger', 'creator', 'notes', 'author'];
const TARGET_ELEMENT = ['DistanceMeters', 'HeartRateBpm', 'Cadence', 'Speed', 'Watts', 'LatitudeDegrees', 'LongitudeDegrees', 'AltitudeMeters', '', 'totalTime', 'distance', 'calories', 'steps'];
const LAP_FIELD = ['totalTime', 'distance', 'calories', 'steps'] as const;

/** Element under its parent → what its text is, for the elements we read. */
function target(parent: number, grand: number, name: number, inPoint: boolean, inLap: boolean): number {
  if (inPoint) {
    switch (name) {
      case TIME:
        return parent === TRACKPOINT ? T_TIME : NONE;
      case DISTANCE_METERS:
        return parent === TRACKPOINT ? T_DISTANCE : NONE;
      case ALTITUDE_METERS:
        return parent === TRACKPOINT ? T_ALTITUDE : NONE;
      case CADENCE:
        return parent === TRACKPOINT ? T_CADENCE : NONE;
      case RUN_CADENCE:
        return parent === TPX ? T_CADENCE : NONE;
      case VALUE:
        return parent === HEART_RATE_BPM ? T_HEART_RATE : NONE;
      case LATITUDE:
        return parent === POSITION ? T_LAT : NONE;
      case LONGITUDE:
        return parent === POSITION ? T_LON : NONE;
      case SPEED:
        return parent === TPX ? T_SPEED : NONE;
      case WATTS:
        return parent === TPX ? T_WATTS : NONE;
    }
    return NONE;
  }
  if (inLap && parent === LAP) {
    switch (name) {
      case TOTAL_TIME:
        return T_LAP_TOTAL_TIME;
      case DISTANCE_METERS:
        return T_LAP_DISTANCE;
      case CALORIES:
        return T_LAP_CALORIES;
      case TRIGGER_METHOD:
        return T_LAP_TRIGGER;
    }
  }
  if (inLap && name === STEPS && parent === LX) return T_LAP_STEPS;
  if (name === NOTES && (parent === ACTIVITY || parent === COURSE)) return T_NOTES;
  if (name === NAME && parent === CREATOR && (grand === ACTIVITY || grand === COURSE)) return T_CREATOR;
  if (name === NAME && parent === AUTHOR && grand === DATABASE) return T_AUTHOR;
  return NONE;
}

/** Deepest nesting read (a TCX needs 9). */
const MAX_DEPTH = 64;

// A <Trackpoint> as devices and apps write it, children in the schema's order, each optional:
// one match instead of a scanner call per tag. Text holds no markup, entity, "]" (so no "]]>")
// or character XML forbids, space between tags is XML's; anything else (comments, attributes
// but these, another order) goes tag by tag through the scanner.
const TEXT = '([^<&\\]\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]*)';
const S = '[ \\t\\n\\r]*';
const leaf = (name: string) => `(?:<${name}>${TEXT}</${name}>${S})?`;
const TRACKPOINT_RE = new RegExp(
  [
    `<Trackpoint>${S}`,
    leaf('Time'),
    `(?:<Position>${S}<LatitudeDegrees>${TEXT}</LatitudeDegrees>${S}<LongitudeDegrees>${TEXT}</LongitudeDegrees>${S}</Position>${S})?`,
    leaf('AltitudeMeters'),
    leaf('DistanceMeters'),
    `(?:<HeartRateBpm( xsi:type="HeartRateInBeatsPerMinute_t")?>${S}<Value>${TEXT}</Value>${S}</HeartRateBpm>${S})?`,
    leaf('Cadence'),
    `(?:<SensorState>(?:Present|Absent)</SensorState>${S})?`,
    // TPX and its children: no prefix (TPX maybe declaring the default namespace), or all one
    // prefix declared above (group 9, with its colon).
    `(?:<Extensions>${S}<((?:[A-Za-z_][\\w.-]*:)?)TPX(?: xmlns="[^"<&\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]*")?>${S}`,
    ...['Speed', 'RunCadence', 'Watts'].map((n) => `(?:<\\9${n}>${TEXT}</\\9${n}>${S})?`),
    `</\\9TPX>${S}</Extensions>${S})?`,
    '</Trackpoint>',
  ].join(''),
  'y',
);

/** What each group of TRACKPOINT_RE holds, in document order. */
const WHOLE_TARGETS = [NONE, T_TIME, T_LAT, T_LON, T_ALTITUDE, T_DISTANCE, NONE, T_HEART_RATE, T_CADENCE, NONE, T_SPEED, T_CADENCE, T_WATTS];

/** Reads the document, one element at a time. */
class TcxReader implements XmlHandler {
  constructor(capacity: number) {
    this.points = new TcxPoints(capacity);
  }

  scanner!: { lineAt(pos: number): number };
  /** Ids of the open elements. */
  readonly stack: number[] = [];
  /** Open <Activities> and <Activity> elements. */
  openActivities = 0;
  openActivity = 0;
  readonly activities: TcxActivity[] = [];
  readonly laps: TcxLap[] = [];
  readonly points: TcxPoints;
  readonly courses = { activities: [] as TcxActivity[], laps: [] as TcxLap[], points: new TcxPoints() };
  readonly tally = new WarningTally();
  author?: string;
  rootLine = 0;
  /** Lines of the first trackpoint without a time, the first lap without trackpoints. */
  untimed = 0;
  emptyLap = 0;
  /** Activities or courses, inside which laps and trackpoints are read. */
  inCourse = false;
  inActivity = false;
  lapOpen = false;
  /** The trackpoint being read: its line and values (NaN: none). */
  pointLine = 0;
  pointTime = NaN;
  readonly pointValues = new Float64Array(CHANNELS.length);
  badTime: string | undefined;
  lapPoints = 0;
  /** A <Track> after the lap's first began and has no trackpoint yet. */
  trackBreak = false;
  want = NONE;
  buf = '';

  get #dest(): { activities: TcxActivity[]; laps: TcxLap[]; points: TcxPoints } {
    return this.inCourse ? this.courses : this;
  }

  readonly wholeStart = '<Trackpoint>';

  /** A trackpoint of TRACKPOINT_RE's form, read as open, text and close would (see XmlHandler). */
  readWhole(src: string, lt: number, depth: number): number {
    const st = this.stack;
    // Where open() would start a trackpoint, with room for its 4 levels.
    if (!(depth > 0 && st[depth - 1] === TRACK && (this.lapOpen || this.inCourse) && depth + 4 <= MAX_DEPTH)) return -1;
    TRACKPOINT_RE.lastIndex = lt;
    const m = TRACKPOINT_RE.exec(src);
    if (m === null) return -1;
    const scanner = this.scanner as XmlScanner;
    if ((m[6] !== undefined && !scanner.isBound('xsi')) || (m[9] && !scanner.isBound(m[9].slice(0, -1)))) return -1;
    this.pointLine = scanner.lineAt(lt);
    this.pointTime = NaN;
    const pv = this.pointValues;
    pv.fill(NaN);
    for (let g = 1; g < WHOLE_TARGETS.length; g++) {
      const text = m[g];
      const t = WHOLE_TARGETS[g];
      if (t === NONE || text === undefined) continue;
      if (t < T_TIME) {
        // A number, as #value reads it (Number() skips the spaces trim() would): no call per
        // value for the common case. Empty text and what is not a number go on to #value.
        const v = Number(text);
        if (Number.isFinite(v) && (v !== 0 || text.trim() !== '')) {
          pv[t] = v;
          continue;
        }
      }
      this.#value(t, text.trim());
    }
    this.want = NONE;
    this.#endPoint();
    return TRACKPOINT_RE.lastIndex;
  }

  open(local: string, attrs: XmlAttrs, at: number): void {
    const st = this.stack;
    const depth = st.length;
    const parent = depth > 0 ? st[depth - 1] : OTHER;
    const id = ID.get(local) ?? OTHER;
    if (depth === 0) {
      this.rootLine = this.scanner.lineAt(at);
      if (id !== DATABASE) throw tcxError(this.rootLine, `not TCX: <${clip(local)}>, not <TrainingCenterDatabase>`);
    }
    if (id === ACTIVITY && !this.inActivity && !this.inCourse && this.openActivities > 0) {
      this.inActivity = true;
      const sport = attrs.find((a) => a[0] === 'Sport')?.[1];
      this.activities.push({ sport: sport ?? 'Other', line: this.scanner.lineAt(at) });
    } else if (id === COURSE && parent === COURSES && !this.inActivity) {
      this.inCourse = true;
      this.courses.activities.push({ sport: 'Course', line: this.scanner.lineAt(at) });
      // A course's trackpoints are in its own Track, its Laps summaries only: one lap holds them.
      this.courses.laps.push({ activity: this.courses.activities.length - 1, line: this.scanner.lineAt(at) });
    } else if (id === LAP && parent === ACTIVITY && this.inActivity) {
      this.lapOpen = true;
      this.lapPoints = 0;
      const lap: TcxLap = { activity: this.activities.length - 1, line: this.scanner.lineAt(at) };
      const start = attrs.find((a) => a[0] === 'StartTime')?.[1];
      const t = start === undefined ? NaN : Date.parse(start.trim());
      if (!Number.isNaN(t)) lap.start = new Date(t);
      this.laps.push(lap);
    } else if (id === LAP && parent === COURSE && this.inCourse) {
      this.lapOpen = true;
    } else if (id === TRACK && parent === LAP && this.lapOpen) {
      this.trackBreak = this.lapPoints > 0;
    } else if (id === TRACKPOINT && parent === TRACK && (this.lapOpen || this.inCourse)) {
      this.pointLine = this.scanner.lineAt(at);
      this.pointTime = NaN;
      this.pointValues.fill(NaN);
    }
    this.want = target(parent, depth > 1 ? st[depth - 2] : OTHER, id, this.pointLine > 0, this.lapOpen);
    this.buf = '';
    if (id === ACTIVITIES) this.openActivities++;
    else if (id === ACTIVITY) this.openActivity++;
    st.push(id);
  }

  get wantsText(): boolean {
    return this.want !== NONE;
  }

  text(s: string): void {
    if (this.want !== NONE) this.buf += s;
  }

  close(): void {
    const st = this.stack;
    const id = st.pop()!;
    if (id === ACTIVITIES) this.openActivities--;
    else if (id === ACTIVITY) this.openActivity--;
    if (this.want !== NONE) {
      this.#value(this.want, this.buf.trim());
      this.want = NONE;
    }
    const parent = st.length > 0 ? st[st.length - 1] : OTHER;
    if (id === TRACKPOINT && this.pointLine > 0 && parent === TRACK) this.#endPoint();
    else if (id === LAP && this.lapOpen && (parent === ACTIVITY || parent === COURSE)) {
      this.lapOpen = false;
      if (!this.inCourse && this.lapPoints === 0 && !this.emptyLap) this.emptyLap = this.laps[this.laps.length - 1].line;
    } else if (id === ACTIVITY && this.inActivity && this.openActivity === 0) this.inActivity = false;
    else if (id === COURSE && this.inCourse && parent === COURSES) this.inCourse = false;
  }

  #endPoint(): void {
    const line = this.pointLine;
    this.pointLine = 0;
    if (Number.isNaN(this.pointTime)) {
      this.untimed ||= line;
      if (this.badTime === undefined) this.tally.add('untimed', line, 'trackpoint without <Time>: left out');
      else this.tally.add('bad time', line, `trackpoint <Time> "${clip(this.badTime)}" is not a time: left out`);
      this.badTime = undefined;
      return;
    }
    const d = this.#dest;
    const i = d.points.push(this.pointTime, line, d.laps.length - 1);
    const v = this.pointValues;
    // A position needs both coordinates.
    if (Number.isNaN(v[T_LAT]) || Number.isNaN(v[T_LON])) v[T_LAT] = v[T_LON] = NaN;
    const values = d.points.values;
    for (let c = 0; c < CHANNELS.length; c++) if (!Number.isNaN(v[c])) values[CHANNELS[c]][i] = v[c];
    if (this.trackBreak) d.points.newTrack[i] = 1;
    this.trackBreak = false;
    this.lapPoints++;
  }

  #value(t: number, s: string): void {
    switch (t) {
      case T_TIME:
        this.pointTime = Date.parse(s);
        if (Number.isNaN(this.pointTime)) this.badTime = s;
        return;
      case T_CREATOR:
        this.#dest.activities[this.#dest.activities.length - 1].creator = s;
        return;
      case T_NOTES:
        if (s) this.#dest.activities[this.#dest.activities.length - 1].notes = s;
        return;
      case T_AUTHOR:
        this.author = s;
        return;
      case T_LAP_TRIGGER:
        if (!this.inCourse) this.laps[this.laps.length - 1].trigger = s;
        return;
    }
    if (s === '') return;
    const v = Number(s);
    if (!Number.isFinite(v)) {
      this.tally.add(`nan ${TARGET_KIND[t]}`, this.pointLine || this.laps[this.laps.length - 1]?.line || 1, `<${TARGET_ELEMENT[t]}> "${clip(s)}" is not a number: left out`);
      return;
    }
    if (t >= T_LAP_TOTAL_TIME) {
      if (this.inCourse) return;
      this.laps[this.laps.length - 1][LAP_FIELD[t - T_LAP_TOTAL_TIME]] = v;
      return;
    }
    this.pointValues[t] = v;
  }
}

/** Reads a TCX document. Throws FitkitError `bad_tcx` with the line number for bad input. */
export function parseTcx(src: string): TcxWorkout {
  // Room for as many trackpoints as there are "<Trackpoint>": no growing the columns.
  let count = 0;
  for (let i = src.indexOf('<Trackpoint>'); i >= 0; i = src.indexOf('<Trackpoint>', i + 12)) count++;
  const r = new TcxReader(Math.max(256, count));
  const scanner = new XmlScanner(src, r, { maxDepth: MAX_DEPTH });
  r.scanner = scanner;
  try {
    scanner.run();
  } catch (e) {
    if (e instanceof XmlError) throw tcxError(e.line, e.message);
    throw e;
  }
  return workoutOf(r);
}

function workoutOf(r: TcxReader): TcxWorkout {
  // A course's trackpoints count only in a file without activities.
  const fromCourses = r.activities.length === 0;
  const src2 = fromCourses ? r.courses : r;
  if (src2.activities.length === 0) throw tcxError(r.rootLine, 'no <Activity> or <Course>: an empty workout');
  if (src2.points.n === 0) {
    if (r.untimed) throw tcxError(r.untimed, 'trackpoint without <Time> (a course, not a workout?)');
    throw tcxError(r.emptyLap || src2.activities[0].line, 'no trackpoints: an empty workout');
  }
  const w: TcxWorkout = { activities: src2.activities, laps: src2.laps, points: src2.points, warnings: r.tally.lines() };
  if (r.author) w.author = r.author;
  return w;
}
