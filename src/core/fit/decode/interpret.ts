/**
 * The interpreted layer: turns raw data frames into named fields through the profile. It
 * resolves subfields, expands components (with accumulation), binds developer fields to their
 * descriptions and adds the timestamp of compressed-timestamp records. Values stay raw here
 * (see values.ts for scaling and names), so every consumer can format them its own way.
 *
 * The rules follow Garmin's SDKs as FitCSVTool shows them (docs/fitcsv-format.md).
 */
import { BASE_TYPE_BY_NAME, BASE_TYPES, Kind, isInvalid, type BaseTypeInfo } from '../proto/base-types.js';
import type { Profile } from '../profile/profile.js';
import type { Component, FieldDef, MessageDef } from '../profile/types.js';
import { Accumulator } from './accumulator.js';
import { accumulatingComponent, readBits } from './components.js';
import { resolveSubfields } from './subfields.js';
import { readField } from './field-reader.js';
import { encodeValue } from '../encode/element.js';
import type { DataFrame, DefinitionFrame, Frame, RawValue } from './frames.js';
import type { DeveloperFieldInfo, FitField, FitMessage } from './message.js';

export interface InterpretOptions {
  /** Expand components into the fields they stand for (default true; FitCSVTool `-re` turns it off). */
  expandComponents?: boolean;
  /**
   * Expand components of invalid stored values too, and into stored fields holding only invalid
   * values, as FitCSVTool does with -s/-se (it then keeps invalid values as values).
   */
  expandInvalid?: boolean;
}

interface Slot {
  num: number;
  baseType: BaseTypeInfo;
  def: FieldDef | undefined;
  unknownName: string;
  /** Declared larger than the profile's type (docs/fitcsv-invalid-values.md §2b). */
  oversized: boolean;
  /** Declared the same size as the profile's type but another type: read as the profile's (§2a). */
  retype?: BaseTypeInfo;
  size: number;
}

interface Plan {
  mdef: MessageDef | undefined;
  slots: Slot[];
  subfields: boolean;
  components: boolean;
  accumulates: boolean;
  /** The definition lists a field number more than once. */
  duplicates: boolean;
}

/** Every field is built here, so all share one object shape (fast property access). */
function makeField(
  num: number,
  name: string,
  kind: FitField['kind'],
  baseType: BaseTypeInfo,
  raw: RawValue,
  scale: number,
  offset: number,
  units: string,
  type: string,
  def: FieldDef | undefined,
): FitField {
  return { num, name, kind, baseType, raw, scale, offset, units, type, def, sub: undefined, dev: undefined, oversized: undefined, storedCount: undefined };
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
  #expandInvalid: boolean;
  #acc = new Accumulator();
  /** developer_data_index → application_id (an empty array when it has none). */
  #devIds = new Map<number, number[]>();
  /** developer_data_index * 256 + field number → description. */
  #devFields = new Map<number, DevDescription>();
  /** Developer fields are bound to descriptions when their definition is read. */
  #bound = new WeakMap<DefinitionFrame, (DevDescription | undefined)[]>();
  /** What each definition's fields mean, worked out once per definition, not per record. */
  #plans = new WeakMap<DefinitionFrame, Plan>();
  /** Per accumulated field: [field scale, offset, component offset, scale] to seed in component units. */
  #seedUnits = new Map<number, [number, number, number, number] | null>();

  constructor(profile: Profile, opts: InterpretOptions = {}) {
    this.#profile = profile;
    this.#expand = opts.expandComponents ?? true;
    this.#expandInvalid = opts.expandInvalid ?? false;
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
    const plan = this.#plan(f.definition);
    const mdef = plan.mdef;
    const fields: FitField[] = [];
    if (f.compressedTimestamp !== undefined) fields.push(headerTimestamp(mdef, f.compressedTimestamp));

    const slots = plan.slots;
    for (let i = 0; i < slots.length; i++) {
      const raw = f.values[i];
      if (raw === undefined) continue;
      const slot = slots[i];
      const pdef = slot.def;
      const field = pdef
        ? makeField(slot.num, pdef.name, 'native', slot.baseType, raw, pdef.scale, pdef.offset, pdef.units, pdef.type, pdef)
        : makeField(slot.num, slot.unknownName, 'native', slot.baseType, raw, 1, 0, '', '', undefined);
      if (slot.oversized) field.oversized = true;
      else if (slot.retype) retype(field, slot.retype, slot.size);
      if (plan.duplicates && mergeDuplicate(fields, field)) continue;
      fields.push(field);
    }
    if (mdef) {
      if (plan.subfields) resolveSubfields(fields);
      if (plan.accumulates) {
        for (const field of fields) {
          if (field.kind === 'native' && field.def?.accumulate) this.#seedAccumulator(mdef, field);
        }
      }
      if (this.#expand && plan.components) {
        this.#expandComponents(mdef, fields);
        // A subfield's reference may be an expanded field (monitoring.cycles → steps by activity_type).
        if (plan.subfields) resolveSubfields(fields);
      }
    }
    if (f.devValues.length > 0) this.#developerFields(f, fields);

    const msg: FitMessage = { num: f.globalNum, name: mdef?.name ?? `unknown_${f.globalNum}`, local: f.local, offset: f.offset, fields, def: mdef };
    if (f.globalNum === DEVELOPER_DATA_ID) this.#developerDataId(msg);
    else if (f.globalNum === FIELD_DESCRIPTION) this.#fieldDescription(msg);
    return msg;
  }

  #plan(def: DefinitionFrame): Plan {
    let plan = this.#plans.get(def);
    if (plan) return plan;
    const mdef = this.#profile.message(def.globalNum);
    plan = { mdef, slots: [], subfields: false, components: false, accumulates: false, duplicates: false };
    const seen = new Set<number>();
    for (const fd of def.fields) {
      if (seen.has(fd.num)) plan.duplicates = true;
      seen.add(fd.num);
      const bt = fd.baseType ?? BYTE;
      const pdef = mdef?.fields.get(fd.num);
      const slot: Slot = { num: fd.num, baseType: bt, def: pdef, unknownName: `unknown_${fd.num}`, oversized: false, size: fd.size };
      if (pdef) {
        // The FIT SDKs' rule for a declared type other than the profile's (the value's bytes are
        // the same; what they mean, and which value is invalid, is not):
        // docs/fitcsv-invalid-values.md §2.
        const pbt = pdef.baseType;
        if (bt.size > pbt.size) slot.oversized = true;
        else if (bt.size === pbt.size && bt !== pbt) slot.retype = pbt;
        if (pdef.subfields.length > 0) plan.subfields = true;
        if (pdef.components.length > 0 || pdef.subfields.some((x) => x.components.length > 0)) plan.components = true;
        if (pdef.accumulate) plan.accumulates = true;
      }
      plan.slots.push(slot);
    }
    this.#plans.set(def, plan);
    return plan;
  }

  /**
   * A stored value of an accumulated field is the base later rollovers add to (record.distance
   * stored, then compressed_speed_distance). It is kept in the units of the component that
   * accumulates into the field, which any field of the message may carry.
   */
  seedAccumulator(mesgNum: number, fieldNum: number, raw: number): void {
    const key = mesgNum * 256 + fieldNum;
    let conv = this.#seedUnits.get(key);
    if (conv === undefined) {
      const field = this.#profile.field(mesgNum, fieldNum);
      const comp = field && accumulatingComponent(this.#profile.message(mesgNum)!, fieldNum);
      conv = field && comp ? [field.scale, field.offset, comp.offset, comp.scale] : null;
      this.#seedUnits.set(key, conv);
    }
    this.#acc.set(mesgNum, fieldNum, conv ? (raw / conv[0] - conv[1] + conv[2]) * conv[3] : raw);
  }

  #seedAccumulator(mdef: MessageDef, field: FitField): void {
    const v = firstNumber(field.raw);
    if (v === undefined || isInvalid(field.baseType, v)) return;
    this.seedAccumulator(mdef.num, field.num, v);
  }

  #expandComponents(mdef: MessageDef, fields: FitField[]): void {
    // New fields are appended to `fields`, so cascades (compressed_speed_distance → speed →
    // enhanced_speed) expand in the same pass.
    for (let i = 0; i < fields.length; i++) {
      const src = fields[i];
      const comps = src.sub ? src.sub.components : src.def?.components;
      if (!comps || comps.length === 0 || src.kind === 'header_timestamp') continue;
      if (src.kind === 'expanded' && src.def?.components.length === 0) continue;
      if (!this.#expandInvalid && allInvalid(src)) continue;
      const width = src.baseType.size * 8;
      const available = (Array.isArray(src.raw) ? src.raw.length : 1) * width;
      let pos = 0;
      for (const c of comps) {
        if (available - pos < c.bits) break;
        let v = readBits(src.raw, width, pos, c.bits);
        pos += c.bits;
        const target = mdef.fields.get(c.fieldNum);
        if (!target) continue;
        if (c.accumulate) v = this.#acc.accumulate(mdef.num, c.fieldNum, v, c.bits);
        this.#addExpanded(fields, target, c, v, src.oversized === true);
      }
    }
  }

  /**
   * `fromOversized`: the source is declared larger than its profile type, which FitCSVTool does
   * not read (docs/fitcsv-invalid-values.md §2b), so it expands into nothing there: its values
   * go into no stored field, and a field of their own is marked oversized too.
   */
  #addExpanded(fields: FitField[], target: FieldDef, c: Component, v: number, fromOversized: boolean): void {
    let raw: number = (v / c.scale - c.offset + target.offset) * target.scale;
    if (target.baseType.kind !== Kind.float) raw = Math.round(raw);
    // Values expand into a stored field of the same number, unless it holds only invalid values
    // (then they make a field of their own, as in Garmin's SDK) or is stored in a type too narrow
    // for them (event.data stored as uint8: an expanded 255 is a value, not uint8's invalid).
    const existing = fields.find((f) => f.num === target.num && (f.kind === 'expanded' || (f.kind === 'native' && (this.#expandInvalid || !allInvalid(f)) && f.baseType.size >= target.baseType.size)));
    if (existing) {
      // An oversized source leaves a stored field as it is.
      if (fromOversized && existing.kind === 'native') return;
      // Only a stored field remembers how many of its elements were stored.
      if (existing.kind === 'native') existing.storedCount ??= Array.isArray(existing.raw) ? existing.raw.length : 1;
      existing.raw = Array.isArray(existing.raw) ? [...existing.raw, raw] : [existing.raw, raw];
      return;
    }
    const field = makeField(target.num, target.name, 'expanded', target.baseType, raw, target.scale, target.offset, target.units, target.type, target);
    if (fromOversized) field.oversized = true;
    fields.push(field);
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
      const field = makeField(dd.num, desc?.name ?? `developer_${dd.devIndex}_${dd.num}`, 'developer', bt, raw, desc?.scale ?? 1, desc?.offset ?? 0, desc?.units ?? '', bt.name, undefined);
      field.dev = desc ?? { devIndex: dd.devIndex };
      fields.push(field);
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
  return makeField(TIMESTAMP, def?.name ?? `unknown_${TIMESTAMP}`, 'header_timestamp', UINT32, ts, 1, 0, def?.units ?? '', def?.type ?? '', def);
}

/**
 * Same size, other base type (uint32 stored for a uint32z field, uint32 for sint32): the bytes
 * are read again as the profile's type, which then decides what is invalid. Values are written
 * back to their bytes with the encoder's writer (a NaN float as all ones, FIT's invalid float).
 * docs/fitcsv-invalid-values.md §2a.
 */
function retype(field: FitField, pbt: BaseTypeInfo, size: number): void {
  const bytes = encodeValue(field.baseType, size, field.raw);
  const raw = readField(bytes, new DataView(bytes.buffer), 0, size, pbt, false);
  if (raw === undefined) return;
  field.raw = raw;
  field.baseType = pbt;
}

/**
 * A field number the definition lists again is one field, as in Garmin's SDKs: it keeps the
 * first one's place and takes the later value, unless that is a single invalid element (or an
 * empty string). True when `field` went into an earlier field. docs/fitcsv-invalid-values.md §6.
 */
function mergeDuplicate(fields: FitField[], field: FitField): boolean {
  const i = fields.findIndex((x) => x.kind === 'native' && x.num === field.num);
  if (i < 0) return false;
  if (Array.isArray(field.raw) || !allInvalid(field)) fields[i] = field;
  return true;
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
