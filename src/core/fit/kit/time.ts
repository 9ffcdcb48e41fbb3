/** FIT time: seconds since the FIT epoch, 1989-12-31T00:00:00Z. Ref: FIT profile, `date_time`. */

export const FIT_EPOCH_S = 631065600;

/** Values below this are device-relative seconds (time since power-up), not dates. */
export const FIT_MIN_ABSOLUTE = 0x10000000;

/**
 * The last FIT time a JS Date can hold (8.64e15 ms after 1970). A date_time stored in a wider
 * type (uint64, float64) may go past it: such a value stays a number, as device time does.
 */
export const FIT_MAX_DATE = 8.64e12 - FIT_EPOCH_S;

/** True when `t` is a FIT time that is a date: absolute (not device time) and within Date's range. */
export function isFitDate(t: number): boolean {
  return t >= FIT_MIN_ABSOLUTE && t <= FIT_MAX_DATE;
}

export function dateFromFitTime(t: number): Date {
  return new Date((t + FIT_EPOCH_S) * 1000);
}

/**
 * `YYYY-MM-DDTHH:MM:SSZ`, seconds always present, no fraction (FitCSVTool -iso8601). A time
 * out of Date's range (or not a number) comes back as the number, never as a RangeError.
 */
export function isoFromFitTime(t: number): string {
  if (!(Math.abs(t + FIT_EPOCH_S) <= 8.64e12)) return String(t);
  return dateFromFitTime(t)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
}

export function fitTimeFromDate(d: Date): number {
  return Math.round(d.getTime() / 1000) - FIT_EPOCH_S;
}
