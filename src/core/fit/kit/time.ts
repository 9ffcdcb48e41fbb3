/** FIT time: seconds since the FIT epoch, 1989-12-31T00:00:00Z. Ref: FIT profile, `date_time`. */

export const FIT_EPOCH_S = 631065600;

/** Values below this are device-relative seconds (time since power-up), not dates. */
export const FIT_MIN_ABSOLUTE = 0x10000000;

export function dateFromFitTime(t: number): Date {
  return new Date((t + FIT_EPOCH_S) * 1000);
}

/** `YYYY-MM-DDTHH:MM:SSZ`, seconds always present, no fraction (FitCSVTool -iso8601). */
export function isoFromFitTime(t: number): string {
  return dateFromFitTime(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function fitTimeFromDate(d: Date): number {
  return Math.round(d.getTime() / 1000) - FIT_EPOCH_S;
}
