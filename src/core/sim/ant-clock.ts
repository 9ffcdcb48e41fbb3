/**
 * A virtual clock for the ANT simulator and the engines under test (docs/architecture.md).
 * Time stands still while anything is happening and jumps to the next timer when everything is
 * idle: each timer fires in its own macrotask, after the promise chains the previous one started
 * have run out. So a beacon every 125 ms, a 10 s response timeout or a 60 s pairing prompt cost
 * no real time, and a run is the same every time. Real I/O in between (a sink writing a file)
 * must hold the clock (Clock.hold), or virtual time would race ahead of it.
 *
 * Generic, not ANT-specific; it lives here because only the ANT simulator uses it so far.
 */
import type { Clock } from '../platform/clock.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

export class VirtualClock implements Clock {
  #now: number;
  #timers: Timer[] = [];
  #seq = 0;
  #holds = 0;
  #scheduled = false;
  #stopped = false;
  /** Timers fired so far (a test can check the simulation ran). */
  fired = 0;

  constructor(start = Date.UTC(2024, 5, 1, 8, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const t: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    if (this.#stopped) return () => {};
    // Sorted insert (timers are few: channel ticks and waits).
    let i = this.#timers.length;
    while (i > 0 && (this.#timers[i - 1].at > t.at || (this.#timers[i - 1].at === t.at && this.#timers[i - 1].seq > t.seq))) i--;
    this.#timers.splice(i, 0, t);
    this.#kick();
    return () => {
      const k = this.#timers.indexOf(t);
      if (k >= 0) this.#timers.splice(k, 1);
    };
  }

  hold(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      this.#kick();
    };
  }

  /** Timers waiting. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Drops every timer and stops advancing (end of a test). */
  stop(): void {
    this.#stopped = true;
    this.#timers = [];
  }

  #kick(): void {
    if (this.#scheduled || this.#stopped || this.#holds > 0 || this.#timers.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#step();
    });
  }

  #step(): void {
    if (this.#stopped || this.#holds > 0) return;
    const t = this.#timers.shift();
    if (!t) return;
    if (t.at > this.#now) this.#now = t.at;
    this.fired++;
    try {
      t.fn();
    } finally {
      this.#kick();
    }
  }
}
