/**
 * A workout as columns of samples, and what laps need from it: distance laps cut at exact
 * multiples of the split (the time at each boundary interpolated between the two samples around
 * it, so laps abut and their times add up to the session's), and the sums and extremes over a
 * span of time. Samples hold their values until the next sample (a step function); the interval
 * from sample i to i + 1 counts in timer time only where `running[i]` is 1. Every span is
 * visited from its first interval on (binary search), so n samples in L laps cost O(n + L log n).
 */

/** Samples: seconds since the start, cumulative metres (non-decreasing), values (NaN = none). */
export interface Series {
  n: number;
  t: Float64Array;
  d: Float64Array;
  hr: Float64Array;
  cad: Float64Array;
  speed: Float64Array;
  watts: Float64Array;
  /** 1 where the timer runs from sample i to i + 1 (n − 1 entries). */
  running: Uint8Array;
}

export interface LapSpan {
  /** Seconds since the start. */
  start: number;
  end: number;
  startDistance: number;
  endDistance: number;
}

/** Index of the last sample at or before `t` (0 when `t` is before the first). */
export function sampleAt(s: Series, t: number): number {
  let lo = 0;
  let hi = s.n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s.t[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Laps of `split` metres between samples `from` and `to` (inclusive), the last one the rest,
 * ending at `end` seconds (≥ t[to]). One lap when there is no distance.
 */
export function splitLaps(s: Series, from: number, to: number, end: number, split: number): LapSpan[] {
  const { t, d } = s;
  const laps: LapSpan[] = [];
  let start = t[from];
  let startDistance = d[from];
  let i = from;
  const last = d[to];
  // Boundaries strictly inside the span: no lap of zero metres at the end.
  for (let k = 1; ; k++) {
    const b = d[from] + k * split;
    if (!(b < last - 1e-9)) break;
    while (i < to - 1 && d[i + 1] < b) i++;
    const c = Math.min(i + 1, to);
    // To the millisecond FIT stores, so lap times add up to the session's exactly.
    const at = Math.min(end, Math.max(start, d[c] <= d[i] ? t[c] : Math.round((t[i] + ((b - d[i]) / (d[c] - d[i])) * (t[c] - t[i])) * 1000) / 1000));
    laps.push({ start, end: at, startDistance, endDistance: b });
    start = at;
    startDistance = b;
  }
  laps.push({ start, end, startDistance, endDistance: last });
  return laps;
}

/** How many laps `splitLaps` gives, without making them. */
export function splitCount(s: Series, from: number, to: number, split: number): number {
  const dist = s.d[to] - s.d[from];
  return Math.max(1, Math.ceil(dist / split - 1e-9));
}

export interface SpanStats {
  /** Seconds the timer ran in the span. */
  timer: number;
  hr: Mean;
  cad: Mean;
  watts: Mean;
  maxSpeed?: number;
  /** Seconds in each zone (only with `zoneOf`). */
  zones?: number[];
}

interface Mean {
  mean?: number;
  max?: number;
}

/** A channel's mean and maximum from its running sums (see spanStats). */
function meanOf(sum: number, time: number, max: number, plain: number, count: number): Mean {
  const r: Mean = {};
  if (time > 0) r.mean = sum / time;
  else if (count > 0) r.mean = plain / count; // an instant: the plain mean of the values in force
  if (max > -Infinity) r.max = max;
  return r;
}

/**
 * Timer time, time-weighted means (over running time), maxima (over the samples in force) and
 * time in heart-rate zones, for [a, b].
 */
export function spanStats(s: Series, a: number, b: number, zoneOf?: (hr: number) => number, zoneCount = 5): SpanStats {
  const { t, running } = s;
  // Per channel: time-weighted sum and its time, maximum, plain sum and count of the values in
  // force. Plain locals, no object or call per sample: this runs once per sample per lap, mostly
  // before the JIT has warmed up.
  let hSum = 0,
    hTime = 0,
    hMax = -Infinity,
    hPlain = 0,
    hCount = 0;
  let cSum = 0,
    cTime = 0,
    cMax = -Infinity,
    cPlain = 0,
    cCount = 0;
  let wSum = 0,
    wTime = 0,
    wMax = -Infinity,
    wPlain = 0,
    wCount = 0;
  let maxSpeed = -Infinity;
  const zones = zoneOf ? new Array<number>(zoneCount).fill(0) : undefined;
  let timer = 0;
  const { hr: hrs, cad: cads, watts: wattss, speed } = s;
  for (let i = sampleAt(s, a); i < s.n; i++) {
    if (t[i] > b) break;
    const next = i + 1 < s.n ? t[i + 1] : Infinity;
    if (next <= a && t[i] < a) continue;
    // The sample is in force somewhere in [a, b].
    const h = hrs[i];
    const c = cads[i];
    const w = wattss[i];
    const hOk = !Number.isNaN(h);
    const cOk = !Number.isNaN(c);
    const wOk = !Number.isNaN(w);
    if (hOk) {
      if (h > hMax) hMax = h;
      hPlain += h;
      hCount++;
    }
    if (cOk) {
      if (c > cMax) cMax = c;
      cPlain += c;
      cCount++;
    }
    if (wOk) {
      if (w > wMax) wMax = w;
      wPlain += w;
      wCount++;
    }
    if (speed[i] > maxSpeed) maxSpeed = speed[i];
    if (i + 1 >= s.n || !running[i]) continue;
    const overlap = Math.min(b, next) - Math.max(a, t[i]);
    if (overlap <= 0) continue;
    timer += overlap;
    if (hOk) {
      hSum += h * overlap;
      hTime += overlap;
    }
    if (cOk) {
      cSum += c * overlap;
      cTime += overlap;
    }
    if (wOk) {
      wSum += w * overlap;
      wTime += overlap;
    }
    if (zones && hOk) zones[zoneOf!(h)] += overlap;
  }
  const r: SpanStats = { timer, hr: meanOf(hSum, hTime, hMax, hPlain, hCount), cad: meanOf(cSum, cTime, cMax, cPlain, cCount), watts: meanOf(wSum, wTime, wMax, wPlain, wCount) };
  if (maxSpeed > -Infinity) r.maxSpeed = maxSpeed;
  if (zones) r.zones = zones;
  return r;
}

/** ∫ over [a, b] of per-interval amounts `at` (spread evenly over each interval's time). */
export function shareOf(s: Series, at: Float64Array, a: number, b: number): number {
  const { t } = s;
  let sum = 0;
  for (let i = sampleAt(s, a); i < s.n - 1 && t[i] < b; i++) {
    if (at[i] === 0) continue;
    const dt = t[i + 1] - t[i];
    const overlap = Math.min(b, t[i + 1]) - Math.max(a, t[i]);
    if (dt > 0 && overlap > 0) sum += (at[i] * overlap) / dt;
  }
  return sum;
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
