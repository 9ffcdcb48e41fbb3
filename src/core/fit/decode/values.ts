/**
 * Interpreted values on request: scale and offset applied, invalid values as null, dates as
 * Date or ISO text, enum values as names. The decoder keeps raw values; this is the view
 * scripts and the JSON output want.
 */
import { Kind, isInvalid } from '../proto/base-types.js';
import type { Profile } from '../profile/profile.js';
import { snakeName } from '../profile/names.js';
import { dateFromFitTime, isFitDate } from '../kit/time.js';
import type { RawScalar } from './frames.js';
import type { FitField, FitMessage } from './message.js';

export type Value = number | bigint | string | Date | null;

export interface ValueOptions {
  /** `date` (default): date_time as Date; `iso`: ISO 8601 text; `raw`: FIT seconds. */
  dates?: 'date' | 'iso' | 'raw';
  /** Enum values as their profile names (needs `profile`). */
  enums?: boolean;
  profile?: Profile;
}

function element(f: FitField, v: RawScalar, o: ValueOptions): Value {
  if (typeof v === 'string') return v;
  if (isInvalid(f.baseType, v)) return null;
  if (f.type === 'date_time' && f.kind !== 'developer' && (o.dates ?? 'date') !== 'raw') {
    const t = Number(v);
    // Below 0x10000000 a date_time is seconds since the device powered up, not a date; one
    // stored in a wider type may be past what a Date holds. Both stay numbers
    // (docs/fitcsv-invalid-values.md §7).
    if (isFitDate(t)) {
      const d = dateFromFitTime(t);
      return o.dates === 'iso' ? d.toISOString() : d;
    }
    return typeof v === 'bigint' && !Number.isSafeInteger(t) ? v : t;
  }
  if (o.enums && o.profile && !f.sub && f.kind !== 'developer') {
    const label = o.profile.types.get(f.type)?.values.get(Number(v));
    if (label !== undefined) return snakeName(label);
  }
  if (f.scale !== 1 || f.offset !== 0) return Number(v) / f.scale - f.offset;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (f.baseType.kind === Kind.float && f.baseType.size === 4) return v;
  return v;
}

/**
 * A field's value: one element, or an array (invalid elements null); null when every element is
 * invalid (docs/fitcsv-invalid-values.md §1, §3, §4).
 */
export function fieldValue(f: FitField, o: ValueOptions = {}): Value | Value[] {
  // Values that expansion appended to a stored field (FitCSVTool shows both) are not the
  // field's value: the stored one is.
  const r = f.storedCount === undefined ? f.raw : f.storedCount === 1 ? (f.raw as RawScalar[])[0] : (f.raw as RawScalar[]).slice(0, f.storedCount);
  if (typeof r === 'string') {
    const parts = r.split('\0').filter((s, i, a) => s.length > 0 || i < a.length - 1);
    if (parts.length === 0 || (parts.length === 1 && parts[0] === '')) return null;
    return parts.length === 1 ? parts[0] : parts;
  }
  if (!Array.isArray(r)) return element(f, r, o);
  const out = r.map((v) => element(f, v, o));
  return out.every((v) => v === null) ? null : out;
}

export interface MessageObject {
  name: string;
  num: number;
  offset: number;
  fields: Record<string, Value | Value[]>;
  developer?: Record<string, Value | Value[]>;
}

/** A message as a plain object, invalid fields left out; a later field of the same name wins. */
export function messageToObject(m: FitMessage, o: ValueOptions = {}): MessageObject {
  const fields: Record<string, Value | Value[]> = {};
  let developer: Record<string, Value | Value[]> | undefined;
  for (const f of m.fields) {
    const v = fieldValue(f, o);
    if (v === null) continue;
    if (f.kind === 'developer') (developer ??= {})[f.name] = v;
    else fields[f.name] = v;
  }
  const obj: MessageObject = { name: m.name, num: m.num, offset: m.offset, fields };
  if (developer) obj.developer = developer;
  return obj;
}

/** JSON.stringify replacer for bigint values (as decimal text). */
export function jsonReplacer(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** A field's value as a number: scaled, dates as FIT seconds; null when absent or invalid. */
export function num(m: FitMessage, name: string): number | null {
  for (const f of m.fields) {
    if (f.name !== name || f.kind === 'developer') continue;
    const v = fieldValue(f, { dates: 'raw' });
    const x = Array.isArray(v) ? v[0] : v;
    if (x === null || x === undefined) return null;
    if (typeof x === 'number') return x;
    if (typeof x === 'bigint') return Number(x);
    return null;
  }
  return null;
}
