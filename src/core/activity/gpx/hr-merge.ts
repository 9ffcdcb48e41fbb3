/**
 * Heart rate that HRM-Swim / HRM-Tri / HRM-Pro straps store while the watch cannot hear them
 * (under water, out of range) and hand over at the end: `hr` messages after the records, each
 * with `event_timestamp` arrays (seconds on the strap's clock, 1/1024 s steps) and
 * `filtered_bpm` arrays; the first one also carries `timestamp` (+ `fractional_timestamp`) as the
 * anchor that maps the strap's clock to FIT time.
 *
 * Semantics follow the Garmin FIT SDK's `mergeHeartRates` / `expandHeartRates`
 * (utils-hr-mesg.js), re-implemented, not copied: samples are expanded, gaps up to 5 s are
 * filled forward in 250 ms steps, and each record gets the rounded mean of the samples in
 * (previous record time, record time]. Unlike the SDK, a malformed message is skipped with a
 * warning instead of throwing, and records are fed one at a time so memory holds only the samples.
 */
import type { MessageObject } from '../../fit/decode/values.js';

export interface HrSample {
  /** FIT seconds, fractional. */
  t: number;
  bpm: number;
}

const GAP_STEP_S = 0.25;
const GAP_MAX_STEPS = 20; // 5 s / 250 ms
/** event_timestamp is a uint32 count of 1/1024 s: it rolls over after 2^32 / 1024 s. */
const ROLLOVER = 0x400000;

const list = (v: unknown): number[] => (Array.isArray(v) ? (v as unknown[]).filter((x): x is number => typeof x === 'number') : typeof v === 'number' ? [v] : []);

/** Collects `hr` messages (in file order) into expanded samples. */
export class HrExpander {
  readonly samples: HrSample[] = [];
  readonly warnings: string[] = [];
  #anchorT: number | undefined;
  #anchorEvent = 0;

  add(m: MessageObject): void {
    const f = m.fields;
    const events = list(f.event_timestamp);
    const bpms = list(f.filtered_bpm);
    if (typeof f.timestamp === 'number') {
      if (events.length !== 1) return this.#warn(m, 'an anchor hr message must have one event_timestamp');
      this.#anchorT = f.timestamp + (typeof f.fractional_timestamp === 'number' ? f.fractional_timestamp : 0);
      this.#anchorEvent = events[0];
    }
    if (this.#anchorT === undefined) return this.#warn(m, 'hr message before any anchor timestamp');
    if (events.length !== bpms.length) return this.#warn(m, 'hr message with mismatching event_timestamp and filtered_bpm');
    for (let i = 0; i < events.length; i++) {
      let e = events[i];
      if (e < this.#anchorEvent) {
        if (this.#anchorEvent - e > ROLLOVER / 2) e += ROLLOVER;
        else return this.#warn(m, 'event_timestamp runs backwards');
      }
      this.#push({ t: this.#anchorT + (e - this.#anchorEvent), bpm: bpms[i] });
    }
  }

  #push(cur: HrSample): void {
    const prev = this.samples[this.samples.length - 1];
    if (prev) {
      // Carry the previous value forward across a gap, for at most 5 s.
      let gapMs = Math.abs(cur.t - prev.t) * 1000;
      for (let step = 1; gapMs > GAP_STEP_S * 1000 && step <= GAP_MAX_STEPS; step++, gapMs -= GAP_STEP_S * 1000) {
        this.samples.push({ t: prev.t + GAP_STEP_S * step, bpm: prev.bpm });
      }
    }
    this.samples.push(cur);
  }

  #warn(m: MessageObject, what: string): void {
    this.warnings.push(`${what} (at byte ${m.offset})`);
  }
}

/**
 * Feeds record times in order and returns the merged heart rate for each, or undefined where
 * the SDK would leave the record's own value.
 */
export class HrMerger {
  #hrs: HrSample[];
  #i = 0;
  #rangeStart: number | undefined;

  constructor(samples: HrSample[]) {
    this.#hrs = samples;
  }

  next(end: number): number | undefined {
    const hrs = this.#hrs;
    let sum = 0;
    let count = 0;
    if (this.#rangeStart === undefined) this.#rangeStart = end;
    if (this.#rangeStart === end) {
      // Same time as the previous record: widen back one second and one sample, as the SDK does.
      this.#rangeStart--;
      this.#i = this.#i >= 1 ? this.#i - 1 : 0;
    }
    while (this.#i < hrs.length) {
      const h = hrs[this.#i];
      if (h.t > this.#rangeStart && h.t <= end) {
        sum += h.bpm;
        count++;
      } else if (h.t > end) {
        this.#rangeStart = end;
        return count > 0 ? Math.round(sum / count) : undefined;
      }
      this.#i++;
    }
    // Ran out of samples before one past this record: the SDK assigns nothing.
    return undefined;
  }
}
