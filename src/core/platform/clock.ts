/**
 * Time for the engines that wait on devices (all timing through an injectable
 * clock). The system clock is the real one; tests and `--simulate` pass a virtual clock
 * (sim/ant-clock.ts) that the simulated stick shares, so a 60 s pairing timeout takes no time.
 */
import { FitkitError } from '../errors.js';

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `fn` after `ms`; the returned function cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
  /**
   * Marks real-world work in progress (a caller's sink writing to disk): a virtual clock does
   * not move until the returned function is called. The system clock ignores it.
   */
  hold?(): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
};

/** The error a wait rejects with when its signal aborts. */
export function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new FitkitError('cancelled', 'cancelled', { cause: r });
}

/** Resolves after `ms` on `clock`; rejects at once when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      cancel();
      reject(abortError(signal!));
    };
    const cancel = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs `work` while holding the clock (see Clock.hold). */
export async function holding<T>(clock: Clock, work: () => T | Promise<T>): Promise<T> {
  const release = clock.hold?.();
  try {
    return await work();
  } finally {
    release?.();
  }
}
