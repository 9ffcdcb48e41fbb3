/**
 * Data rows of the plain CSV (no option that changes how values print) written straight from a
 * record's bytes, for the definitions whose rows cannot depend on anything the general path
 * (Interpreter + FitCsvWriter.data) decides: numeric fields of the profile's own types, no
 * subfields, developer fields, repeated or oversized fields, and components only of the simple
 * kind (a single stored integer, not accumulating, each target once, not expanding further).
 * Every other record takes the general path. The row is the one the general path writes, byte
 * for byte (the corpus conformance tests run both).
 */
import type { DefinitionFrame, RawScalar } from '../fit/decode/frames.js';
import { readBits } from '../fit/decode/components.js';
import { readField } from '../fit/decode/field-reader.js';
import type { Interpreter } from '../fit/decode/interpret.js';
import type { Profile } from '../fit/profile/profile.js';
import type { FieldDef, MessageDef } from '../fit/profile/types.js';
import { Kind, isInvalid, type BaseTypeInfo } from '../fit/proto/base-types.js';
import { formatJavaDouble, formatJavaFloat } from './java-number.js';

/** Writes the data row of the record whose content starts at `p`. */
export type FastRow = (b: Uint8Array, dv: DataView, p: number) => void;

interface Slot {
  at: number;
  size: number;
  bt: BaseTypeInfo;
  /** The cell up to its value (`name,"`), and after it (`",units,`). */
  head: string;
  tail: string;
  scale: number;
  offset: number;
  /** plainValue() of a valid single value. */
  fmt: (v: number) => string;
  /** Seeds the accumulator (a stored value of an accumulated field). */
  seed: boolean;
  num: number;
  expand: Expansion[];
}

interface Expansion {
  /** The slot that stores the target field, or -1. */
  into: number;
  bits: number;
  /** The component's first bit in the source value. */
  pos: number;
  scale: number;
  offset: number;
  target: FieldDef;
  fmt: (v: number) => string;
  head: string;
  tail: string;
}

const FIELD_DESCRIPTION = 206;
const DEVELOPER_DATA_ID = 207;

/** A value as FitCSVTool prints it with no option set (FitCsvWriter's #element, options off). */
export function plainValue(bt: BaseTypeInfo, scale: number, offset: number, v: RawScalar): string {
  if (typeof v === 'string') return v;
  if (isInvalid(bt, v)) return typeof v === 'bigint' ? v.toString() : Number.isNaN(v) ? 'NaN' : String(v);
  if (scale !== 1 || offset !== 0) return formatJavaDouble(Number(v) / scale - offset);
  if (typeof v === 'bigint') return v.toString();
  if (bt.kind === Kind.float) return bt.size === 4 ? formatJavaFloat(v) : formatJavaDouble(v);
  return String(v);
}

/**
 * plainValue() for valid numbers of one field, made quicker: a scale of 10^k over an integer is
 * the integer's digits with a point put in (the double nearest that decimal prints as it,
 * having at most 15 digits); other scaled values are remembered by stored value (sensors repeat).
 */
function validValue(bt: BaseTypeInfo, scale: number, offset: number): (v: number) => string {
  if (scale === 1 && offset === 0) return bt.kind === Kind.float ? (v) => plainValue(bt, 1, 0, v) : String;
  const general = (v: number) => formatJavaDouble(v / scale - offset);
  const k = Math.log10(scale);
  const cache = remembered(general);
  if (offset !== 0 || !Number.isInteger(k) || k < 1 || k > 6 || bt.kind === Kind.float) return cache;
  return (v) => {
    const a = v < 0 ? -v : v;
    if (!Number.isInteger(v) || a >= 1e15 || a < scale / 1000 || a >= 1e7 * scale) return cache(v);
    const digits = String(a).padStart(k + 1, '0');
    const cut = digits.length - k;
    let frac = digits.slice(cut);
    let end = frac.length;
    while (end > 1 && frac.charCodeAt(end - 1) === 48) end--;
    if (end < frac.length) frac = frac.slice(0, end);
    return (v < 0 ? '-' : '') + digits.slice(0, cut) + '.' + frac;
  };
}

/** `f` with a small direct-mapped memory of its last results, by argument. */
function remembered(f: (v: number) => string): (v: number) => string {
  const SIZE = 1024;
  const keys = new Float64Array(SIZE).fill(NaN);
  const values: string[] = new Array(SIZE).fill('');
  return (v) => {
    if (v === 0) return f(v); // 0 and -0 print apart
    const i = (v * 31 + (v >>> 10)) & (SIZE - 1);
    if (keys[i] === v) return values[i];
    const s = f(v);
    keys[i] = v;
    values[i] = s;
    return s;
  };
}

/**
 * The row writer for `def`, or undefined when its rows need the general path. `emit(line, k)`
 * takes a row of k field triplets (the writer pads it).
 */
export function compileFastRow(
  profile: Profile,
  interp: Interpreter,
  def: DefinitionFrame,
  opts: { hideUnknown: boolean; expand: boolean },
  emit: (line: string, k: number) => void,
): FastRow | undefined {
  const mdef = profile.message(def.globalNum);
  if (!mdef || def.devFields.length > 0 || def.globalNum === FIELD_DESCRIPTION || def.globalNum === DEVELOPER_DATA_ID) return undefined;
  const stored = new Set<number>();
  for (const fd of def.fields) {
    if (stored.has(fd.num)) return undefined;
    stored.add(fd.num);
  }
  const slots: Slot[] = [];
  const targets = new Set<number>();
  let at = 0;
  for (const fd of def.fields) {
    const bt = fd.baseType;
    const pdef = mdef.fields.get(fd.num);
    const here = at;
    at += fd.size;
    if (!bt || bt.kind === Kind.string || fd.count < 1 || fd.size % bt.size !== 0) return undefined;
    if (pdef && (pdef.baseType !== bt || pdef.subfields.length > 0)) return undefined;
    if (!pdef && opts.hideUnknown) continue;
    const expand = pdef && opts.expand ? expansions(mdef, pdef, fd.count, targets) : [];
    if (!expand || (pdef?.accumulate && fd.count !== 1)) return undefined;
    // Components of integers of up to 32 bits only (read from the number kept in `raws`).
    if (expand.length > 0 && (bt.size > 4 || bt.kind === Kind.float)) return undefined;
    slots.push({
      at: here,
      size: fd.size,
      bt,
      head: (pdef ? pdef.name : 'unknown') + ',"',
      tail: '",' + (pdef ? pdef.units : '') + ',',
      scale: pdef ? pdef.scale : 1,
      offset: pdef ? pdef.offset : 0,
      fmt: validValue(bt, pdef ? pdef.scale : 1, pdef ? pdef.offset : 0),
      seed: pdef?.accumulate ?? false,
      num: fd.num,
      expand,
    });
  }
  // A component into a field the definition stores goes into that field's cell, as the
  // interpreter merges it (when the stored value is valid; otherwise it makes a cell of its own).
  for (const s of slots) for (const c of s.expand) c.into = slots.findIndex((x) => x.num === c.target.num);
  const start = 'Data,' + def.local + ',' + mdef.name + ',';
  const be = def.bigEndian;
  const mesgNum = mdef.num;
  const values: (string | undefined)[] = new Array(slots.length);
  const raws: number[] = new Array(slots.length).fill(0);
  return (b, dv, p) => {
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      const raw = readField(b, dv, p + s.at, s.size, s.bt, be)!;
      const bt = s.bt;
      values[i] = undefined;
      if (typeof raw === 'object') {
        // An array: dropped when every element is invalid.
        let valid = false;
        for (let j = 0; j < raw.length && !valid; j++) valid = !isInvalid(bt, raw[j]);
        if (!valid) continue;
        let value = '';
        for (let j = 0; j < raw.length; j++) value += (j > 0 ? '|' : '') + plainValue(bt, s.scale, s.offset, raw[j]);
        values[i] = value;
        continue;
      }
      if (isInvalid(bt, raw)) continue;
      values[i] = typeof raw === 'number' ? s.fmt(raw) : plainValue(bt, s.scale, s.offset, raw);
      if (typeof raw === 'number') raws[i] = raw;
      if (s.seed) interp.seedAccumulator(mesgNum, s.num, Number(raw));
    }
    let expanded = '';
    let kx = 0;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      const comps = s.expand;
      if (comps.length === 0 || values[i] === undefined) continue;
      const raw = raws[i];
      const width = s.bt.size * 8;
      for (let j = 0; j < comps.length; j++) {
        const c = comps[j];
        if (width - c.pos < c.bits) break;
        const v = c.pos === 0 && c.bits >= width && raw >= 0 ? raw : readBits(raw, width, c.pos, c.bits);
        const t = c.target;
        let x = (v / c.scale - c.offset + t.offset) * t.scale;
        if (t.baseType.kind !== Kind.float) x = Math.round(x);
        const text = isInvalid(t.baseType, x) ? plainValue(t.baseType, t.scale, t.offset, x) : c.fmt(x);
        if (c.into >= 0 && values[c.into] !== undefined) values[c.into] += '|' + text;
        else {
          expanded += c.head + text + c.tail;
          kx++;
        }
      }
    }
    let line = start;
    let k = kx;
    for (let i = 0; i < slots.length; i++) {
      const v = values[i];
      if (v === undefined) continue;
      line += slots[i].head + v + slots[i].tail;
      k++;
    }
    emit(line + expanded, k);
  };
}

/**
 * The components of a stored field as this path expands them, or undefined when they need the
 * general path (an array source, accumulation, a target unknown or expanded into twice, a cascade).
 */
function expansions(mdef: MessageDef, pdef: FieldDef, count: number, targets: Set<number>): Expansion[] | undefined {
  const out: Expansion[] = [];
  if (pdef.components.length === 0) return out;
  if (count !== 1) return undefined;
  let pos = 0;
  for (const c of pdef.components) {
    if (c.accumulate) return undefined;
    const target = mdef.fields.get(c.fieldNum);
    if (!target || targets.has(target.num) || target.components.length > 0) return undefined;
    targets.add(target.num);
    out.push({
      into: -1,
      bits: c.bits,
      pos,
      scale: c.scale,
      offset: c.offset,
      target,
      fmt: validValue(target.baseType, target.scale, target.offset),
      head: target.name + ',"',
      tail: '",' + target.units + ',',
    });
    pos += c.bits;
  }
  return out;
}
