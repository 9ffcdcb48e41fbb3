/**
 * The interpreted layer: turns raw data frames into named fields through the profile. It
 * resolves subfields, expands components (with accumulation), binds developer fields to their
 * descriptions and adds the timestamp of compressed-timestamp records. Values stay raw here
 * (see values.ts for scaling and names), so every consumer can format them its own way.
 *
 * The rules follow Garmin's SDKs as FitCSVTool shows them (docs/fitcsv-format.md §7–§10).
 */
import { BASE_TYPE_BY_NAME, BASE_TYPES, Kind, isInvalid, type BaseTypeInfo } from '../proto/base-types.js';
import type { Profile } from '../profile/profile.js';
import type { Component, FieldDef, MessageDef, SubField } from '../profile/types.js';
import { Accumulator } from './accumulator.js';
import { readField } from './field-reader.js';
import type { DataFrame, DefinitionFrame, Frame, RawScalar, RawValue } from './frames.js';
import type { DeveloperFieldInfo, FitField, FitMessage } from './message.js';

export interface InterpretOptions {
  /** Expand components into the fields they stand for (default true; FitCSVTool `-re` turns it off). */
  expandComponents?: boolean;
}

const FIELD_DESCRIPTION = 206;
const DEVELOPER_DATA_ID = 207;
const TIMESTAMP = 253;
const UINT32 = BASE_TYPE_BY_NAME.uint32;
const BYTE = BASE_TYPE_BY_NAME.byte;

/** A developer field's description, as needed to read its values. */
export interface DevDescription extends DeveloperFieldInfo {
  baseType: BaseTypeInfo;
  scale: number;
  offset: number;
}

export class Interpreter {
  #profile: Profile;
  #expand: boolean;
  #acc = new Accumulator();
  /** developer_data_index → application_id (an empty array when it has none). */
  #devIds = new Map<number, number[]>();
  /** developer_data_index * 256 + field number → description. */
  #devFields = new Map<number, DevDescription>();
  /** Developer fields are bound to descriptions when their definition is read. */
  #bound = new WeakMap<DefinitionFrame, (DevDescription | undefined)[]>();

  constructor(profile: Profile, opts: InterpretOptions = {}) {
    this.#profile = profile;
    this.#expand = opts.expandComponents ?? true;
  }

  /** The developer field descriptions bound to a definition when it was read. */
  devBinding(def: DefinitionFrame): readonly (DevDescription | undefined)[] {
    return this.#bound.get(def) ?? [];
  }

  /** Feed every frame in order; data frames come back as messages. */
  frame(f: Frame): FitMessage | undefined {
    if (f.kind === 'data') return this.message(f);
    if (f.kind === 'definition' && f.devFields.length > 0) {
      this.#bound.set(
        f,
        f.devFields.map((d) => (this.#devIds.has(d.devIndex) ? this.#devFields.get(d.devIndex * 256 + d.num) : undefined)),
      );
    }
    return undefined;
  }

  message(f: DataFrame): FitMessage {
    const mdef = this.#profile.message(f.globalNum);
    const fields: FitField[] = [];
    if (f.compressedTimestamp !== undefined) fields.push(headerTimestamp(mdef, f.compressedTimestamp));

    const defs = f.definition.fields;
    for (let i = 0; i < defs.length; i++) {
      const raw = f.values[i];
      if (raw === undefined) continue;
      const fd = defs[i];
      const pdef = mdef?.fields.get(fd.num);
      const bt = fd.baseType ?? BYTE;
      if (!pdef) {
        fields.push({ num: fd.num, name: `unknown_${fd.num}`, kind: 'native', baseType: bt, raw, scale: 1, offset: 0, units: '', type: '' });
        continue;
      }
      const field: FitField = {
        num: fd.num,
        name: pdef.name,
        kind: 'native',
        baseType: bt,
        raw,
        scale: pdef.scale,
        offset: pdef.offset,
        units: pdef.units,
        type: pdef.type,
        def: pdef,
      };
      const pbt = pdef.baseType;
      if (bt.size > pbt.size && pbt.kind !== Kind.string) field.oversized = true;
      else if (bt.size === pbt.size && bt !== pbt && bt.kind !== pbt.kind) retype(field, pbt);
      fields.push(field);
    }
    if (mdef) {
      resolveSubfields(fields);
      for (const field of fields) {
        if (field.def?.accumulate && field.kind === 'native') this.#seedAccumulator(mdef, field, fields);
      }
      if (this.#expand) {
        this.#expandComponents(mdef, fields);
        // A subfield's reference may be an expanded field (monitoring.cycles → steps by activity_type).
        resolveSubfields(fields);
      }
    }
    if (f.devValues.length > 0) this.#developerFields(f, fields);

    const msg: FitMessage = { num: f.globalNum, name: mdef?.name ?? `unknown_${f.globalNum}`, local: f.local, offset: f.offset, fields, def: mdef };
    if (f.globalNum === DEVELOPER_DATA_ID) this.#developerDataId(msg);
    else if (f.globalNum === FIELD_DESCRIPTION) this.#fieldDescription(msg);
    return msg;
  }

  /** A stored value of an accumulated field is the base later rollovers add to. */
  #seedAccumulator(mdef: MessageDef, field: FitField, fields: FitField[]): void {
    const v = firstNumber(field.raw);
    if (v === undefined || isInvalid(field.baseType, v)) return;
    // Express it in the units of the component that accumulates into this field.
    let value = v;
    for (const other of fields) {
      const comp = (other.sub?.components.length ? other.sub.components : other.def?.components)?.find(
        (c) => c.fieldNum === field.num && c.accumulate,
      );
      if (comp) value = (v / field.scale - field.offset + comp.offset) * comp.scale;
    }
    this.#acc.set(mdef.num, field.num, value);
  }

  #expandComponents(mdef: MessageDef, fields: FitField[]): void {
    // New fields are appended to `fields`, so cascades (compressed_speed_distance → speed →
    // enhanced_speed) expand in the same pass.
    for (let i = 0; i < fields.length; i++) {
      const src = fields[i];
      const comps = src.sub ? src.sub.components : src.def?.components;
      if (!comps || comps.length === 0 || src.kind === 'header_timestamp') continue;
      if (src.kind === 'expanded' && src.def?.components.length === 0) continue;
      if (allInvalid(src)) continue;
      const bits = new BitReader(src.raw, src.baseType);
      for (const c of comps) {
        if (bits.available < c.bits) break;
        let v = bits.read(c.bits);
        const target = mdef.fields.get(c.fieldNum);
        if (!target) continue;
        if (c.accumulate) v = this.#acc.accumulate(mdef.num, c.fieldNum, v, c.bits);
        this.#addExpanded(fields, target, c, v);
      }
    }
  }

  #addExpanded(fields: FitField[], target: FieldDef, c: Component, v: number): void {
    let raw: number = (v / c.scale - c.offset + target.offset) * target.scale;
    if (target.baseType.kind !== Kind.float) raw = Math.round(raw);
    // Values expand into a stored field of the same number, unless it holds only invalid values:
    // then they make a field of their own, as in Garmin's SDK.
    const existing = fields.find(
      (f) => f.num === target.num && (f.kind === 'expanded' || (f.kind === 'native' && !allInvalid(f))),
    );
    if (existing) {
      if (Array.isArray(existing.raw)) {
        existing.storedCount ??= existing.raw.length;
        existing.raw = [...existing.raw, raw];
      } else {
        existing.storedCount ??= 1;
        existing.raw = [existing.raw, raw];
      }
      return;
    }
    fields.push({
      num: target.num,
      name: target.name,
      kind: 'expanded',
      baseType: target.baseType,
      raw,
      scale: target.scale,
      offset: target.offset,
      units: target.units,
      type: target.type,
      def: target,
    });
  }

  #developerFields(f: DataFrame, fields: FitField[]): void {
    const bound = this.#bound.get(f.definition) ?? [];
    const devDefs = f.definition.devFields;
    for (let i = 0; i < devDefs.length; i++) {
      const bytes = f.devValues[i];
      const desc = bound[i];
      const dd = devDefs[i];
      const bt = desc?.baseType ?? BYTE;
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const raw = readField(bytes, dv, 0, bytes.length, bt, f.definition.bigEndian);
      if (raw === undefined) continue;
      fields.push({
        num: dd.num,
        name: desc?.name ?? `developer_${dd.devIndex}_${dd.num}`,
        kind: 'developer',
        baseType: bt,
        raw,
        scale: desc?.scale ?? 1,
        offset: desc?.offset ?? 0,
        units: desc?.units ?? '',
        type: bt.name,
        dev: desc ?? { devIndex: dd.devIndex },
      });
    }
  }

  #developerDataId(msg: FitMessage): void {
    const index = numberOf(msg, 3);
    if (index === undefined) return;
    const app = msg.fields.find((f) => f.num === 1 && f.kind === 'native')?.raw;
    this.#devIds.set(index, Array.isArray(app) ? (app as number[]) : []);
  }

  #fieldDescription(msg: FitMessage): void {
    const index = numberOf(msg, 0);
    const num = numberOf(msg, 1);
    const typeId = numberOf(msg, 2);
    if (index === undefined || num === undefined || typeId === undefined) return;
    const scale = numberOf(msg, 6);
    const offset = numberOf(msg, 7);
    this.#devFields.set(index * 256 + num, {
      devIndex: index,
      name: stringOf(msg, 3),
      units: stringOf(msg, 8),
      nativeMesgNum: numberOf(msg, 14),
      nativeFieldNum: numberOf(msg, 15),
      applicationId: this.#devIds.get(index),
      baseType: BASE_TYPES[typeId & 0x1f] ?? BYTE,
      scale: scale === undefined || scale === 0 ? 1 : scale,
      offset: offset ?? 0,
    });
  }
}

function headerTimestamp(mdef: MessageDef | undefined, ts: number): FitField {
  const def = mdef?.fields.get(TIMESTAMP);
  return {
    num: TIMESTAMP,
    name: def?.name ?? `unknown_${TIMESTAMP}`,
    kind: 'header_timestamp',
    baseType: UINT32,
    raw: ts,
    scale: 1,
    offset: 0,
    units: def?.units ?? '',
    type: def?.type ?? '',
    def,
  };
}

/** Same size, other kind (sint16 stored for a uint16 field): the profile's type wins. */
function retype(field: FitField, pbt: BaseTypeInfo): void {
  const conv = (v: RawScalar): RawScalar => {
    if (typeof v !== 'number' || pbt.kind === Kind.float || field.baseType.kind === Kind.float) return v;
    const bits = pbt.size * 8;
    if (bits > 32) return v;
    if (pbt.kind === Kind.sint) return bits === 32 ? v | 0 : (v << (32 - bits)) >> (32 - bits);
    return bits === 32 ? v >>> 0 : v & ((1 << bits) - 1);
  };
  if (field.baseType.kind === Kind.float || pbt.kind === Kind.float || pbt.kind === Kind.string) return;
  field.raw = Array.isArray(field.raw) ? field.raw.map(conv) : conv(field.raw);
  field.baseType = pbt;
}

/** The first subfield whose reference field holds one of its values wins (FIT SDK rule). */
function resolveSubfields(fields: FitField[]): void {
  for (const field of fields) {
    const subs = field.def?.subfields;
    if (!subs || subs.length === 0 || field.kind !== 'native' || field.sub) continue;
    const sub = subs.find((s) => s.refs.some((r) => refMatches(fields, r.fieldNum, r.value)));
    if (sub) applySubfield(field, sub);
  }
}

function refMatches(fields: FitField[], fieldNum: number, value: number): boolean {
  for (const f of fields) {
    if (f.num === fieldNum && (f.kind === 'native' || f.kind === 'expanded')) return firstNumber(f.raw) === value;
  }
  return false;
}

function applySubfield(field: FitField, sub: SubField): void {
  field.sub = sub;
  field.name = sub.name;
  field.scale = sub.scale;
  field.offset = sub.offset;
}

export function allInvalid(f: FitField): boolean {
  const r = f.raw;
  if (typeof r === 'string') return r.length === 0;
  if (!Array.isArray(r)) return isInvalid(f.baseType, r);
  for (const v of r) if (!isInvalid(f.baseType, v)) return false;
  return true;
}

function firstNumber(raw: RawValue): number | undefined {
  const v = Array.isArray(raw) ? raw[0] : raw;
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
}

function numberOf(msg: FitMessage, num: number): number | undefined {
  const f = msg.fields.find((x) => x.num === num && x.kind === 'native');
  if (!f || allInvalid(f)) return undefined;
  return firstNumber(f.raw);
}

function stringOf(msg: FitMessage, num: number): string | undefined {
  const f = msg.fields.find((x) => x.num === num && x.kind === 'native');
  if (!f) return undefined;
  const v = Array.isArray(f.raw) ? f.raw[0] : f.raw;
  if (typeof v !== 'string') return undefined;
  const s = v.split('\0')[0];
  return s.length > 0 ? s : undefined;
}

/** Reads bit fields LSB-first across the elements of a value (FIT component packing). */
class BitReader {
  #elems: number[];
  #width: number;
  #index = 0;
  #bit = 0;
  available: number;

  constructor(raw: RawValue, bt: BaseTypeInfo) {
    const list = Array.isArray(raw) ? raw : [raw];
    this.#elems = list.map((v) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0));
    this.#width = bt.size * 8;
    this.available = this.#elems.length * this.#width;
  }

  read(n: number): number {
    let out = 0;
    for (let i = 0; i < n; i++) {
      if (this.#bit === this.#width) {
        this.#index++;
        this.#bit = 0;
      }
      const e = this.#elems[this.#index];
      const bit = this.#width > 32 ? Math.floor(e / 2 ** this.#bit) % 2 : (e >>> this.#bit) & 1;
      out += bit * 2 ** i;
      this.#bit++;
    }
    this.available -= n;
    return out;
  }
}
