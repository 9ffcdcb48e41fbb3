/**
 * When an activity's timer ran, from its timer events: `start` runs it, `stop`, `stop_all` and
 * `stop_disable(_all)` pause it (the deprecated begin/end types count as start/stop). Timer time
 * over a span is the running time inside it, which is what `total_timer_time` holds.
 * Ref: FIT profile, `event` (timer = 0) and `event_type`; FIT SDK, "Activity File: Timer Events".
 */

/** event_type values that run the timer (start, begin_depreciated) and that pause it. */
const STARTS = new Set([0, 5]);
const STOPS = new Set([1, 4, 6, 7, 8, 9]);

export interface TimerEvent {
  /** FIT seconds. */
  t: number;
  eventType: number;
}

export class ActivityTimer {
  /** Running spans [from, to), in order, inside [start, end]. */
  readonly spans: [number, number][] = [];
  /** The timer was still running at the end (the device never wrote its stop). */
  readonly runningAtEnd: boolean;
  /** Timer events seen (start or stop). */
  readonly events: number;

  /** `events` in any order; without any, the timer ran from `start` to `end`. */
  constructor(events: readonly TimerEvent[], start: number, end: number) {
    const ev = events.filter((e) => STARTS.has(e.eventType) || STOPS.has(e.eventType)).sort((a, b) => a.t - b.t);
    this.events = ev.length;
    // A file whose first timer event is a stop had the timer running from its start.
    let running = ev.length === 0 || STOPS.has(ev[0].eventType);
    let since = start;
    for (const e of ev) {
      const t = Math.min(Math.max(e.t, start), end);
      const starts = STARTS.has(e.eventType);
      if (starts && !running) since = t;
      else if (!starts && running && t > since) this.spans.push([since, t]);
      running = starts;
    }
    if (running && end > since) this.spans.push([since, end]);
    this.runningAtEnd = ev.length > 0 && running;
  }

  /** Seconds the timer ran within [a, b]. */
  within(a: number, b: number): number {
    let s = 0;
    for (const [from, to] of this.spans) s += Math.max(0, Math.min(b, to) - Math.max(a, from));
    return s;
  }
}
