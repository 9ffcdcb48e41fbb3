/**
 * The amounts edit options take: durations (`90s`, `2min`, `1h30min`, `+1h`, `-30min`, `1:30`,
 * `1:02:03`), distances (`500m`, `1km`, `2.5mi`), instants (ISO 8601, `2024-05-01T09:30:00Z`;
 * without a zone, UTC). `m` is metres, never minutes: minutes are `min`.
 */
import { FitkitError } from '../errors.js';
import { fitTimeFromDate } from '../fit/kit/time.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, sec: 1, min: 60, h: 3600, d: 86400 };
const UNIT_METRES: Record<string, number> = { m: 1, km: 1000, mi: 1609.344 };

function usage(what: string, text: string, expected: string): never {
  throw new FitkitError('edit_option', `${what}: "${text}" is not ${expected}`, { exitCode: 2 });
}

/** Seconds, signed; undefined when `text` is not a duration. */
export function durationSeconds(text: string): number | undefined {
  const t = text.trim();
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.replace(/^[+-]/, '');
  const clock = /^(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?$/.exec(body);
  if (clock) {
    const [h, m, s] = clock[3] === undefined ? [0, Number(clock[1]), Number(clock[2])] : [Number(clock[1]), Number(clock[2]), Number(clock[3])];
    return sign * (h * 3600 + m * 60 + s);
  }
  const parts = [...body.matchAll(/(\d+(?:\.\d+)?)\s*(s|sec|min|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== body.replace(/\s+/g, '')) return undefined;
  return sign * parts.reduce((n, p) => n + Number(p[1]) * UNIT_SECONDS[p[2]], 0);
}

/** Metres; undefined when `text` is not a distance. */
export function distanceMetres(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(m|km|mi)$/.exec(text.trim());
  return m ? Number(m[1]) * UNIT_METRES[m[2]] : undefined;
}

/** FIT seconds of an ISO 8601 instant (a date is required); undefined otherwise. */
export function instantFitTime(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return undefined;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(t) || !t.includes('T') ? t : t + 'Z';
  const d = new Date(zoned.includes('T') ? zoned : zoned + 'T00:00:00Z');
  return Number.isNaN(d.getTime()) ? undefined : fitTimeFromDate(d);
}

export function parseDuration(what: string, text: string): number {
  return durationSeconds(text) ?? usage(what, text, 'a duration (90s, 2min, 1h30min, 1:30:00)');
}

export function parseDistance(what: string, text: string): number {
  return distanceMetres(text) ?? usage(what, text, 'a distance (500m, 1km, 2mi)');
}

export function parseInstant(what: string, text: string): number {
  return instantFitTime(text) ?? usage(what, text, 'a date and time (2024-05-01T09:30:00Z)');
}

/** Where an edit cuts: a time from the activity's start or end, a distance, or an instant. */
export type Cut = { kind: 'time'; seconds: number } | { kind: 'distance'; metres: number } | { kind: 'instant'; t: number };

export function parseCut(what: string, text: string): Cut {
  const d = distanceMetres(text);
  if (d !== undefined) return { kind: 'distance', metres: d };
  const s = durationSeconds(text);
  if (s !== undefined && s >= 0) return { kind: 'time', seconds: s };
  const t = instantFitTime(text);
  if (t !== undefined) return { kind: 'instant', t };
  return usage(what, text, 'a duration (2min, 90s, 1:30), a distance (500m, 1km) or a date and time (2024-05-01T09:30:00Z)');
}
