/** Time zones by IANA name (Intl's data), for FIT's local_timestamp. */
import { FitkitError } from '../../errors.js';

/** Seconds to add to UTC for local time in `tz` at `d`; an unknown zone is a usage error. */
export function timeZoneOffset(d: Date, tz: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(d);
  } catch (e) {
    throw new FitkitError('bad_time_zone', `unknown time zone "${tz}"`, { cause: e, exitCode: 2 });
  }
  const p = (t: string) => Number(parts.find((x) => x.type === t)?.value);
  const local = Date.UTC(p('year'), p('month') - 1, p('day'), p('hour'), p('minute'), p('second'));
  return Math.round((local - Math.floor(d.getTime() / 1000) * 1000) / 1000);
}

/** The machine's own time zone. */
export const localTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * timeZoneOffset(d, localTimeZone()) without an Intl formatter (building one costs ~25 ms of
 * start-up): Date's local time and Intl's default zone are the same ICU zone.
 */
export const localTimeZoneOffset = (d: Date): number => 0 - Math.round(d.getTimezoneOffset() * 60);
