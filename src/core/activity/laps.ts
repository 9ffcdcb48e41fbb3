/**
 * Distance laps cut at exact multiples of the split: the time at each boundary is interpolated
 * between the two samples around it, so laps abut (one ends where the next starts) and their
 * times add up to the session's. Samples hold their values until the next sample (a step
 * function), which is how per-lap sums (strokes, calories, time in zone) are integrated.
 */

/** One sample of a workout: seconds since the start and cumulative metres. */
export interface Sample {
  t: number;
  d: number;
  hr?: number;
  cadence?: number;
  speed?: number;
  watts?: number;
}

export interface LapSpan {
  /** Seconds since the start. */
  start: number;
  end: number;
  startDistance: number;
  endDistance: number;
}

/** Time at which the cumulative distance reaches `b` (samples' d non-decreasing). */
function timeAt(s: readonly Sample[], b: number, from: number): { t: number; i: number } {
  let i = from;
  while (i < s.length - 1 && s[i + 1].d < b) i++;
  const a = s[i];
  const c = s[Math.min(i + 1, s.length - 1)];
  if (c.d <= a.d) return { t: c.t, i };
  return { t: a.t + ((b - a.d) / (c.d - a.d)) * (c.t - a.t), i };
}

/** Laps of `split` metres (the last one the rest); one lap when there is no distance. */
export function splitLaps(s: readonly Sample[], split: number): LapSpan[] {
  const first = s[0];
  const last = s[s.length - 1];
  const total = last.d - first.d;
  const laps: LapSpan[] = [];
  let start = first.t;
  let startDistance = first.d;
  let i = 0;
  // Boundaries strictly inside the workout: no lap of zero metres at the end.
  for (let b = first.d + split; split > 0 && b < last.d - 1e-9; b += split) {
    const at = timeAt(s, b, i);
    i = at.i;
    laps.push({ start, end: at.t, startDistance, endDistance: b });
    start = at.t;
    startDistance = b;
  }
  laps.push({ start, end: last.t, startDistance, endDistance: first.d + total });
  return laps;
}

/**
 * ∫ f over [a, b]: each sample's value holds until the next sample; f returns undefined where
 * there is nothing to add. Returns the integral and the time covered by defined values.
 */
export function integrate(s: readonly Sample[], a: number, b: number, f: (x: Sample) => number | undefined): { sum: number; time: number } {
  let sum = 0;
  let time = 0;
  for (let i = 0; i < s.length - 1; i++) {
    const lo = Math.max(a, s[i].t);
    const hi = Math.min(b, s[i + 1].t);
    if (hi <= lo) continue;
    const v = f(s[i]);
    if (v === undefined) continue;
    sum += v * (hi - lo);
    time += hi - lo;
  }
  return { sum, time };
}

/** Samples whose value applies somewhere in [a, b]: the one in force at a, and those inside. */
export function samplesIn(s: readonly Sample[], a: number, b: number): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < s.length; i++) {
    const next = i + 1 < s.length ? s[i + 1].t : Infinity;
    if ((s[i].t >= a && s[i].t <= b) || (s[i].t < a && next > a)) out.push(s[i]);
  }
  return out;
}

/** Integers for real-valued parts whose sum is the rounded total (cumulative rounding). */
export function roundParts(parts: readonly number[]): number[] {
  let acc = 0;
  let prev = 0;
  return parts.map((p) => {
    acc += p;
    const r = Math.round(acc);
    const out = r - prev;
    prev = r;
    return out;
  });
}
