/**
 * Profile additions in a small JSON format: fitkit's own supplement (messages devices write that
 * Garmin's public profile lacks) and users' reverse-engineered messages, fields and types.
 *
 * {
 *   "messages": [{ "num": 29, "name": "location", "fields": [
 *       { "num": 0, "name": "name", "type": "string" },
 *       { "num": 4, "name": "altitude", "type": "uint16", "scale": 5, "offset": 500, "units": "m" } ] }],
 *   "types": { "my_enum": { "baseType": "enum", "values": { "0": "off", "1": "on" } } }
 * }
 *
 * A message whose number the profile already knows gains the listed fields (replacing those with
 * the same number); a new number adds a message. A field's `type` is a base type name or a named
 * type (`date_time`, `manufacturer`, one from "types"); `baseType` may be given explicitly.
 */
import { BASE_TYPE_BY_NAME, type BaseTypeName } from '../proto/base-types.js';
import type { FieldDef, MessageDef, TypeDef } from './types.js';

export interface ExtraField {
  num: number;
  name: string;
  type: string;
  baseType?: string;
  array?: boolean;
  scale?: number;
  offset?: number;
  units?: string;
}
export interface ExtraMessage {
  num: number;
  name: string;
  fields: ExtraField[];
}
export interface ProfileExtra {
  messages?: ExtraMessage[];
  types?: Record<string, { baseType?: string; values: Record<string, string> }>;
}

/** Base type for a named type when an extra field names one (FIT profile "Types" sheet). */
const NAMED_BASE: Record<string, BaseTypeName> = {
  date_time: 'uint32',
  local_date_time: 'uint32',
  message_index: 'uint16',
  manufacturer: 'uint16',
  bool: 'enum',
};

export class ProfileExtraError extends Error {}

function check(cond: unknown, source: string, what: string): asserts cond {
  if (!cond) throw new ProfileExtraError(`${source}: ${what}`);
}

export function parseExtra(extra: ProfileExtra, source: string, typeBase: (name: string) => string | undefined): { messages: MessageDef[]; types: TypeDef[] } {
  check(extra && typeof extra === 'object', source, 'expected a JSON object');
  const types: TypeDef[] = Object.entries(extra.types ?? {}).map(([name, t]) => {
    check(t && typeof t.values === 'object', source, `type ${name}: "values" must be an object`);
    return { name, baseType: t.baseType, values: new Map(Object.entries(t.values).map(([k, v]) => [Number(k), String(v)])) };
  });
  const localBase = new Map(types.map((t) => [t.name, t.baseType]));
  const messages = (extra.messages ?? []).map((m): MessageDef => {
    check(Number.isInteger(m.num) && m.num >= 0 && m.num <= 0xffff, source, `message ${m.name}: bad "num"`);
    check(typeof m.name === 'string' && m.name, source, `message ${m.num}: missing "name"`);
    check(Array.isArray(m.fields), source, `message ${m.name}: "fields" must be an array`);
    const fields = new Map<number, FieldDef>();
    for (const f of m.fields) {
      check(Number.isInteger(f.num) && f.num >= 0 && f.num <= 255, source, `${m.name}: field ${f.name}: bad "num"`);
      check(typeof f.name === 'string' && f.name, source, `${m.name}: field ${f.num}: missing "name"`);
      const type = f.type ?? f.baseType;
      const base = (f.baseType ?? (type in BASE_TYPE_BY_NAME ? type : undefined) ?? localBase.get(type) ?? NAMED_BASE[type] ?? typeBase(type)) as BaseTypeName | undefined;
      check(base && base in BASE_TYPE_BY_NAME, source, `${m.name}.${f.name}: unknown type "${type}" (give "baseType")`);
      fields.set(f.num, {
        num: f.num,
        name: f.name,
        type,
        baseType: BASE_TYPE_BY_NAME[base],
        array: f.array ?? false,
        scale: f.scale ?? 1,
        offset: f.offset ?? 0,
        units: f.units ?? '',
        components: [],
        accumulate: false,
        subfields: [],
      });
    }
    return { num: m.num, name: m.name, fields, source };
  });
  return { messages, types };
}

/**
 * fitkit's supplement. Message 29 `location` is what Edge (Locations.fit) and fenix (Lctns.fit)
 * units store saved waypoints in, file type 8; field numbers as gpsbabel's garmin_fit reader has
 * them, altitude scaled like record.altitude.
 */
export const FITKIT_EXTRA: ProfileExtra = {
  messages: [
    {
      num: 29,
      name: 'location',
      fields: [
        { num: 0, name: 'name', type: 'string' },
        { num: 1, name: 'position_lat', type: 'sint32', units: 'semicircles' },
        { num: 2, name: 'position_long', type: 'sint32', units: 'semicircles' },
        { num: 3, name: 'symbol', type: 'uint16' },
        { num: 4, name: 'altitude', type: 'uint16', scale: 5, offset: 500, units: 'm' },
        { num: 6, name: 'description', type: 'string' },
        { num: 253, name: 'timestamp', type: 'date_time', units: 's' },
        { num: 254, name: 'message_index', type: 'message_index' },
      ],
    },
  ],
};
