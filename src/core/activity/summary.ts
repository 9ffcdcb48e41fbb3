/**
 * The summary an activity ended without: when a device crashes or its battery dies, the file
 * holds records and events but not the lap, session and activity messages written at the end.
 * This computes them from what the file does hold, so the activity passes Garmin's checklist:
 * - no lap and no session: one lap and one session over every record;
 * - laps but no session, or records after the last lap: a last lap from the end of the
 *   previous one to the last record, and a session over the laps no session covers;
 * - sessions but no activity: the activity alone.
 * Times come from the records and the timer events (pauses stay out of total_timer_time), the
 * rest from the records (record-stats.ts). A timer left running gets its stop event.
 * Ref: FIT SDK, "Encoding Activity Files" (summary messages, their order, local time).
 */
import type { FieldValues } from '../fit/encode/encoder.js';
import type { FitMessage } from '../fit/decode/message.js';
import type { Profile } from '../fit/profile/profile.js';
import { snakeName } from '../fit/profile/names.js';
import { dateFromFitTime } from '../fit/kit/time.js';
import { num } from './checklist.js';
import { recordSamples, spanStats } from './record-stats.js';
import { timeZoneOffset } from './tcx-to-fit.js';
import { ActivityTimer } from './timer.js';

export interface SummaryOptions {
  /**
   * IANA time zone for activity.local_timestamp, used when the file does not give its own
   * offset (timestamp_correlation, device_settings). Without either, it is left out.
   */
  timeZone?: string;
}

export interface SummaryMessage {
  message: 'event' | 'lap' | 'session' | 'activity';
  /** Values for the encoder: FIT seconds for times, profile names for enums. */
  fields: FieldValues;
  /** What it was computed from, for people. */
  note: string;
}

export interface SummaryPlan {
  /** In the order to write them: timer stop event, laps, session, activity. */
  messages: SummaryMessage[];
  /** What could not be computed, and why. */
  notes: string[];
}

const TIMER_EVENT = 0;
/** total_elapsed_time is uint32 milliseconds: about 49 days at most. */
const MAX_ELAPSED = 0xfffffffe / 1000;

/** A lap as the session over it needs it. */
interface LapSpan {
  start: number | null;
  timer: number | null;
}

/**
 * The end of a lap or session as the checklist reckons it (start_time + whole seconds of
 * total_elapsed_time), else its timestamp.
 */
function endOf(m: FitMessage): number | null {
  const s = num(m, 'start_time');
  const e = num(m, 'total_elapsed_time');
  return s !== null && e !== null ? s + Math.trunc(e) : num(m, 'timestamp');
}

/** The sport the file names (its sport message, else its last session or lap), else generic. */
function sportOf(messages: readonly FitMessage[], profile: Profile): { sport: string | number; sub_sport: string | number } {
  const last = (name: string) => {
    for (let i = messages.length - 1; i >= 0; i--) if (messages[i].name === name && num(messages[i], 'sport') !== null) return messages[i];
    return undefined;
  };
  const from = last('sport') ?? last('session') ?? last('lap');
  const name = (type: string, field: string) => {
    const v = from ? num(from, field) : null;
    if (v === null) return 'generic';
    const label = profile.types.get(type)?.values.get(v);
    return label === undefined ? v : snakeName(label);
  };
  return { sport: name('sport', 'sport'), sub_sport: name('sub_sport', 'sub_sport') };
}

/** Local time minus UTC at `t`, in seconds, and where it came from. */
function localOffset(messages: readonly FitMessage[], t: number, opts: SummaryOptions): { offset: number; from: string } | undefined {
  for (const m of messages) {
    if (m.name !== 'timestamp_correlation') continue;
    const local = num(m, 'local_timestamp');
    const utc = num(m, 'timestamp');
    if (local !== null && utc !== null) return { offset: local - utc, from: 'timestamp_correlation' };
  }
  for (const m of messages) {
    if (m.name !== 'device_settings') continue;
    const f = m.fields.find((x) => x.name === 'time_offset' && x.kind !== 'developer');
    const v = Array.isArray(f?.raw) ? f.raw[num(m, 'active_time_zone') ?? 0] : f?.raw;
    // Some devices (Edge 820) write 0 whatever their zone: only a non-zero offset says anything.
    // The field is uint32; zones west of UTC wrap around.
    if (typeof v === 'number' && v !== 0 && v !== 0xffffffff) return { offset: v | 0, from: 'device_settings.time_offset' };
  }
  if (opts.timeZone) return { offset: timeZoneOffset(dateFromFitTime(t), opts.timeZone), from: `time zone ${opts.timeZone}` };
  return undefined;
}

function minMax(xs: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}

/** How many laps the existing sessions cover: by their lap indexes, else by time. */
function coveredLaps(sessions: readonly FitMessage[], laps: readonly FitMessage[]): number {
  if (sessions.length === 0) return 0;
  const idx = sessions.map((s) => [num(s, 'first_lap_index'), num(s, 'num_laps')] as const);
  if (idx.every(([f, n]) => f !== null && n !== null)) return Math.min(laps.length, Math.max(...idx.map(([f, n]) => f! + n!)));
  const until = Math.max(...sessions.map((s) => endOf(s) ?? -Infinity));
  return laps.filter((l) => (num(l, 'start_time') ?? Infinity) < until).length;
}

const count = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

function utcOffset(s: number): string {
  const m = Math.round(Math.abs(s) / 60);
  return `UTC${s < 0 ? '-' : '+'}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** The summary messages `messages` (one activity FIT file, decoded) lacks, computed. */
export function missingSummary(messages: readonly FitMessage[], profile: Profile, opts: SummaryOptions = {}): SummaryPlan {
  const by = (name: string) => messages.filter((m) => m.name === name);
  const laps = by('lap');
  const sessions = by('session');
  const activities = by('activity');
  const plan: SummaryPlan = { messages: [], notes: [] };
  if (laps.length > 0 && sessions.length > 0 && activities.length > 0) return plan;

  const records = recordSamples(messages);
  const timerEvents = by('event')
    .filter((m) => num(m, 'event') === TIMER_EVENT && num(m, 'timestamp') !== null && num(m, 'event_type') !== null)
    .map((m) => ({ t: num(m, 'timestamp')!, eventType: num(m, 'event_type')! }));
  const [start, end] = minMax([...records.map((r) => r.t), ...timerEvents.map((e) => e.t)]);

  const newSessions: SummaryMessage[] = [];
  if (records.length === 0) {
    if (laps.length === 0 || sessions.length === 0) plan.notes.push('no record with a timestamp: no lap or session to compute');
  } else if (end - start > MAX_ELAPSED) {
    plan.notes.push(`records and timer events span ${Math.round((end - start) / 86400)} days: no lap or session computed (a garbled timestamp?)`);
  } else {
    const timer = new ActivityTimer(timerEvents, start, end);
    const sport = sportOf(messages, profile);
    const covered = coveredLaps(sessions, laps);
    const sessionEnds = sessions.map(endOf).filter((x): x is number => x !== null);
    const lastEnd = laps.length ? endOf(laps[laps.length - 1]) : sessionEnds.length ? Math.max(...sessionEnds) : null;
    const open: LapSpan[] = laps.slice(covered).map((l) => ({ start: num(l, 'start_time'), timer: num(l, 'total_timer_time') }));
    if (laps.length === 0 && sessions.length > 0) plan.notes.push('sessions without laps: no lap computed for them');

    // Records past the last lap (beyond the checklist's 1 s) belong to a lap the device never closed.
    const newLaps: SummaryMessage[] = [];
    if (lastEnd === null || records.some((r) => r.t > lastEnd + 1)) {
      const a = lastEnd === null ? start : Math.min(lastEnd, end);
      const stats = spanStats(records, a, end, timer, a <= start);
      const timerTime = timer.within(a, end);
      newLaps.push({
        message: 'lap',
        fields: {
          message_index: laps.length, timestamp: end, start_time: a, total_elapsed_time: end - a, total_timer_time: timerTime,
          event: 'lap', event_type: 'stop', lap_trigger: 'session_end', ...sport, ...stats.fields,
        },
        note: `lap ${laps.length} computed from ${count(stats.records, 'record')}` + (laps.length ? ` after lap ${laps.length - 1}` : ''),
      });
      open.push({ start: a, timer: timerTime });
    }
    if (open.length > 0) {
      const a = open[0].start ?? start;
      const b = Math.max(end, lastEnd ?? end);
      const stats = spanStats(records, a, b, timer, covered === 0 && a <= start);
      // The checklist wants a session's timer time to be its laps' sum: the laps' own values.
      const timerTime = open.reduce((s, l) => s + (l.timer ?? 0), 0);
      newSessions.push({
        message: 'session',
        fields: {
          message_index: sessions.length, timestamp: b, start_time: a, total_elapsed_time: b - a, total_timer_time: timerTime,
          event: 'session', event_type: 'stop', trigger: 'activity_end', ...sport, first_lap_index: covered, num_laps: open.length,
          ...stats.fields,
        },
        note: `session ${sessions.length} computed from ${count(stats.records, 'record')} and ${count(open.length, 'lap')}`,
      });
    }
    if ((newLaps.length > 0 || newSessions.length > 0) && timer.runningAtEnd) {
      plan.messages.push({
        message: 'event',
        fields: { timestamp: end, event: 'timer', event_type: 'stop_all', timer_trigger: 'manual' },
        note: 'timer stop event at the end (the timer was still running)',
      });
    }
    plan.messages.push(...newLaps, ...newSessions);
  }

  if (activities.length === 0) {
    const ends = [...sessions.map((s) => num(s, 'timestamp') ?? endOf(s)), ...newSessions.map((s) => s.fields.timestamp as number), ...(records.length ? [end] : [])];
    const t = Math.max(...ends.filter((x): x is number => x !== null));
    const n = sessions.length + newSessions.length;
    if (n === 0 || !Number.isFinite(t)) {
      plan.notes.push('no session and no time: no activity to compute');
      return plan;
    }
    const timerTime = [...sessions.map((s) => num(s, 'total_timer_time') ?? 0), ...newSessions.map((s) => s.fields.total_timer_time as number)].reduce((x, y) => x + y, 0);
    const local = localOffset(messages, t, opts);
    plan.messages.push({
      message: 'activity',
      fields: {
        timestamp: t, total_timer_time: timerTime, num_sessions: n, type: 'manual', event: 'activity', event_type: 'stop',
        local_timestamp: local === undefined ? undefined : t + local.offset,
      },
      note: `activity over ${count(n, 'session')}` + (local ? `, local time ${utcOffset(local.offset)} from ${local.from}` : ''),
    });
    if (!local) plan.notes.push('activity.local_timestamp left out: the file does not say its time zone (give one with --tz)');
  }
  return plan;
}
