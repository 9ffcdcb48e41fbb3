/**
 * Interpreted values to raw ones, the inverse of decode/values.ts: raw = round((v + offset) ×
 * scale), Date → FIT seconds, enum names → numbers, null/undefined → left out.
 * Ref: FIT protocol, "Scale/Offset"; FIT profile, `date_time`.
 */
import { FitkitError } from '../../errors.js';
import { Kind, type BaseTypeInfo } from '../proto/base-types.js';
import type { Profile } from '../profile/profile.js';
import { snakeName } from '../profile/names.js';
import { fitTimeFromDate } from '../kit/time.js';
import type { RawScalar, RawValue } from '../decode/frames.js';

/** What callers may give for one element. */
export type InValue = number | bigint | string | Date | boolean;
export type InField = InValue | readonly (InValue | null | undefined)[] | null | undefined;

export interface Conversion {
  /** Profile type name (`date_time`, `sport`, `uint16`…). */
  type: string;
  baseType: BaseTypeInfo;
  scale: number;
  offset: number;
  /** For error messages. */
  what: string;
}

const enumCache = new WeakMap<Profile, Map<string, Map<string, number>>>();

/** A named value of a profile type (snake_case or the SDK's camelCase), or undefined. */
export function enumValue(profile: Profile, type: string, name: string): number | undefined {
  let byType = enumCache.get(profile);
  if (!byType) enumCache.set(profile, (byType = new Map()));
  let names = byType.get(type);
  if (!names) {
    names = new Map();
    for (const [n, label] of profile.types.get(type)?.values ?? []) {
      names.set(label, n);
      names.set(snakeName(label), n);
    }
    byType.set(type, names);
  }
  return names.get(name);
}

function element(profile: Profile, c: Conversion, v: InValue): RawScalar {
  if (c.baseType.kind === Kind.string) return String(v);
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new FitkitError('encode_value', `${c.what}: invalid date`);
    return fitTimeFromDate(v);
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const e = enumValue(profile, c.type, v);
    if (e !== undefined) return e;
    if (c.type === 'date_time' || c.type === 'local_date_time') {
      const d = new Date(v);
      if (!Number.isNaN(d.getTime())) return fitTimeFromDate(d);
    }
    throw new FitkitError('encode_value', `${c.what}: "${v}" is not a value of ${c.type}`);
  }
  if (typeof v === 'bigint') return v;
  if (c.scale !== 1 || c.offset !== 0) return Math.round((v + c.offset) * c.scale);
  if (c.baseType.kind === Kind.float) return v;
  if (c.baseType.kind === Kind.bigSint || c.baseType.kind === Kind.bigUint) return BigInt(Math.round(v));
  return Math.round(v);
}

/** A field's raw value, or undefined when there is nothing to write. */
export function toRaw(profile: Profile, c: Conversion, v: InField): RawValue | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    return (v as readonly (InValue | null | undefined)[]).map((e) => (e === null || e === undefined ? c.baseType.invalid : element(profile, c, e)));
  }
  return element(profile, c, v as InValue);
}
