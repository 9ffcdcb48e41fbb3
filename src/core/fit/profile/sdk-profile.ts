/**
 * Builds fitkit's profile tables from Garmin's `@garmin/fitsdk` Profile at load time, so the
 * Global Profile is never copied into this repo or the published package. Names become FitCSVTool's snake_case.
 * Each message and type is converted when first asked for (see lazy-map.ts).
 */
import { BASE_TYPE_BY_NAME, type BaseTypeInfo, type BaseTypeName } from '../proto/base-types.js';
import { loadSdkProfile } from '../../platform/sdk-profile-cache.js';
import { snakeName } from './names.js';
import { PACKED_FORMAT, packedJson, type PackedSdkProfile } from './sdk-extract.js';
import type { Component, FieldDef, MessageDef, SubField, TypeDef } from './types.js';

interface SdkSubField {
  name: string;
  type: string;
  baseType: string;
  scale: number | number[];
  offset: number | number[];
  units: string | string[];
  bits: number[];
  components: string[];
  map: { name: string; value: number }[];
}
interface SdkField extends Omit<SdkSubField, 'map'> {
  num: number;
  array: boolean;
  isAccumulated: boolean;
  subFields: SdkSubField[];
}
interface SdkMessage {
  num: number;
  name: string;
  fields: Record<string, SdkField>;
}
export type { PackedSdkProfile };

export interface SdkProfileShape {
  version: { major: number; minor: number; patch: number };
  messages: Record<string, SdkMessage>;
  types: Record<string, Record<string, string>>;
}

/** The installed SDK's Profile, from the extract (see platform/sdk-profile-cache.ts). */
const bundled = loadSdkProfile(new URL('./sdk-profile.json', import.meta.url));

function isPacked(sdk: SdkProfileShape | PackedSdkProfile): sdk is PackedSdkProfile {
  return (sdk as PackedSdkProfile).format === PACKED_FORMAT;
}

export function sdkVersion(sdk: SdkProfileShape | PackedSdkProfile = bundled): string {
  return `${sdk.version.major}.${sdk.version.minor}.${sdk.version.patch}`;
}

function baseType(name: string): BaseTypeInfo {
  return BASE_TYPE_BY_NAME[name as BaseTypeName] ?? BASE_TYPE_BY_NAME.byte;
}

/** A field's own scale: with several components the SDK lists theirs, and the field has none. */
function own<T>(v: T | T[], dflt: T): T {
  if (!Array.isArray(v)) return v;
  return v.length === 1 ? v[0] : dflt;
}

function components(f: Omit<SdkSubField, 'map'>, msg: SdkMessage): Component[] {
  const scale = Array.isArray(f.scale) ? f.scale : [f.scale];
  const offset = Array.isArray(f.offset) ? f.offset : [f.offset];
  return f.components.map((c, i) => {
    const fieldNum = Number(c);
    return {
      fieldNum,
      bits: f.bits[i],
      scale: scale[i] ?? 1,
      offset: offset[i] ?? 0,
      accumulate: msg.fields[fieldNum]?.isAccumulated ?? false,
    };
  });
}

/** Units as FitCSVTool prints them: a per-component list collapses to nothing. */
function units(u: string | string[]): string {
  if (Array.isArray(u)) return u.length === 1 ? u[0] : '';
  return u.includes(',') ? '' : u;
}

function convertMessage(m: SdkMessage): MessageDef {
  const byName = new Map<string, number>();
  for (const f of Object.values(m.fields)) byName.set(f.name, f.num);
  const fields = new Map<number, FieldDef>();
  for (const f of Object.values(m.fields)) {
    const subfields: SubField[] = f.subFields.map((s) => ({
      name: snakeName(s.name),
      type: snakeName(s.type),
      baseType: baseType(s.baseType),
      scale: own(s.scale, 1),
      offset: own(s.offset, 0),
      units: units(s.units),
      components: components(s, m),
      refs: s.map.map((r) => ({ fieldNum: byName.get(r.name) ?? -1, value: r.value })),
    }));
    fields.set(f.num, {
      num: f.num,
      name: snakeName(f.name),
      type: snakeName(f.type),
      baseType: baseType(f.baseType),
      array: f.array,
      scale: own(f.scale, 1),
      offset: own(f.offset, 0),
      units: units(f.units),
      components: components(f, m),
      accumulate: f.isAccumulated,
      subfields,
    });
  }
  return { num: m.num, name: snakeName(m.name), fields, source: 'sdk' };
}

function convertType(name: string, values: Record<string, string>): TypeDef {
  // for…in, in Object.entries' order: entries() of a type with large sparse keys (garmin_product,
  // up to 65534) took ~5 ms, paid by every file that names a Garmin product.
  const map = new Map<number, string>();
  for (const k in values) map.set(Number(k), values[k]);
  return { name, values: map };
}

/** What a profile is built from: each message and type, named, converted only when called. */
export interface SdkTables {
  messages: { num: number; name: string; make: () => MessageDef }[];
  types: { name: string; make: () => TypeDef }[];
}

/** `sdk` defaults to the bundled `@garmin/fitsdk`; tests pass an older one to match the oracle. */
export function sdkTables(sdk: SdkProfileShape | PackedSdkProfile = bundled): SdkTables {
  if (isPacked(sdk)) {
    return {
      messages: Object.entries(sdk.messages).map(([num, [name, start, end]]) => ({
        num: Number(num),
        name,
        make: () => convertMessage(packedJson<SdkMessage>(sdk, [start, end])),
      })),
      types: Object.entries(sdk.types).map(([name, range]) => ({ name, make: () => convertType(name, packedJson<Record<string, string>>(sdk, range)) })),
    };
  }
  return {
    messages: Object.values(sdk.messages).map((m) => ({ num: m.num, name: snakeName(m.name), make: () => convertMessage(m) })),
    types: Object.entries(sdk.types).map(([name, values]) => {
      const snake = snakeName(name);
      return { name: snake, make: () => convertType(snake, values) };
    }),
  };
}
