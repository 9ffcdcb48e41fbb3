/**
 * Sanity checks by file type, beyond Garmin's activity checklist: is there a file_id, is its
 * type one the profile knows, do message_index values count 0, 1, 2, …, and does each type hold
 * what makes it useful (a course its records, a workout its steps, …). Findings are warnings or
 * notes, never errors: such files still load in most tools.
 */
import type { Diagnostic, DiagnosticCode } from '../errors.js';
import type { FitMessage } from '../fit/decode/message.js';
import type { Profile } from '../fit/profile/profile.js';
import { snakeName } from '../fit/profile/names.js';
import { num } from './checklist.js';

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

function note(level: Diagnostic['level'], code: DiagnosticCode, message: string, m: FitMessage | undefined): Diagnostic {
  return { level, code, message, offset: m?.offset ?? 0 };
}

function indexSequence(msgs: readonly FitMessage[], name: string, out: Diagnostic[]): void {
  const list = msgs.filter((m) => m.name === name);
  for (let i = 0; i < list.length; i++) {
    const raw = num(list[i], 'message_index');
    if (raw === null) {
      out.push(note('warning', 'message_index_missing', `${name} #${i} has no message_index (expected ${i})`, list[i]));
      return;
    }
    if ((raw & INDEX_MASK) !== i) {
      out.push(note('warning', 'message_index_sequence', `${name} #${i} has message_index ${raw & INDEX_MASK}, expected ${i}`, list[i]));
      return;
    }
  }
}

function count(msgs: readonly FitMessage[], name: string): number {
  let n = 0;
  for (const m of msgs) if (m.name === name) n++;
  return n;
}

function first(msgs: readonly FitMessage[], name: string): FitMessage | undefined {
  return msgs.find((m) => m.name === name);
}

function course(msgs: readonly FitMessage[], out: Diagnostic[]): void {
  if (count(msgs, 'course') === 0) out.push(note('warning', 'course_missing', 'course file without a course message (name, sport)', msgs[0]));
  const records = msgs.filter((m) => m.name === 'record');
  if (records.length === 0) out.push(note('warning', 'course_no_records', 'course file without records: there is no track to follow', msgs[0]));
  if (count(msgs, 'lap') === 0) out.push(note('info', 'course_no_lap', 'course file without a lap message (devices use it for the course length)', msgs[0]));
  const withPos = records.filter((r) => num(r, 'position_lat') !== null && num(r, 'position_long') !== null).length;
  if (records.length > 0 && withPos < records.length) {
    out.push(note('warning', 'course_record_position', `${records.length - withPos} of ${records.length} course record(s) have no position`, records.find((r) => num(r, 'position_lat') === null)));
  }
  const t0 = records.length ? num(records[0], 'timestamp') : null;
  const t1 = records.length ? num(records[records.length - 1], 'timestamp') : null;
  if (t0 !== null && t1 !== null) {
    for (const cp of msgs.filter((m) => m.name === 'course_point')) {
      const t = num(cp, 'timestamp');
      if (t !== null && (t < t0 || t > t1)) {
        out.push(note('info', 'course_point_time', `course_point at ${t} lies outside the records' time range [${t0}, ${t1}]`, cp));
        break;
      }
    }
  }
}

/** wkt_step_duration values that repeat earlier steps (their duration_value is duration_step). */
const REPEAT_DURATIONS = new Set([6, 7, 8, 9, 10, 11, 12, 13, 17, 18, 27]);

function workout(msgs: readonly FitMessage[], out: Diagnostic[]): void {
  const w = first(msgs, 'workout');
  const steps = msgs.filter((m) => m.name === 'workout_step');
  if (!w) out.push(note('warning', 'workout_missing', 'workout file without a workout message', msgs[0]));
  if (steps.length === 0) out.push(note('warning', 'workout_no_steps', 'workout file without workout_step messages', w ?? msgs[0]));
  const declared = w ? num(w, 'num_valid_steps') : null;
  if (declared !== null && declared !== steps.length) {
    out.push(note('warning', 'workout_step_count', `workout.num_valid_steps is ${declared}, the file holds ${steps.length} step(s)`, w));
  }
  // Repeat steps ("repeat_until_…" durations) point back at an earlier step.
  for (let i = 0; i < steps.length; i++) {
    const dt = num(steps[i], 'duration_type');
    if (dt === null || !REPEAT_DURATIONS.has(dt)) continue;
    const target = num(steps[i], 'duration_step') ?? num(steps[i], 'duration_value');
    if (target !== null && target >= i) {
      out.push(note('warning', 'workout_repeat_target', `workout_step #${i} repeats from step ${target}, which is not an earlier step`, steps[i]));
    }
  }
}

function monitoring(msgs: readonly FitMessage[], out: Diagnostic[]): void {
  if (count(msgs, 'monitoring_info') === 0) out.push(note('info', 'monitoring_info_missing', 'monitoring file without monitoring_info (local time and activity types)', msgs[0]));
  if (count(msgs, 'monitoring') === 0) out.push(note('warning', 'monitoring_empty', 'monitoring file without monitoring messages', msgs[0]));
  let last = -1;
  for (const m of msgs) {
    if (m.name !== 'monitoring') continue;
    const t = num(m, 'timestamp');
    if (t === null) continue;
    if (t < last) {
      out.push(note('warning', 'monitoring_time_order', `monitoring timestamp ${t} goes back from ${last}`, m));
      return;
    }
    last = t;
  }
}

/** An activity cut short (crash, flat battery) has records but no summary after them. */
function activity(msgs: readonly FitMessage[], out: Diagnostic[]): void {
  const missing = ['lap', 'session', 'activity'].filter((n) => count(msgs, n) === 0);
  let lastRecord: FitMessage | undefined;
  for (const m of msgs) if (m.name === 'record') lastRecord = m;
  if (missing.length > 0 && lastRecord) {
    out.push(note('warning', 'activity_no_summary', `activity ends without ${missing.join(', ')} after its last record (recording cut short?)`, lastRecord));
  }
}

function settings(msgs: readonly FitMessage[], out: Diagnostic[]): void {
  const known = ['device_settings', 'user_profile', 'hrm_profile', 'sdm_profile', 'bike_profile', 'connectivity', 'watchface_settings'];
  if (!msgs.some((m) => known.includes(m.name))) {
    out.push(note('warning', 'settings_empty', 'settings file without device_settings, user_profile or other settings messages', msgs[0]));
  }
}

function locations(msgs: readonly FitMessage[], out: Diagnostic[]): void {
  const locs = msgs.filter((m) => m.name === 'location');
  if (locs.length === 0) out.push(note('info', 'locations_empty', 'locations file without location messages', msgs[0]));
  const bad = locs.find((l) => num(l, 'position_lat') === null || num(l, 'position_long') === null);
  if (bad) out.push(note('warning', 'location_position', 'a location has no position', bad));
}

/** Type-specific sanity findings for a decoded file. */
export function fileSanity(msgs: readonly FitMessage[], profile: Profile): SanityResult {
  const out: Diagnostic[] = [];
  const ids = msgs.filter((m) => m.name === 'file_id');
  if (ids.length === 0) {
    if (msgs.length > 0) out.push(note('warning', 'file_id_missing', 'no file_id message: readers cannot tell what the file holds', msgs[0]));
    return { fileType: null, diagnostics: out };
  }
  const lead = msgs.find((m) => m.name !== 'pad');
  if (lead && lead.name !== 'file_id') out.push(note('warning', 'file_id_not_first', `the first message is ${lead.name}, not file_id`, lead));
  const t = num(ids[0], 'type');
  const label = t === null ? undefined : profile.types.get('file')?.values.get(t);
  const fileType = t === null ? null : label === undefined ? `unknown_${t}` : snakeName(label);
  if (t === null) out.push(note('warning', 'file_type_missing', 'file_id has no type', ids[0]));
  else if (label === undefined) out.push(note('warning', 'file_type_unknown', `file_id.type ${t} is not a file type the profile knows`, ids[0]));
  if (fileType === 'activity') activity(msgs, out);
  else if (fileType === 'course') course(msgs, out);
  else if (fileType === 'workout') workout(msgs, out);
  else if (fileType === 'settings') settings(msgs, out);
  else if (fileType !== 'activity' && msgs.some((m) => m.name === 'location')) {
    locations(msgs, out);
    indexSequence(msgs, 'location', out);
  }
  else if (fileType === 'monitoring_a' || fileType === 'monitoring_b' || fileType === 'monitoring_daily') monitoring(msgs, out);
  for (const name of INDEXED[fileType ?? ''] ?? []) indexSequence(msgs, name, out);
  return { fileType, diagnostics: out };
}
