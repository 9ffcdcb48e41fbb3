/**
 * An activity cut down to a time window [a, b] (b excluded on request), what trim and split
 * share: records and other time-series messages outside it go, laps outside it go, laps across
 * its ends are cut to it and recomputed, sessions left without laps go; the timer starts at a
 * and stops at b when it ran there; record distances count from the window's start.
 */
import { FitkitError } from '../errors.js';
import { cloneModel, getValue, timestampOf, mesgNum, setValue, type EditMessage, type EditModel } from './activity-model.js';
import { activitySeries, removeMessages, runningAt, sessionGroups, spanOf, summarize, timerEvent, type SessionGroup } from './recompute.js';

/** Messages that are samples in time: they go with the time they carry. */
export const TIME_SERIES = new Set([
  'record',
  'event',
  'hr',
  'gps_metadata',
  'camera_event',
  'accelerometer_data',
  'gyroscope_data',
  'magnetometer_data',
  'barometer_data',
  'obdii_data',
  'nmea_sentence',
  'aviation_attitude',
  'video_frame',
  'length',
  'split',
  'climb_pro',
  'jump',
  'three_d_sensor_calibration',
  'one_d_sensor_calibration',
  'segment_lap',
  'time_in_zone',
  'tank_update',
  'tank_summary',
  'dive_alarm',
  'spo2_data',
  'beat_intervals',
]);

export interface CropOptions {
  /** Leave out what is at b itself (split: b starts the next part). */
  endExclusive?: boolean;
  /** For error messages. */
  file?: string;
  timeZone?: string;
}

/** The model's timestamped messages' times, carried forward (a message without one has the last). */
export function messageTimes(model: EditModel): (number | null)[] {
  let t: number | null = null;
  return model.messages.map((m) => {
    const own = timestampOf(m);
    if (own !== null) t = own;
    return own ?? t;
  });
}

export function cropActivity(input: EditModel, a: number, b: number, opts: CropOptions = {}): EditModel {
  const model = cloneModel(input);
  const series = activitySeries(model);
  const groups = sessionGroups(model);
  if (groups.length === 0) throw new FitkitError('edit_not_activity', 'has no session message: not an activity this edit can cut', { file: opts.file });
  const name = (m: EditMessage) => model.profile.message(m.num)?.name ?? '';
  const recordNum = mesgNum(model, 'record');
  const times = messageTimes(model);
  const inside = (t: number) => t >= a && (opts.endExclusive ? t < b : t <= b);

  // Time-series messages outside the window go; the distance at the cut is remembered.
  const gone = new Set<EditMessage>();
  let base: number | null = null;
  let firstKept: EditMessage | undefined;
  let lastKept: EditMessage | undefined;
  let kept = 0;
  let lastT = a;
  model.messages.forEach((m, i) => {
    if (!TIME_SERIES.has(name(m))) return;
    const t = times[i];
    if (t === null) return;
    if (!inside(t)) {
      gone.add(m);
      if (m.num === recordNum && t < a) base = getValue(model, m, 'distance') ?? base;
      return;
    }
    if (m.num === recordNum) {
      kept++;
      lastT = Math.max(lastT, t);
    }
    firstKept ??= m;
    lastKept = m;
  });
  if (kept === 0) throw new FitkitError('edit_empty', 'no record left in the part asked for', { file: opts.file, exitCode: 2 });
  const end = opts.endExclusive ? b : Math.min(b, Math.max(lastT, a));
  // Only an end that cuts into the activity cuts laps.
  const lo = a > series.start ? a : -Infinity;
  const hi = end < series.end || (opts.endExclusive && b <= series.end) ? end : Infinity;

  // Laps outside go, laps across an end are cut to it; sessions without laps go.
  const changedLaps = new Set<EditMessage>();
  const changedSessions = new Set<EditMessage>();
  const left: SessionGroup[] = [];
  for (const g of groups) {
    const laps: EditMessage[] = [];
    for (const lap of g.laps) {
      const span = spanOf(model, lap);
      if (!span) {
        laps.push(lap);
        continue;
      }
      const [la, lb] = span;
      // A lap that only grazes the window (device times drift by fractions of a second) is not in it.
      if (lb <= lo || la >= hi || (Math.min(lb, hi) - Math.max(la, lo) < 1 && g.laps.length > 1)) {
        gone.add(lap);
        continue;
      }
      if (la < lo || lb > hi) {
        setValue(model, lap, 'start_time', Math.max(la, lo));
        setValue(model, lap, 'timestamp', Math.min(lb, hi));
        setValue(model, lap, 'total_elapsed_time', Math.min(lb, hi) - Math.max(la, lo));
        changedLaps.add(lap);
      }
      laps.push(lap);
    }
    if (laps.length < g.laps.length || laps.some((l) => changedLaps.has(l))) changedSessions.add(g.session);
    if (g.laps.length > 0 && laps.length === 0) gone.add(g.session);
    else left.push({ session: g.session, laps });
  }
  if (left.length === 0) throw new FitkitError('edit_empty', 'no lap left in the part asked for', { file: opts.file, exitCode: 2 });
  removeMessages(model, gone);

  // Record distances count from the window's start.
  if (base !== null && base > 0) {
    for (const m of model.messages) {
      if (m.num !== recordNum) continue;
      const d = getValue(model, m, 'distance');
      if (d !== null) setValue(model, m, 'distance', Math.max(0, d - base));
    }
  }

  // The timer runs from a and stops at the end when it ran there.
  if (lo > -Infinity && runningAt(series.timer, a)) {
    model.messages.splice(model.messages.indexOf(firstKept!), 0, timerEvent(model, a, 'start'));
  }
  if (hi < Infinity && runningAt(series.timer, end - 1e-9)) {
    model.messages.splice(model.messages.indexOf(lastKept!) + 1, 0, timerEvent(model, end, 'stop_all'));
  }
  summarize(model, left, { laps: changedLaps, sessions: changedSessions, timeZone: opts.timeZone });
  return model;
}
