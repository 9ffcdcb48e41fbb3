/**
 * What an edit changes in an activity's summary, recomputed: lap and session start times,
 * total elapsed and timer times, distances, averages and maxima, start/end positions, the
 * sessions' lap ranges, message_index of laps and sessions, the activity's totals and local
 * time. An edit works on `SessionGroup`s (each session with its laps, taken before the edit)
 * and marks what it touched; `summarize` then rewrites only that: a lap the edit did not touch
 * keeps what the device wrote, a session's times always become its laps' sums (Garmin's
 * checklist compares them). Statistics come from the records through activity/record-stats.ts,
 * timer time from the timer events through activity/timer.ts.
 */
import { num } from '../fit/decode/values.js';
import { recordSamples, spanStats, type RecordSample } from '../activity/summaries/record-stats.js';
import { timeZoneOffset } from '../fit/kit/time-zone.js';
import { ActivityTimer, type TimerEvent } from '../activity/summaries/timer.js';
import { dateFromFitTime } from '../fit/kit/time.js';
import { getValue, hasField, interpretModel, messagesNamed, mesgNum, setValue, type EditMessage, type EditModel } from './activity-model.js';

export interface SessionGroup {
  session: EditMessage;
  laps: EditMessage[];
}

/** What a summary is computed from: the records as samples and when the timer ran. */
export interface ActivitySeries {
  samples: RecordSample[];
  timerEvents: TimerEvent[];
  timer: ActivityTimer;
  /** First and last record (or timer event) time. */
  start: number;
  end: number;
}

const TIMER = 0;

export function activitySeries(model: EditModel): ActivitySeries {
  const messages = interpretModel(model);
  const samples = recordSamples(messages);
  const timerEvents: TimerEvent[] = [];
  for (const m of messages) {
    if (m.name !== 'event' || num(m, 'event') !== TIMER) continue;
    const t = num(m, 'timestamp');
    const eventType = num(m, 'event_type');
    if (t !== null && eventType !== null) timerEvents.push({ t, eventType });
  }
  let start = Infinity;
  let end = -Infinity;
  for (const x of [...samples.map((s) => s.t), ...timerEvents.map((e) => e.t)]) {
    if (x < start) start = x;
    if (x > end) end = x;
  }
  if (!Number.isFinite(start)) start = end = 0;
  return { samples, timerEvents, timer: new ActivityTimer(timerEvents, start, end), start, end };
}

/** Whether the timer runs at `t` (just after it, at a start). */
export function runningAt(timer: ActivityTimer, t: number): boolean {
  return timer.spans.some(([a, b]) => a <= t && t < b);
}

/** Each session with its laps: by first_lap_index/num_laps when every session has them, else by time. */
export function sessionGroups(model: EditModel): SessionGroup[] {
  const sessions = messagesNamed(model, 'session');
  const laps = messagesNamed(model, 'lap');
  const idx = sessions.map((s) => [getValue(model, s, 'first_lap_index'), getValue(model, s, 'num_laps')] as const);
  if (idx.every(([f, n]) => f !== null && n !== null)) {
    return sessions.map((session, i) => ({ session, laps: laps.slice(idx[i][0]!, idx[i][0]! + idx[i][1]!) }));
  }
  const groups = sessions.map((session) => ({ session, laps: [] as EditMessage[] }));
  for (const lap of laps) {
    const t = getValue(model, lap, 'start_time') ?? getValue(model, lap, 'timestamp') ?? 0;
    let g = groups[0];
    for (const x of groups) if ((getValue(model, x.session, 'start_time') ?? Infinity) <= t + 1) g = x;
    g?.laps.push(lap);
  }
  return groups;
}

/** A lap's or session's span: [start_time, start_time + total_elapsed_time] (else its timestamp). */
export function spanOf(model: EditModel, m: EditMessage): [number, number] | undefined {
  const a = getValue(model, m, 'start_time');
  const e = getValue(model, m, 'total_elapsed_time');
  const ts = getValue(model, m, 'timestamp');
  if (a === null) return undefined;
  return [a, e !== null ? a + e : (ts ?? a)];
}

/** Statistics fields (record-stats.ts), by the record field they come from. */
export const STATS_BY_RECORD_FIELD: Record<string, readonly string[]> = {
  heart_rate: ['avg_heart_rate', 'max_heart_rate'],
  power: ['avg_power', 'max_power'],
  cadence: ['avg_cadence', 'max_cadence'],
};

export interface SummarizeOptions {
  /** Laps whose span or records changed: their times and statistics are recomputed. */
  laps: ReadonlySet<EditMessage>;
  /** Sessions whose statistics are recomputed (their times always are). */
  sessions: ReadonlySet<EditMessage>;
  /** Only these statistics fields (default: all record-stats.ts computes). */
  only?: readonly string[];
  /** activity.local_timestamp from this zone (default: the offset the file had). */
  timeZone?: string;
}

/** total_calories and other totals the records do not say scale with the timer time. */
const SCALED_TOTALS = ['total_calories', 'total_fat_calories', 'total_cycles', 'total_work'];

function applyStats(model: EditModel, m: EditMessage, fields: Record<string, unknown>, only?: readonly string[]): void {
  const keys = only ?? Object.keys(fields);
  for (const k of keys) {
    const v = fields[k];
    if (typeof v === 'number') setValue(model, m, k, v);
    else if (only || hasField(model, m, k)) setValue(model, m, k, null);
  }
  // Positions the records no longer have (concealed) must not survive from before.
  if (!only) {
    for (const k of ['start_position_lat', 'start_position_long', 'end_position_lat', 'end_position_long', 'nec_lat', 'nec_long', 'swc_lat', 'swc_long']) {
      if (!(k in fields)) setValue(model, m, k, null);
    }
  }
}

/** Times and statistics of a span; returns its timer time. */
function rewriteSpan(model: EditModel, m: EditMessage, a: number, b: number, s: ActivitySeries, only?: readonly string[]): void {
  const oldTimer = getValue(model, m, 'total_timer_time');
  const timer = s.timer.within(a, b);
  if (!only) {
    setValue(model, m, 'start_time', a);
    setValue(model, m, 'timestamp', b);
    setValue(model, m, 'total_elapsed_time', b - a);
    setValue(model, m, 'total_timer_time', timer);
    if (hasField(model, m, 'total_moving_time')) setValue(model, m, 'total_moving_time', Math.min(timer, getValue(model, m, 'total_moving_time') ?? timer));
    for (const k of SCALED_TOTALS) {
      const v = getValue(model, m, k);
      if (v !== null && oldTimer) setValue(model, m, k, Math.round((v * timer) / oldTimer));
    }
  }
  const stats = spanStats(s.samples, a, b, s.timer, a <= s.start);
  applyStats(model, m, stats.fields, only);
}

/**
 * Rewrites the summary after an edit: the marked laps and sessions (see SummarizeOptions), every
 * session's times as its laps' sums, lap ranges, message indexes, the activity.
 * `groups` lists the sessions and laps that remain, in order; the caller has taken the others
 * out of the model.
 */
export function summarize(model: EditModel, groups: readonly SessionGroup[], opts: SummarizeOptions): void {
  const s = activitySeries(model);
  for (const g of groups) {
    for (const lap of g.laps) {
      if (!opts.laps.has(lap)) continue;
      const span = spanOf(model, lap);
      if (span) rewriteSpan(model, lap, span[0], span[1], s, opts.only);
    }
  }
  let lapIndex = 0;
  groups.forEach((g, i) => {
    const session = g.session;
    const changed = opts.sessions.has(session) || g.laps.some((l) => opts.laps.has(l));
    if (!opts.only) {
      let a: number | undefined;
      let b: number | undefined;
      if (g.laps.length > 0) {
        a = getValue(model, g.laps[0], 'start_time') ?? undefined;
        // Devices leave gaps between laps; a recomputed last lap takes them in, so the laps' sum
        // reaches the session's end (the checklist wants records within it).
        const last = g.laps[g.laps.length - 1];
        const lastSpan = spanOf(model, last);
        if (opts.laps.has(last) && a !== undefined && lastSpan && g.laps.length > 1) {
          const others = g.laps.slice(0, -1).reduce((n, l) => n + (getValue(model, l, 'total_elapsed_time') ?? 0), 0);
          const need = lastSpan[1] - a - others;
          if (need > lastSpan[1] - lastSpan[0]) setValue(model, last, 'total_elapsed_time', need);
        }
        const elapsed = g.laps.reduce((n, l) => n + (getValue(model, l, 'total_elapsed_time') ?? 0), 0);
        const timer = g.laps.reduce((n, l) => n + (getValue(model, l, 'total_timer_time') ?? 0), 0);
        if (a !== undefined) {
          // Devices' lap times drift from their timestamps by fractions of a second: the
          // session's elapsed time stays within 1 s of the laps' sum and as close to its span as that allows.
          const lastSpan = spanOf(model, g.laps[g.laps.length - 1]);
          const span = lastSpan ? lastSpan[1] - a : elapsed;
          const sessionElapsed = Math.max(timer, Math.min(Math.max(span, elapsed - 0.9), elapsed + 0.9));
          b = a + sessionElapsed;
          setValue(model, session, 'start_time', a);
          setValue(model, session, 'timestamp', Math.max(Math.ceil(b), getValue(model, g.laps[g.laps.length - 1], 'timestamp') ?? b));
          setValue(model, session, 'total_elapsed_time', sessionElapsed);
          setValue(model, session, 'total_timer_time', timer);
        }
        setValue(model, session, 'first_lap_index', lapIndex);
        setValue(model, session, 'num_laps', g.laps.length);
      } else if (changed) {
        const span = spanOf(model, session);
        if (span) [a, b] = span;
      }
      if (changed && a !== undefined && b !== undefined) {
        const stats = spanStats(s.samples, a, b, s.timer, a <= s.start);
        // What the device counted per lap beats what the records say (distance past the last record).
        for (const k of ['total_distance', 'total_calories']) {
          const v = g.laps.map((l) => getValue(model, l, k));
          if (v.length > 0 && v.every((x) => x !== null)) stats.fields[k] = v.reduce((n, x) => n + x!, 0);
        }
        applyStats(model, session, stats.fields);
        if (g.laps.length === 0) {
          setValue(model, session, 'total_elapsed_time', b - a);
          setValue(model, session, 'total_timer_time', s.timer.within(a, b));
        }
      }
    } else if (changed) {
      const span = spanOf(model, session);
      if (span) applyStats(model, session, spanStats(s.samples, span[0], span[1], s.timer, span[0] <= s.start).fields, opts.only);
    }
    if (hasField(model, session, 'message_index') || !opts.only) setValue(model, session, 'message_index', i);
    lapIndex += g.laps.length;
  });
  messagesNamed(model, 'lap').forEach((lap, i) => setValue(model, lap, 'message_index', i));
  if (!opts.only) summarizeActivity(model, groups, opts.timeZone);
}

/** The activity message over the sessions: timestamp, timer time, session count, local time. */
export function summarizeActivity(model: EditModel, groups: readonly SessionGroup[], timeZone?: string): void {
  const acts = messagesNamed(model, 'activity');
  if (acts.length === 0 || groups.length === 0) return;
  const act = acts[0];
  const oldTs = getValue(model, act, 'timestamp');
  const oldLocal = getValue(model, act, 'local_timestamp');
  const ends = groups.map((g) => getValue(model, g.session, 'timestamp') ?? -Infinity);
  const t = Math.max(...ends);
  if (!Number.isFinite(t)) return;
  setValue(model, act, 'timestamp', t);
  setValue(
    model,
    act,
    'total_timer_time',
    groups.reduce((n, g) => n + (getValue(model, g.session, 'total_timer_time') ?? 0), 0),
  );
  setValue(model, act, 'num_sessions', groups.length);
  const local = timeZone ? t + timeZoneOffset(dateFromFitTime(t), timeZone) : oldLocal !== null && oldTs !== null ? t + (oldLocal - oldTs) : null;
  if (local !== null && local >= 0 && local < 0xffffffff) setValue(model, act, 'local_timestamp', local);
}

/** Takes messages out of the model. */
export function removeMessages(model: EditModel, gone: ReadonlySet<EditMessage>): void {
  if (gone.size > 0) model.messages = model.messages.filter((m) => !gone.has(m));
}

/** The index in model.messages where a new message goes just after `m`. */
export function indexAfter(model: EditModel, m: EditMessage): number {
  return model.messages.indexOf(m) + 1;
}

/** A timer event message (start, stop_all) at `t`. */
export function timerEvent(model: EditModel, t: number, type: 'start' | 'stop_all'): EditMessage {
  const m: EditMessage = { num: mesgNum(model, 'event'), fields: [], dev: [] };
  setValue(model, m, 'timestamp', t);
  setValue(model, m, 'event', 'timer');
  setValue(model, m, 'event_type', type);
  setValue(model, m, 'event_group', 0);
  return m;
}
