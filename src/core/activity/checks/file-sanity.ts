/**
 * Sanity checks by file type, beyond Garmin's activity checklist: is there a file_id, is its
 * type one the profile knows, do message_index values count 0, 1, 2, …, and does each type hold
 * what makes it useful (a course its records, a workout its steps, …). Findings are warnings or
 * notes, never errors: such files still load in most tools.
 *
 * Gathered in one streaming pass (SanityCollector): counts and the first offender of each kind,
 * and only small messages kept (workout steps, course points), so any file size is fine.
 */
import type { Diagnostic, DiagnosticCode } from '../../errors.js';
import type { FitMessage } from '../../fit/decode/message.js';
import type { Profile } from '../../fit/profile/profile.js';
import { snakeName } from '../../fit/profile/names.js';
import { num } from '../../fit/decode/values.js';
import { recordPoint, type RecordPoint } from './record-point.js';
import { CourseChecks } from './course-check.js';

export interface SanityResult {
  /** file_id.type as a profile name (`activity`, `course`, …); `unknown_<n>`; null without file_id. */
  fileType: string | null;
  diagnostics: Diagnostic[];
}

/** message_index keeps its index in the low 12 bits; the top bit marks a selected item. */
const INDEX_MASK = 0x0fff;

/** Messages whose message_index should count 0, 1, 2, … per file type. */
const INDEXED: Record<string, string[]> = {
  activity: [],
  course: ['lap', 'course_point'],
  workout: ['workout_step'],
  settings: [],
  sport: ['hr_zone', 'power_zone', 'speed_zone', 'cadence_zone', 'met_zone'],
  segment: ['segment_lap', 'segment_point'],
  segment_list: ['segment_file'],
};

function note(level: Diagnostic['level'], code: DiagnosticCode, message: string, m: { offset: number } | undefined): Diagnostic {
  return { level, code, message, offset: m?.offset ?? 0 };
}

/** Where a message was: enough to point at it. */
interface At {
  offset: number;
}

/** The message_index sequence of one message kind, checked as it streams. */
interface IndexRun {
  n: number;
  bad?: Diagnostic;
}

/** wkt_step_duration values that repeat earlier steps (their duration_value is duration_step). */
const REPEAT_DURATIONS = new Set([6, 7, 8, 9, 10, 11, 12, 13, 17, 18, 27]);
const SETTINGS = new Set(['device_settings', 'user_profile', 'hrm_profile', 'sdm_profile', 'bike_profile', 'connectivity', 'watchface_settings']);
const INDEX_NAMES = new Set([...Object.values(INDEXED).flat(), 'location']);

/** The sanity findings over messages as they stream past: add() each, then finish(). */
export class SanityCollector {
  #first: At | undefined;
  #lead: FitMessage | undefined;
  #id: FitMessage | undefined;
  #counts = new Map<string, number>();
  /** Byte offset of the last record; -1 before the first. */
  #lastRecord = -1;
  #records = 0;
  #recordsPlaced = 0;
  #recordNoPosition: At | undefined;
  #t0: number | null = null;
  #t1: number | null = null;
  #coursePoints: { t: number; offset: number }[] = [];
  #workout: FitMessage | undefined;
  #steps: { dt: number | null; target: number | null; offset: number }[] = [];
  #monitoringLast = -1;
  #monitoringBack: Diagnostic | undefined;
  #badLocation: At | undefined;
  #index = new Map<string, IndexRun>();
  #courseChecks = new CourseChecks();

  /** A record, as read by RecordPointReader or from its message. */
  record(pt: RecordPoint): void {
    this.#first ??= { offset: pt.offset };
    if (!this.#lead) this.#lead = { name: 'record', num: 20, local: 0, offset: pt.offset, fields: [] };
    this.#lastRecord = pt.offset;
    this.#courseChecks.record(pt);
    if (this.#records++ === 0) this.#t0 = pt.t;
    this.#t1 = pt.t;
    if (pt.lat !== null && pt.lon !== null) this.#recordsPlaced++;
    else if (pt.lat === null) this.#recordNoPosition ??= { offset: pt.offset };
  }

  add(m: FitMessage): void {
    if (m.name === 'record') return this.record(recordPoint(m));
    this.#first ??= { offset: m.offset };
    if (!this.#lead && m.name !== 'pad') this.#lead = m;
    this.#counts.set(m.name, (this.#counts.get(m.name) ?? 0) + 1);
    if (INDEX_NAMES.has(m.name)) this.#indexed(m);
    switch (m.name) {
      case 'file_id':
        this.#id ??= { ...m, fields: m.fields.filter((f) => f.name === 'type') };
        return;
      case 'lap':
        this.#courseChecks.lap(m);
        return;
      case 'course_point': {
        this.#courseChecks.coursePoint(m);
        const t = num(m, 'timestamp');
        if (t !== null) this.#coursePoints.push({ t, offset: m.offset });
        return;
      }
      case 'workout':
        this.#workout ??= { ...m, fields: m.fields.filter((f) => f.name === 'num_valid_steps') };
        return;
      case 'workout_step':
        this.#steps.push({ dt: num(m, 'duration_type'), target: num(m, 'duration_step') ?? num(m, 'duration_value'), offset: m.offset });
        return;
      case 'monitoring': {
        const t = num(m, 'timestamp');
        if (t === null || this.#monitoringBack) return;
        if (t < this.#monitoringLast) this.#monitoringBack = note('warning', 'monitoring_time_order', `monitoring timestamp ${t} goes back from ${this.#monitoringLast}`, m);
        else this.#monitoringLast = t;
        return;
      }
      case 'location':
        if (!this.#badLocation && (num(m, 'position_lat') === null || num(m, 'position_long') === null)) this.#badLocation = { offset: m.offset };
        return;
    }
  }

  #indexed(m: FitMessage): void {
    let run = this.#index.get(m.name);
    if (!run) this.#index.set(m.name, (run = { n: 0 }));
    const i = run.n++;
    if (run.bad) return;
    const raw = num(m, 'message_index');
    if (raw === null) run.bad = note('warning', 'message_index_missing', `${m.name} #${i} has no message_index (expected ${i})`, m);
    else if ((raw & INDEX_MASK) !== i) run.bad = note('warning', 'message_index_sequence', `${m.name} #${i} has message_index ${raw & INDEX_MASK}, expected ${i}`, m);
  }

  /** Messages of kind `name` (records are counted apart: they are most of a big file). */
  #count(name: string): number {
    return name === 'record' ? this.#records : (this.#counts.get(name) ?? 0);
  }

  finish(profile: Profile): SanityResult {
    const out: Diagnostic[] = [];
    const first = this.#first;
    if (!this.#id) {
      if (first) out.push(note('warning', 'file_id_missing', 'no file_id message: readers cannot tell what the file holds', first));
      return { fileType: null, diagnostics: out };
    }
    const lead = this.#lead;
    if (lead && lead.name !== 'file_id') out.push(note('warning', 'file_id_not_first', `the first message is ${lead.name}, not file_id`, lead));
    const t = num(this.#id, 'type');
    const label = t === null ? undefined : profile.types.get('file')?.values.get(t);
    const fileType = t === null ? null : label === undefined ? `unknown_${t}` : snakeName(label);
    if (t === null) out.push(note('warning', 'file_type_missing', 'file_id has no type', this.#id));
    else if (label === undefined) out.push(note('warning', 'file_type_unknown', `file_id.type ${t} is not a file type the profile knows`, this.#id));
    if (fileType === 'activity') this.#activity(out);
    else if (fileType === 'course') {
      this.#course(out);
      out.push(...this.#courseChecks.finish(profile));
    } else if (fileType === 'workout') this.#workoutChecks(out);
    else if (fileType === 'settings') {
      if (![...SETTINGS].some((n) => this.#count(n) > 0)) {
        out.push(note('warning', 'settings_empty', 'settings file without device_settings, user_profile or other settings messages', first));
      }
    } else if (fileType !== 'activity' && this.#count('location') > 0) {
      this.#locations(out);
      this.#indexFinding('location', out);
    } else if (fileType === 'monitoring_a' || fileType === 'monitoring_b' || fileType === 'monitoring_daily') this.#monitoring(out);
    for (const name of INDEXED[fileType ?? ''] ?? []) this.#indexFinding(name, out);
    return { fileType, diagnostics: out };
  }

  #indexFinding(name: string, out: Diagnostic[]): void {
    const bad = this.#index.get(name)?.bad;
    if (bad) out.push(bad);
  }

  /** An activity cut short (crash, flat battery) has records but no summary after them. */
  #activity(out: Diagnostic[]): void {
    const missing = ['lap', 'session', 'activity'].filter((n) => this.#count(n) === 0);
    if (missing.length > 0 && this.#lastRecord >= 0) {
      out.push(note('warning', 'activity_no_summary', `activity ends without ${missing.join(', ')} after its last record (recording cut short?)`, { offset: this.#lastRecord }));
    }
  }

  #course(out: Diagnostic[]): void {
    const first = this.#first;
    if (this.#count('course') === 0) out.push(note('warning', 'course_missing', 'course file without a course message (name, sport)', first));
    const records = this.#records;
    if (records === 0) out.push(note('warning', 'course_no_records', 'course file without records: there is no track to follow', first));
    if (this.#count('lap') === 0) out.push(note('info', 'course_no_lap', 'course file without a lap message (devices use it for the course length)', first));
    if (records > 0 && this.#recordsPlaced < records) {
      out.push(note('warning', 'course_record_position', `${records - this.#recordsPlaced} of ${records} course record(s) have no position`, this.#recordNoPosition));
    }
    const t0 = this.#t0;
    const t1 = this.#t1;
    if (t0 !== null && t1 !== null) {
      const cp = this.#coursePoints.find((c) => c.t < t0 || c.t > t1);
      if (cp) out.push(note('info', 'course_point_time', `course_point at ${cp.t} lies outside the records' time range [${t0}, ${t1}]`, cp));
    }
  }

  #workoutChecks(out: Diagnostic[]): void {
    const w = this.#workout;
    const steps = this.#steps;
    if (!w) out.push(note('warning', 'workout_missing', 'workout file without a workout message', this.#first));
    if (steps.length === 0) out.push(note('warning', 'workout_no_steps', 'workout file without workout_step messages', w ?? this.#first));
    const declared = w ? num(w, 'num_valid_steps') : null;
    if (declared !== null && declared !== steps.length) {
      out.push(note('warning', 'workout_step_count', `workout.num_valid_steps is ${declared}, the file holds ${steps.length} step(s)`, w));
    }
    // Repeat steps ("repeat_until_…" durations) point back at an earlier step.
    for (let i = 0; i < steps.length; i++) {
      const { dt, target } = steps[i];
      if (dt === null || !REPEAT_DURATIONS.has(dt)) continue;
      if (target !== null && target >= i) {
        out.push(note('warning', 'workout_repeat_target', `workout_step #${i} repeats from step ${target}, which is not an earlier step`, steps[i]));
      }
    }
  }

  #monitoring(out: Diagnostic[]): void {
    const first = this.#first;
    if (this.#count('monitoring_info') === 0) out.push(note('info', 'monitoring_info_missing', 'monitoring file without monitoring_info (local time and activity types)', first));
    if (this.#count('monitoring') === 0) out.push(note('warning', 'monitoring_empty', 'monitoring file without monitoring messages', first));
    if (this.#monitoringBack) out.push(this.#monitoringBack);
  }

  #locations(out: Diagnostic[]): void {
    if (this.#count('location') === 0) out.push(note('info', 'locations_empty', 'locations file without location messages', this.#first));
    if (this.#badLocation) out.push(note('warning', 'location_position', 'a location has no position', this.#badLocation));
  }
}
