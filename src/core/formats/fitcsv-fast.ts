/**
 * Data rows of the plain CSV (no option that changes how values print) written straight from a
 * record's bytes into the output buffer (fitcsv-bytes.ts), by a writer compiled once per
 * definition (generated JS: the reads, the validity tests, the constant cells as byte stores,
 * integers and decimals as ASCII digits), for the definitions whose rows cannot depend on
 * anything the general path (Interpreter + FitCsvWriter.data) decides: numeric fields of the
 * profile's own types, no subfields, developer fields, repeated or oversized fields, and
 * components only of the simple kind (a single stored integer, not accumulating, each target
 * once, not expanding further). Every other record takes the general path. The row is the one
 * the general path writes, byte for byte (the corpus conformance tests run both).
 */
import type { DefinitionFrame, RawScalar } from '../fit/decode/frames.js';
import { AccumulatorSeeds, readExpr } from '../fit/decode/codegen.js';
import { readBits } from '../fit/decode/components.js';
import { readField } from '../fit/decode/field-reader.js';
import type { Profile } from '../fit/profile/profile.js';
import type { FieldDef, MessageDef } from '../fit/profile/types.js';
import { Kind, isInvalid, type BaseTypeInfo } from '../fit/proto/base-types.js';
import type { CsvBytes } from './fitcsv-bytes.js';
import { putAscii, putInt } from '../bytes/ascii-digits.js';
import { putDecimal } from './fitcsv-digits.js';
import { formatJavaDouble, formatJavaFloat } from './java-number.js';

/** Writes the data row of the record whose content starts at `p`. */
export type FastRow = (b: Uint8Array, dv: DataView, p: number) => void;

/** Where compiled rows go. */
export interface FastRowTarget {
  out: CsvBytes;
  /** Ends the row just written, of `k` field triplets (pads it, counts it). */
  end: (k: number) => void;
  /** Latest raw values of accumulating fields, handed to the Interpreter before it decodes a message. */
  seeds: AccumulatorSeeds;
}

const FIELD_DESCRIPTION = 206;
const DEVELOPER_DATA_ID = 207;
/** Most characters of one printed number (Java's longest double is 24). */
const NUMBER_CHARS = 32;

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
export function validValue(bt: BaseTypeInfo, scale: number, offset: number): (v: number) => string {
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
 * How a valid number of a field is written: its digits (`int`: String(v)), an integer over
 * 10^k (`decimal`), or through its formatter (`text`).
 */
interface Printer {
  how: 'int' | 'decimal' | 'text';
  scale: number;
  k: number;
  /** validValue(), also the fallback of `decimal`. */
  fmt: (v: number) => string;
}

function printer(bt: BaseTypeInfo, scale: number, offset: number): Printer {
  const fmt = validValue(bt, scale, offset);
  const integer = bt.kind === Kind.uint || bt.kind === Kind.sint;
  const k = Math.log10(scale);
  if (integer && scale === 1 && offset === 0) return { how: 'int', scale, k: 0, fmt };
  if (integer && offset === 0 && Number.isInteger(k) && k >= 1 && k <= 6) return { how: 'decimal', scale, k, fmt };
  return { how: 'text', scale, k: 0, fmt };
}

interface Slot {
  at: number;
  size: number;
  bt: BaseTypeInfo;
  count: number;
  /** The cell up to its value (`name,"`), and after it (`",units,`). */
  head: string;
  tail: string;
  scale: number;
  offset: number;
  print: Printer;
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
  print: Printer;
  head: string;
  tail: string;
}

/**
 * The row writer for `def`, or undefined when its rows need the general path. Its rows go to
 * `target` (`target.end` pads them).
 */
export function compileFastRow(profile: Profile, def: DefinitionFrame, opts: { hideUnknown: boolean; expand: boolean }, target: FastRowTarget): FastRow | undefined {
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
    const scale = pdef ? pdef.scale : 1;
    const offset = pdef ? pdef.offset : 0;
    slots.push({
      at: here,
      size: fd.size,
      bt,
      count: fd.count,
      head: (pdef ? pdef.name : 'unknown') + ',"',
      tail: '",' + (pdef ? pdef.units : '') + ',',
      scale,
      offset,
      print: printer(bt, scale, offset),
      seed: pdef?.accumulate ?? false,
      num: fd.num,
      expand,
    });
  }
  for (const s of slots) {
    // As in the interpreter, a component the stored value has no bits left for ends the expansion.
    const cut = s.expand.findIndex((c) => s.bt.size * 8 - c.pos < c.bits);
    if (cut >= 0) s.expand.length = cut;
    // A component into a field the definition stores goes into that field's cell, as the
    // interpreter merges it (when the stored value is valid; otherwise it makes a cell of its own).
    for (const c of s.expand) c.into = slots.findIndex((x) => x.num === c.target.num);
  }
  return generate(mdef, def, slots, target);
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
      print: printer(target.baseType, target.scale, target.offset),
      head: target.name + ',"',
      tail: '",' + target.units + ',',
    });
    pos += c.bits;
  }
  return out;
}

/**
 * The text of a slot read by generic code (arrays, 64-bit integers), or undefined when the
 * general path leaves the field out (every element invalid).
 */
function genericSlot(s: Slot, be: boolean, seeds: AccumulatorSeeds, mesgNum: number): (b: Uint8Array, dv: DataView, p: number) => string | undefined {
  const bt = s.bt;
  const seed = s.seed ? seeds.slot(mesgNum, s.num) : -1;
  return (b, dv, p) => {
    const raw = readField(b, dv, p + s.at, s.size, bt, be)!;
    if (typeof raw === 'object') {
      // An array: dropped when every element is invalid.
      let valid = false;
      for (let j = 0; j < raw.length && !valid; j++) valid = !isInvalid(bt, raw[j]);
      if (!valid) return undefined;
      let value = '';
      for (let j = 0; j < raw.length; j++) value += (j > 0 ? '|' : '') + plainValue(bt, s.scale, s.offset, raw[j]);
      return value;
    }
    if (isInvalid(bt, raw)) return undefined;
    if (seed >= 0) seeds.values[seed] = Number(raw);
    return typeof raw === 'number' ? s.print.fmt(raw) : plainValue(bt, s.scale, s.offset, raw);
  };
}

/** A number as JS source, exactly. */
function lit(n: number): string {
  return Object.is(n, -0) ? '-0' : n < 0 ? `(${n})` : String(n);
}

const encoder = new TextEncoder();

/** Bytes a constant store may write past the text it stores (later bytes overwrite them). */
const OVERRUN = 8;
const SPACE = 32;
/** The smallest positive normal double: smaller ones (and NaN, the infinities) are not stored as doubles. */
const MIN_NORMAL = 2.2250738585072014e-308;
const word = new DataView(new ArrayBuffer(8));

/**
 * Source storing the bytes of `text` at `q` and moving q past them: eight at a time, each group
 * as the double with those bytes (little-endian) through the buffer's DataView (`ov`), the last
 * group padded with spaces that the bytes after it overwrite (a row's bound leaves OVERRUN bytes
 * for them). A group whose double would not come back bit for bit from its text (NaN, the
 * infinities, subnormals, -0) goes as two 32-bit stores. Stores, not a copy from an array: the
 * constant cells are most of a row's bytes; and as few as can be, which keeps the function small
 * (V8 compiles it in proportion to its size, and the rows before that run unoptimised).
 */
function storeBytes(text: string): string {
  const bytes = encoder.encode(text);
  let src = '';
  for (let i = 0; i < bytes.length; i += 8) {
    for (let j = 0; j < 8; j++) word.setUint8(j, i + j < bytes.length ? bytes[i + j] : SPACE);
    const d = word.getFloat64(0, true);
    if (Number.isFinite(d) && Math.abs(d) >= MIN_NORMAL) src += `ov.setFloat64(q + ${i}, ${d}, true); `;
    else src += `ov.setUint32(q + ${i}, ${word.getUint32(0)}); ov.setUint32(q + ${i + 4}, ${word.getUint32(4)}); `;
  }
  return src + `q += ${bytes.length};`;
}

/**
 * Source of one read of a numeric element at byte `o` of the record, or undefined for 64-bit
 * integers: multi-byte ones through the record's DataView (`dv`), one call rather than a byte
 * load, shift and or per byte (readExpr()), so the function stays small.
 */
function fieldRead(bt: BaseTypeInfo, o: number, be: boolean): string | undefined {
  if (bt.size === 1) return readExpr(bt, o, be);
  if (bt.size !== 2 && bt.size !== 4 && !(bt.size === 8 && bt.kind === Kind.float)) return undefined;
  const type = bt.kind === Kind.float ? 'Float' : bt.kind === Kind.sint ? 'Int' : 'Uint';
  return `dv.get${type}${bt.size * 8}(p + ${o}, ${!be})`;
}

/** Compiled row writers by source (constants apart), shared by every definition of the same shape. */
const compiled = new Map<string, (...args: unknown[]) => FastRow>();
const MAX_COMPILED = 1024;

function generate(mdef: MessageDef, def: DefinitionFrame, slots: Slot[], target: FastRowTarget): FastRow {
  const consts: unknown[] = [];
  const ref = (v: unknown): string => `c${consts.push(v) - 1}`;
  const be = def.bigEndian;
  const reads: string[] = [];
  const comps: string[] = [];
  const writes: string[] = [];
  let bound = utf8Length(`Data,${def.local},${mdef.name},`) + 1 + OVERRUN;

  /** Source writing valid number `v` with printer `pr`. */
  const value = (v: string, pr: Printer): string => {
    if (pr.how === 'int') return `q = putInt(buf, q, ${v});`;
    if (pr.how === 'decimal') return `{ const e = putDecimal(buf, q, ${v}, ${pr.scale}, ${pr.k}); q = e >= 0 ? e : putAscii(buf, q, ${ref(pr.fmt)}(${v})); }`;
    return `q = putAscii(buf, q, ${ref(pr.fmt)}(${v}));`;
  };

  slots.forEach((s, i) => {
    const expr = s.count === 1 ? fieldRead(s.bt, s.at, be) : undefined;
    bound += utf8Length(s.head) + utf8Length(s.tail) + s.count * (NUMBER_CHARS + 1);
    let text: string;
    if (expr === undefined) {
      reads.push(`const s${i} = ${ref(genericSlot(s, be, target.seeds, mdef.num))}(b, dv, p); const v${i} = s${i} !== undefined;`);
      text = `q = putAscii(buf, q, s${i});`;
    } else {
      const valid = s.bt.kind === Kind.float ? `r${i} === r${i}` : `r${i} !== ${lit(s.bt.invalid as number)}`;
      reads.push(`const r${i} = ${expr}; const v${i} = ${valid};`);
      if (s.seed) reads.push(`if (v${i}) S[${target.seeds.slot(mdef.num, s.num)}] = r${i};`);
      text = value(`r${i}`, s.print);
    }
    // A component expanded into this field: its text joins the cell.
    let merged = '';
    slots.forEach((src, j) =>
      src.expand.forEach((c, n) => {
        if (c.into === i) merged += `if (v${j}) { buf[q++] = 124; ${componentValue(`x${j}_${n}`, c)} }`;
      }),
    );
    writes.push(`if (v${i}) { k++; ${storeBytes(s.head)} ${text} ${merged} ${storeBytes(s.tail)} }`);
  });

  /** Source writing component value `x` (invalid ones print as String() does, NaN aside). */
  function componentValue(x: string, c: Expansion): string {
    const bt = c.target.baseType;
    if (bt.kind === Kind.float) return `if (${x} !== ${x}) { q = putAscii(buf, q, 'NaN'); } else { ${value(x, c.print)} }`;
    if (typeof bt.invalid !== 'number' || c.print.how === 'int') return value(x, c.print);
    return `if (${x} === ${lit(bt.invalid)}) { q = putInt(buf, q, ${x}); } else { ${value(x, c.print)} }`;
  }

  const own: string[] = [];
  slots.forEach((s, j) => {
    const width = s.bt.size * 8;
    s.expand.forEach((c, n) => {
      const x = `x${j}_${n}`;
      const t = c.target;
      const bits =
        c.pos + c.bits <= 32
          ? `(r${j} >= 0 ? ${c.pos === 0 ? `r${j}` : `Math.floor(r${j} / ${2 ** c.pos})`}${c.bits >= 32 ? '' : ` % ${2 ** c.bits}`} : readBits(r${j}, ${width}, ${c.pos}, ${c.bits}))`
          : `readBits(r${j}, ${width}, ${c.pos}, ${c.bits})`;
      let arith = `(${bits} / ${lit(c.scale)} - ${lit(c.offset)} + ${lit(t.offset)}) * ${lit(t.scale)}`;
      if (t.baseType.kind !== Kind.float) arith = `Math.round(${arith})`;
      comps.push(`let ${x} = 0; if (v${j}) ${x} = ${arith};`);
      bound += utf8Length(c.head) + utf8Length(c.tail) + NUMBER_CHARS + 1;
      const cell = `k++; ${storeBytes(c.head)} ${componentValue(x, c)} ${storeBytes(c.tail)}`;
      own.push(c.into >= 0 ? `if (v${j} && !v${c.into}) { ${cell} }` : `if (v${j}) { ${cell} }`);
    });
  });
  const body = [
    ...reads,
    ...comps,
    `o.begin(${bound});`,
    'const buf = o.buf;',
    'const ov = o.dv;',
    'let q = o.pos;',
    'let k = 0;',
    storeBytes(`Data,${def.local},${mdef.name},`),
    ...writes,
    ...own,
    `if (q > buf.length) throw new Error('fitcsv: a row overran its bound');`,
    'o.pos = q;',
    'end(k);',
  ].join('\n');
  const names = consts.map((_, i) => `c${i}`);
  const src = `${names.length ? `const [${names.join(', ')}] = c;\n` : ''}return function row(b, dv, p) {\n${body}\n};`;
  let factory = compiled.get(src);
  if (factory === undefined) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    factory = new Function('putInt', 'putDecimal', 'putAscii', 'readBits', 'c', 'o', 'S', 'end', src) as (...args: unknown[]) => FastRow;
    compiled.set(src, factory);
  }
  return factory(putInt, putDecimal, putAscii, readBits, consts, target.out, target.seeds.values, target.end);
}

function utf8Length(s: string): number {
  return encoder.encode(s).length;
}
