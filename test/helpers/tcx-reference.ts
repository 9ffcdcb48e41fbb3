/**
 * The TCX reader as it was before the byte scanner and the reader keyed by name ids (fitkit
 * 0.1, src/core/formats/tcx.ts): the oracle of the differential test, frozen. Do not edit.
 */
import { FitkitError } from '../../src/core/errors.js';
import { WarningTally } from '../../src/core/formats/warning-tally.js';
import { clip, XmlError, XmlScanner, type XmlAttrs, type XmlHandler } from '../../src/core/formats/xml-scan.js';

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
  time = new Float64Array(256);
  line = new Uint32Array(256);
  lap = new Uint32Array(256);
  /** 1 on the first trackpoint of a lap's second or later <Track>: where a Garmin device's timer started again. */
  newTrack = new Uint8Array(256);
  readonly values = {} as Record<Channel, Float64Array>;

  constructor() {
    for (const c of CHANNELS) this.values[c] = new Float64Array(256).fill(NaN);
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

/** Where a value goes: a trackpoint channel, a lap field, or text of the activity or file. */
type Target = Channel | 'time' | 'lap.totalTime' | 'lap.distance' | 'lap.calories' | 'lap.steps' | 'lap.trigger' | 'creator' | 'notes' | 'author';

/** Element (local name) under its parent → what its text is, for the elements we read. */
function target(parent: string, grand: string, name: string, inPoint: boolean, inLap: boolean): Target | undefined {
  if (inPoint) {
    switch (name) {
      case 'Time':
        return parent === 'Trackpoint' ? 'time' : undefined;
      case 'DistanceMeters':
        return parent === 'Trackpoint' ? 'distance' : undefined;
      case 'AltitudeMeters':
        return parent === 'Trackpoint' ? 'altitude' : undefined;
      case 'Cadence':
        return parent === 'Trackpoint' ? 'cadence' : undefined;
      case 'RunCadence':
        return parent === 'TPX' ? 'cadence' : undefined;
      case 'Value':
        return parent === 'HeartRateBpm' ? 'heartRate' : undefined;
      case 'LatitudeDegrees':
        return parent === 'Position' ? 'lat' : undefined;
      case 'LongitudeDegrees':
        return parent === 'Position' ? 'lon' : undefined;
      case 'Speed':
        return parent === 'TPX' ? 'speed' : undefined;
      case 'Watts':
        return parent === 'TPX' ? 'watts' : undefined;
    }
    return undefined;
  }
  if (inLap && parent === 'Lap') {
    switch (name) {
      case 'TotalTimeSeconds':
        return 'lap.totalTime';
      case 'DistanceMeters':
        return 'lap.distance';
      case 'Calories':
        return 'lap.calories';
      case 'TriggerMethod':
        return 'lap.trigger';
    }
  }
  if (inLap && name === 'Steps' && parent === 'LX') return 'lap.steps';
  if (name === 'Notes' && (parent === 'Activity' || parent === 'Course')) return 'notes';
  if (name === 'Name' && parent === 'Creator' && (grand === 'Activity' || grand === 'Course')) return 'creator';
  if (name === 'Name' && parent === 'Author' && grand === 'TrainingCenterDatabase') return 'author';
  return undefined;
}

const NAMES: Record<Channel, string> = {
  distance: 'DistanceMeters',
  heartRate: 'HeartRateBpm',
  cadence: 'Cadence',
  speed: 'Speed',
  watts: 'Watts',
  lat: 'LatitudeDegrees',
  lon: 'LongitudeDegrees',
  altitude: 'AltitudeMeters',
};

/** Reads the document, one element at a time. */
class TcxReader implements XmlHandler {
  scanner!: XmlScanner;
  readonly stack: string[] = [];
  readonly activities: TcxActivity[] = [];
  readonly laps: TcxLap[] = [];
  readonly points = new TcxPoints();
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
  /** The trackpoint being read: its line and values. */
  pointLine = 0;
  pointTime = NaN;
  pointValues: Partial<Record<Channel, number>> = {};
  badTime: string | undefined;
  lapPoints = 0;
  /** A <Track> after the lap's first began and has no trackpoint yet. */
  trackBreak = false;
  want: Target | undefined;
  buf = '';

  get #dest(): { activities: TcxActivity[]; laps: TcxLap[]; points: TcxPoints } {
    return this.inCourse ? this.courses : this;
  }

  open(local: string, attrs: XmlAttrs, at: number): void {
    const st = this.stack;
    const parent = st[st.length - 1] ?? '';
    if (st.length === 0) {
      this.rootLine = this.scanner.lineAt(at);
      if (local !== 'TrainingCenterDatabase') throw tcxError(this.rootLine, `not TCX: <${clip(local)}>, not <TrainingCenterDatabase>`);
    }
    if (local === 'Activity' && !this.inActivity && !this.inCourse && st.includes('Activities')) {
      this.inActivity = true;
      const sport = attrs.find((a) => a[0] === 'Sport')?.[1];
      this.activities.push({ sport: sport ?? 'Other', line: this.scanner.lineAt(at) });
    } else if (local === 'Course' && parent === 'Courses' && !this.inActivity) {
      this.inCourse = true;
      this.courses.activities.push({ sport: 'Course', line: this.scanner.lineAt(at) });
      // A course's trackpoints are in its own Track, its Laps summaries only: one lap holds them.
      this.courses.laps.push({ activity: this.courses.activities.length - 1, line: this.scanner.lineAt(at) });
    } else if (local === 'Lap' && parent === 'Activity' && this.inActivity) {
      this.lapOpen = true;
      this.lapPoints = 0;
      const lap: TcxLap = { activity: this.activities.length - 1, line: this.scanner.lineAt(at) };
      const start = attrs.find((a) => a[0] === 'StartTime')?.[1];
      const t = start === undefined ? NaN : Date.parse(start.trim());
      if (!Number.isNaN(t)) lap.start = new Date(t);
      this.laps.push(lap);
    } else if (local === 'Lap' && parent === 'Course' && this.inCourse) {
      this.lapOpen = true;
    } else if (local === 'Track' && parent === 'Lap' && this.lapOpen) {
      this.trackBreak = this.lapPoints > 0;
    } else if (local === 'Trackpoint' && parent === 'Track' && (this.lapOpen || this.inCourse)) {
      this.pointLine = this.scanner.lineAt(at);
      this.pointTime = NaN;
      this.pointValues = {};
    }
    this.want = target(parent, st[st.length - 2] ?? '', local, this.pointLine > 0, this.lapOpen);
    this.buf = '';
    st.push(local);
  }

  get wantsText(): boolean {
    return this.want !== undefined;
  }

  text(s: string): void {
    if (this.want) this.buf += s;
  }

  close(local: string): void {
    const st = this.stack;
    st.pop();
    if (this.want) {
      this.#value(this.want, this.buf.trim());
      this.want = undefined;
    }
    if (local === 'Trackpoint' && this.pointLine > 0 && st[st.length - 1] === 'Track') this.#endPoint();
    else if (local === 'Lap' && this.lapOpen && (st[st.length - 1] === 'Activity' || st[st.length - 1] === 'Course')) {
      this.lapOpen = false;
      if (!this.inCourse && this.lapPoints === 0 && !this.emptyLap) this.emptyLap = this.laps[this.laps.length - 1].line;
    } else if (local === 'Activity' && this.inActivity && !st.includes('Activity')) this.inActivity = false;
    else if (local === 'Course' && this.inCourse && st[st.length - 1] === 'Courses') this.inCourse = false;
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
    if (v.lat === undefined || v.lon === undefined) v.lat = v.lon = undefined;
    for (const c of CHANNELS) if (v[c] !== undefined) d.points.values[c][i] = v[c]!;
    if (this.trackBreak) d.points.newTrack[i] = 1;
    this.trackBreak = false;
    this.lapPoints++;
  }

  #value(t: Target, s: string): void {
    switch (t) {
      case 'time':
        this.pointTime = Date.parse(s);
        if (Number.isNaN(this.pointTime)) this.badTime = s;
        return;
      case 'creator':
        this.#dest.activities[this.#dest.activities.length - 1].creator = s;
        return;
      case 'notes':
        if (s) this.#dest.activities[this.#dest.activities.length - 1].notes = s;
        return;
      case 'author':
        this.author = s;
        return;
      case 'lap.trigger':
        if (!this.inCourse) this.laps[this.laps.length - 1].trigger = s;
        return;
    }
    if (s === '') return;
    const v = Number(s);
    if (!Number.isFinite(v)) {
      const name = t.startsWith('lap.') ? t.slice(4) : NAMES[t as Channel];
      this.tally.add(`nan ${t}`, this.pointLine || this.laps[this.laps.length - 1]?.line || 1, `<${name}> "${clip(s)}" is not a number: left out`);
      return;
    }
    if (t.startsWith('lap.')) {
      if (this.inCourse) return;
      const lap = this.laps[this.laps.length - 1];
      lap[t.slice(4) as 'totalTime' | 'distance' | 'calories' | 'steps'] = v;
      return;
    }
    this.pointValues[t as Channel] = v;
  }
}

/** Reads a TCX document. Throws FitkitError `bad_tcx` with the line number for bad input. */
export function parseTcxReference(src: string): TcxWorkout {
  const r = new TcxReader();
  const scanner = new XmlScanner(src, r);
  r.scanner = scanner;
  try {
    scanner.run();
  } catch (e) {
    if (e instanceof XmlError) throw tcxError(e.line, e.message);
    throw e;
  }
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
