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
 * A new session's times are its laps' sums (the device's laps and the new one), as the
 * checklist wants them, within 1 s of its span.
 *
 * Two streaming passes, so a file of any size needs a few numbers per lap and event only: the
 * first gathers the facts (SummaryFacts: laps, sessions, timer events, the records' time range),
 * the second feeds the records to the spans that need their statistics (summaryJob).
 * Ref: FIT SDK, "Encoding Activity Files" (summary messages, their order, local time).
 */
import type { FieldValues } from '../../fit/encode/encoder.js';
import type { FitMessage } from '../../fit/decode/message.js';
import type { Profile } from '../../fit/profile/profile.js';
import { snakeName } from '../../fit/profile/names.js';
import { dateFromFitTime } from '../../fit/kit/time.js';
import { num } from '../../fit/decode/values.js';
import { RecordClock, SpanAccumulator, type SpanStats } from './record-stats.js';
import { timeZoneOffset } from '../../fit/kit/time-zone.js';
import { ActivityTimer, type TimerEvent } from './timer.js';

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
  elapsed: number | null;
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
function sportOf(facts: SummaryFacts, profile: Profile): { sport: string | number; sub_sport: string | number } {
  const from = facts.sportFrom.sport ?? facts.sportFrom.session ?? facts.sportFrom.lap;
  const name = (type: string, field: string) => {
    const v = from ? num(from, field) : null;
    if (v === null) return 'generic';
    const label = profile.types.get(type)?.values.get(v);
    return label === undefined ? v : snakeName(label);
  };
  return { sport: name('sport', 'sport'), sub_sport: name('sub_sport', 'sub_sport') };
}

/** Local time minus UTC at `t`, in seconds, and where it came from. */
function localOffset(facts: SummaryFacts, t: number, opts: SummaryOptions): { offset: number; from: string } | undefined {
  if (facts.correlationOffset !== undefined) return { offset: facts.correlationOffset, from: 'timestamp_correlation' };
  if (facts.settingsOffset !== undefined) return { offset: facts.settingsOffset, from: 'device_settings.time_offset' };
  if (opts.timeZone) return { offset: timeZoneOffset(dateFromFitTime(t), opts.timeZone), from: `time zone ${opts.timeZone}` };
  return undefined;
}

/**
 * What the summary needs of one activity FIT file but its records' values, gathered as the
 * messages stream past: the summary messages it has, timer events, where the sport and time
 * zone are said, the records' time range.
 */
export class SummaryFacts {
  laps: FitMessage[] = [];
  sessions: FitMessage[] = [];
  activities: FitMessage[] = [];
  timerEvents: TimerEvent[] = [];
  /** The last sport message, session and lap that name a sport. */
  sportFrom: { sport?: FitMessage; session?: FitMessage; lap?: FitMessage } = {};
  /** timestamp_correlation's local - UTC; device_settings' time_offset. */
  correlationOffset: number | undefined;
  settingsOffset: number | undefined;
  /** Records with a time (their own or carried), and their range. */
  records = 0;
  recordMin = Infinity;
  recordMax = -Infinity;
  #clock = new RecordClock();

  /** A record with its own timestamp (or null: it takes the last one known). */
  record(own: number | null): void {
    const t = this.#clock.see(own);
    if (t === null) return;
    this.records++;
    if (t < this.recordMin) this.recordMin = t;
    if (t > this.recordMax) this.recordMax = t;
  }

  add(m: FitMessage): void {
    switch (m.name) {
      case 'record':
        return this.record(num(m, 'timestamp'));
      case 'lap':
      case 'session':
      case 'activity':
        (m.name === 'lap' ? this.laps : m.name === 'session' ? this.sessions : this.activities).push(m);
        if (m.name !== 'activity' && num(m, 'sport') !== null) this.sportFrom[m.name] = m;
        break;
      case 'sport':
        if (num(m, 'sport') !== null) this.sportFrom.sport = m;
        break;
      case 'event': {
        const t = num(m, 'timestamp');
        const eventType = num(m, 'event_type');
        if (num(m, 'event') === TIMER_EVENT && t !== null && eventType !== null) this.timerEvents.push({ t, eventType });
        break;
      }
      case 'timestamp_correlation': {
        const local = num(m, 'local_timestamp');
        const utc = num(m, 'timestamp');
        if (this.correlationOffset === undefined && local !== null && utc !== null) this.correlationOffset = local - utc;
        break;
      }
      case 'device_settings': {
        if (this.settingsOffset !== undefined) break;
        const f = m.fields.find((x) => x.name === 'time_offset' && x.kind !== 'developer');
        const v = Array.isArray(f?.raw) ? f.raw[num(m, 'active_time_zone') ?? 0] : f?.raw;
        // Some devices (Edge 820) write 0 whatever their zone: only a non-zero offset says anything.
        // The field is uint32; zones west of UTC wrap around.
        if (typeof v === 'number' && v !== 0 && v !== 0xffffffff) this.settingsOffset = v | 0;
        break;
      }
    }
    this.#clock.see(num(m, 'timestamp'));
  }
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

/**
 * The second pass: the spans (FIT seconds) whose record statistics the summary needs, each with
 * its accumulator; feed every record to add(), then build().
 */
export interface SummaryJob {
  /** True when no record statistics are needed (build() can be called at once). */
  readonly idle: boolean;
  add(m: FitMessage): void;
  build(): SummaryPlan;
}

/** The summary messages `messages` (one activity FIT file, decoded) lacks, computed. */
export function missingSummary(messages: readonly FitMessage[], profile: Profile, opts: SummaryOptions = {}): SummaryPlan {
  const facts = new SummaryFacts();
  for (const m of messages) facts.add(m);
  const job = summaryJob(facts, profile, opts);
  if (!job.idle) for (const m of messages) job.add(m);
  return job.build();
}

interface Span {
  a: number;
  b: number;
  fromStart: boolean;
}

/** Plans the summary from the first pass's facts; the job's second pass supplies the records. */
export function summaryJob(facts: SummaryFacts, profile: Profile, opts: SummaryOptions = {}): SummaryJob {
  const { laps, sessions, activities, timerEvents } = facts;
  const plan: SummaryPlan = { messages: [], notes: [] };
  const done = (): SummaryJob => ({ idle: true, add: () => {}, build: () => plan });
  if (laps.length > 0 && sessions.length > 0 && activities.length > 0) return done();

  let start = facts.recordMin;
  let end = facts.recordMax;
  for (const e of timerEvents) {
    if (e.t < start) start = e.t;
    if (e.t > end) end = e.t;
  }
  let timer: ActivityTimer | undefined;
  let lapSpan: Span | undefined;
  let sessionSpan: Span | undefined;
  let open: LapSpan[] = [];
  let covered = 0;
  if (facts.records === 0) {
    if (laps.length === 0 || sessions.length === 0) plan.notes.push('no record with a timestamp: no lap or session to compute');
  } else if (end - start > MAX_ELAPSED) {
    plan.notes.push(`records and timer events span ${Math.round((end - start) / 86400)} days: no lap or session computed (a garbled timestamp?)`);
  } else {
    timer = new ActivityTimer(timerEvents, start, end);
    covered = coveredLaps(sessions, laps);
    const sessionEnds = sessions.map(endOf).filter((x): x is number => x !== null);
    const lastEnd = laps.length ? endOf(laps[laps.length - 1]) : sessionEnds.length ? Math.max(...sessionEnds) : null;
    open = laps.slice(covered).map((l) => {
      const s = num(l, 'start_time');
      const e = num(l, 'total_elapsed_time');
      const ts = num(l, 'timestamp');
      return { start: s, timer: num(l, 'total_timer_time'), elapsed: e ?? (s !== null && ts !== null ? ts - s : null) };
    });
    if (laps.length === 0 && sessions.length > 0) plan.notes.push('sessions without laps: no lap computed for them');
    // Records past the last lap (beyond the checklist's 1 s) belong to a lap the device never closed.
    if (lastEnd === null || facts.recordMax > lastEnd + 1) {
      const a = lastEnd === null ? start : Math.min(lastEnd, end);
      lapSpan = { a, b: end, fromStart: a <= start };
    }
    const firstStart = lapSpan && open.length === 0 ? lapSpan.a : (open[0]?.start ?? start);
    if (open.length > 0 || lapSpan) {
      sessionSpan = { a: firstStart, b: Math.max(end, lastEnd ?? end), fromStart: covered === 0 && firstStart <= start };
    }
  }
  const accs = timer ? [lapSpan, sessionSpan].map((s) => (s ? new SpanAccumulator(s.a, s.b, timer!, s.fromStart) : undefined)) : [];
  const clock = new RecordClock();

  const build = (): SummaryPlan => {
    const [lapStats, sessionStats] = accs.map((acc) => acc?.result());
    const sport = sportOf(facts, profile);
    const newSessions: SummaryMessage[] = [];
    const newLaps: SummaryMessage[] = [];
    if (timer && lapSpan && lapStats) {
      const { a } = lapSpan;
      const timerTime = timer.within(a, end);
      newLaps.push({
        message: 'lap',
        fields: {
          message_index: laps.length,
          timestamp: end,
          start_time: a,
          total_elapsed_time: end - a,
          total_timer_time: timerTime,
          event: 'lap',
          event_type: 'stop',
          lap_trigger: 'session_end',
          ...sport,
          ...lapStats.fields,
        },
        note: `lap ${laps.length} computed from ${count(lapStats.records, 'record')}` + (laps.length ? ` after lap ${laps.length - 1}` : ''),
      });
      open.push({ start: a, timer: timerTime, elapsed: end - a });
    }
    if (sessionSpan && sessionStats) newSessions.push(sessionOver(sessionSpan, sessionStats, open, covered, sessions.length, sport));
    if ((newLaps.length > 0 || newSessions.length > 0) && timer?.runningAtEnd) {
      plan.messages.push({
        message: 'event',
        fields: { timestamp: end, event: 'timer', event_type: 'stop_all', timer_trigger: 'manual' },
        note: 'timer stop event at the end (the timer was still running)',
      });
    }
    plan.messages.push(...newLaps, ...newSessions);
    if (activities.length === 0) activityOver(facts, newSessions, facts.records ? end : null, opts, plan);
    return plan;
  };
  return {
    idle: accs.every((a) => a === undefined),
    add(m) {
      const x = clock.sample(m);
      if (x) for (const acc of accs) acc?.add(x);
    },
    build,
  };
}

/**
 * The session over the laps no session covers. Its timer and elapsed times are the laps' sums
 * (the checklist compares them within 1 s), the elapsed time as close to its span as that allows.
 */
function sessionOver(span: Span, stats: SpanStats, open: readonly LapSpan[], covered: number, index: number, sport: object): SummaryMessage {
  const { a, b } = span;
  const timerTime = open.reduce((s, l) => s + (l.timer ?? 0), 0);
  const lapsElapsed = open.reduce((s, l) => s + (l.elapsed ?? 0), 0);
  const elapsed = Math.max(timerTime, Math.min(Math.max(b - a, lapsElapsed - 0.9), lapsElapsed + 0.9));
  return {
    message: 'session',
    fields: {
      message_index: index,
      timestamp: b,
      start_time: a,
      total_elapsed_time: elapsed,
      total_timer_time: timerTime,
      event: 'session',
      event_type: 'stop',
      trigger: 'activity_end',
      ...sport,
      first_lap_index: covered,
      num_laps: open.length,
      ...stats.fields,
    },
    note: `session ${index} computed from ${count(stats.records, 'record')} and ${count(open.length, 'lap')}`,
  };
}

/** The activity message over the sessions, old and new; `end`: the last record or timer event. */
function activityOver(facts: SummaryFacts, newSessions: readonly SummaryMessage[], end: number | null, opts: SummaryOptions, plan: SummaryPlan): void {
  const { sessions } = facts;
  const ends = [...sessions.map((s) => num(s, 'timestamp') ?? endOf(s)), ...newSessions.map((s) => s.fields.timestamp as number), ...(end !== null ? [end] : [])];
  const t = Math.max(...ends.filter((x): x is number => x !== null));
  const n = sessions.length + newSessions.length;
  if (n === 0 || !Number.isFinite(t)) {
    plan.notes.push('no session and no time: no activity to compute');
    return;
  }
  const timerTime = [...sessions.map((s) => num(s, 'total_timer_time') ?? 0), ...newSessions.map((s) => s.fields.total_timer_time as number)].reduce((x, y) => x + y, 0);
  const local = localOffset(facts, t, opts);
  plan.messages.push({
    message: 'activity',
    fields: {
      timestamp: t,
      total_timer_time: timerTime,
      num_sessions: n,
      type: 'manual',
      event: 'activity',
      event_type: 'stop',
      local_timestamp: local === undefined ? undefined : t + local.offset,
    },
    note: `activity over ${count(n, 'session')}` + (local ? `, local time ${utcOffset(local.offset)} from ${local.from}` : ''),
  });
  if (!local) plan.notes.push('activity.local_timestamp left out: the file does not say its time zone (give one with --tz)');
}
