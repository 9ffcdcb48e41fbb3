/**
 * FIT to NDJSON (`fitkit dump --json`), written as bytes: one line per message, exactly
 * `JSON.stringify(messageToObject(m, { dates: 'iso', enums: true, profile }), jsonReplacer)`.
 *
 * For each definition of plain numeric fields a plan is made once: per field, where its bytes
 * are, how to read them, its key as bytes, and how its value is written (date, enum name, scaled
 * number). One loop then goes from each record's bytes to its line in an output buffer, with no
 * object, string or Date per value (json-text.ts). Records with anything richer (strings,
 * arrays, subfields, multi-part or accumulating components, unbound developer fields), and the
 * messages that feed the Interpreter's state, go through the Interpreter, messageToObject and
 * JSON.stringify: the reference the plans must equal byte for byte (test/core/formats/json-lines.test.ts).
 *
 * One loop for every definition, not code generated per definition: a day's file is over before
 * generated code would be optimised, and the loop is hot after a few hundred records.
 */
import type { Diagnostic } from '../errors.js';
import { BASE_TYPE_BY_NAME, Kind, type BaseTypeInfo } from '../fit/proto/base-types.js';
import { standardProfile, type Profile } from '../fit/profile/profile.js';
import { snakeName } from '../fit/profile/names.js';
import type { FieldDef } from '../fit/profile/types.js';
import type { DefinitionFrame } from '../fit/decode/frames.js';
import { Interpreter, type DevDescription } from '../fit/decode/interpret.js';
import { RawDecoder } from '../fit/decode/raw.js';
import { AccumulatorSeeds, compiledReadType } from '../fit/decode/codegen.js';
import { jsonReplacer, messageToObject, type ValueOptions } from '../fit/decode/values.js';
import { NumberTextCache, VALUE_MAX, WordText, decimalScale, putBytes, putCachedNumber, putDecimal, putFitDate, putNumber, putWords } from './json-text.js';
import { putInt } from '../bytes/ascii-digits.js';

export interface JsonLinesOptions {
  profile?: Profile;
  /** Expand components (default true; false is FitCSVTool's -re). */
  expandComponents?: boolean;
  /** Size of the chunks handed on (default 256 KiB); a line longer than that gets a chunk of its own. */
  chunkSize?: number;
}

// How a field's element is read: as readField reads it.
const U8 = 0;
const S8 = 1;
const U16 = 2;
const S16 = 3;
const U32 = 4;
const S32 = 5;
const F32 = 6;
const F64 = 7;

// How a value is written (values.ts element(), after the enum name).
/** An integer read, as it is. */
const INTEGER = 0;
/** A float read, as it is (null when not finite). */
const NUMBER = 1;
/** date_time: ISO text, or the number below 2^28 (device time). */
const DATE = 2;
/** An integer read over a scale dividing a power of ten, offset 0: exact decimal digits. */
const DECIMAL = 3;
/** An integer read, scaled: the number's text cached by the integer. */
const CACHED = 4;
/** A float read, scaled. */
const SCALED = 5;

function readCode(bt: BaseTypeInfo): number | undefined {
  const sint = bt.kind === Kind.sint;
  if (bt.kind === Kind.float) return bt.size === 4 ? F32 : bt.size === 8 ? F64 : undefined;
  if (bt.kind !== Kind.uint && !sint) return undefined;
  return bt.size === 1 ? (sint ? S8 : U8) : bt.size === 2 ? (sint ? S16 : U16) : bt.size === 4 ? (sint ? S32 : U32) : undefined;
}

function read(b: Uint8Array, dv: DataView, p: number, code: number, be: boolean): number {
  switch (code) {
    case U8:
      return b[p];
    case S8:
      return (b[p] << 24) >> 24;
    case U16:
      return be ? (b[p] << 8) | b[p + 1] : b[p] | (b[p + 1] << 8);
    case S16:
      return ((be ? (b[p] << 8) | b[p + 1] : b[p] | (b[p + 1] << 8)) << 16) >> 16;
    case U32:
      return (be ? (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3] : b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
    case S32:
      return be ? (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3] : b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
    case F32:
      return dv.getFloat32(p, !be);
    default:
      return dv.getFloat64(p, !be);
  }
}

/**
 * A profile type's value names as JSON text (`"garmin"`), made when first met: a type such as
 * garmin_product names thousands of values, of which a file uses a few.
 */
class EnumNames {
  #values: ReadonlyMap<number, string>;
  /** By value below 2^16: the text, null for a value without a name, undefined when not yet looked up. */
  #dense: (Uint8Array | null | undefined)[] = [];
  /** The most bytes a name can take as JSON text (escapes included). */
  readonly max: number;

  constructor(values: ReadonlyMap<number, string>) {
    this.#values = values;
    let longest = 0;
    for (const v of values.values()) longest = Math.max(longest, v.length);
    // snake_case at most doubles a name; an escape takes 6 characters, a character 3 bytes of UTF-8.
    this.max = 2 + 2 * longest * 6 * 3;
  }

  get(v: number): Uint8Array | null {
    if (v >= 0 && v < 65536 && Math.floor(v) === v) {
      const e = this.#dense[v];
      return e !== undefined ? e : (this.#dense[v] = this.#text(v));
    }
    return this.#text(v);
  }

  #text(v: number): Uint8Array | null {
    const label = this.#values.get(v);
    return label === undefined ? null : new TextEncoder().encode(JSON.stringify(snakeName(label)));
  }
}

/**
 * One field of a plan: where its element comes from, when it is valid, and how messageToObject
 * would write it. Every slot has every property, so the loop sees one shape.
 */
class Slot {
  /** Stored or developer field: byte offset in the record's content and how to read it. */
  at = 0;
  read = U8;
  bigEndian = false;
  /** Invalid element: NaN (floats) or this value. */
  isFloat = false;
  invalid = 0;
  /** `,"name":` */
  key: WordText;
  /** How the value is written, once no enum name applies. */
  kind = NUMBER;
  /** Enum names of the field's type. */
  names: EnumNames | null = null;
  /** raw / scale - offset (DECIMAL: r * multiplier / 10^power; CACHED: by the integer read). */
  scale = 1;
  offset = 0;
  power = 0;
  multiplier = 1;
  cache: NumberTextCache | null = null;
  /** Accumulator slot the stored value seeds, or -1. */
  seed = -1;
  /** Expanded field: the stored field it comes from and the Interpreter's arithmetic. */
  from = -1;
  /** 2^bits of the source: a negative source is its two's complement (readBits). */
  wrap = 0;
  cScale = 1;
  cOffset = 0;
  tScale = 1;
  tOffset = 0;
  /** The stored field the expansion goes into when that one is valid (keeping its value), or -1. */
  stored = -1;

  constructor(key: WordText) {
    this.key = key;
  }
}

/** What the records of one definition become. */
interface Plan {
  /** `{"name":"record","num":20,"offset":` */
  head: WordText;
  stored: Slot[];
  expanded: Slot[];
  developer: Slot[];
  /** The time of a compressed-timestamp header. */
  headerTime: Slot;
  /** Index of the stored timestamp (253) in `stored`, or -1. */
  storedTime: number;
  /** The most bytes one line can take. */
  max: number;
}

const FIELDS = new WordText(new TextEncoder().encode(',"fields":'));
const DEVELOPER = new TextEncoder().encode(',"developer":');
const NO_TIME = 0xffffffff;

function valid(s: Slot, v: number): boolean {
  return s.isFloat ? v === v : v !== s.invalid;
}

/** `,"key":value`; `ov` views `o`. */
function putField(o: Uint8Array, ov: DataView, q: number, s: Slot, v: number): number {
  q = putWords(ov, q, s.key);
  if (s.names !== null) {
    const e = s.names.get(v);
    if (e !== null) return putBytes(o, q, e);
  }
  switch (s.kind) {
    case INTEGER:
      return putInt(o, q, v);
    case DATE:
      return putFitDate(o, q, v);
    case DECIMAL:
      return putDecimal(o, q, v, s.power, s.multiplier);
    case CACHED:
      return putCachedNumber(o, q, s.cache!, v, v / s.scale - s.offset);
    case SCALED:
      return putNumber(o, q, v / s.scale - s.offset);
    default:
      return putNumber(o, q, v);
  }
}

/** The fields of the record at hand that are written, in line order, and their values. */
interface Written {
  slots: Slot[];
  values: Float64Array;
}

/**
 * One record's line. Fields in messageToObject's order: the header's time, stored fields,
 * expanded ones, then developer fields; each writes `,"key":value` and the first comma of each
 * object becomes its `{`. Which fields are written is settled first, then one loop writes them:
 * one call of putField, so the optimised code holds one copy of it.
 */
function putRecord(
  w: Plan,
  b: Uint8Array,
  dv: DataView,
  p: number,
  ts: number,
  offset: number,
  o: Uint8Array,
  ov: DataView,
  q: number,
  vals: Float64Array,
  seeds: (number | undefined)[],
  out: Written,
): number {
  const stored = w.stored;
  for (let i = 0; i < stored.length; i++) {
    const s = stored[i];
    vals[i] = read(b, dv, p + s.at, s.read, s.bigEndian);
  }
  const slots = out.slots;
  const values = out.values;
  let n = 0;
  const t = w.storedTime;
  const headerTime = ts >= 0 && ts !== NO_TIME;
  if (headerTime) {
    const own = t >= 0 && valid(stored[t], vals[t]);
    slots[n] = own ? stored[t] : w.headerTime;
    values[n++] = own ? vals[t] : ts;
  }
  for (let i = 0; i < stored.length; i++) {
    const s = stored[i];
    const v = vals[i];
    if (!valid(s, v)) continue;
    if (s.seed >= 0) seeds[s.seed] = v;
    if (i !== t || !headerTime) {
      slots[n] = s;
      values[n++] = v;
    }
  }
  const expanded = w.expanded;
  for (let i = 0; i < expanded.length; i++) {
    const s = expanded[i];
    const v = vals[s.from];
    if (!valid(stored[s.from], v)) continue;
    const x = Math.round(((v < 0 ? v + s.wrap : v) / s.cScale - s.cOffset + s.tOffset) * s.tScale);
    if (x === s.invalid || (s.stored >= 0 && valid(stored[s.stored], vals[s.stored]))) continue;
    slots[n] = s;
    values[n++] = x;
  }
  const fields = n;
  const developer = w.developer;
  for (let i = 0; i < developer.length; i++) {
    const s = developer[i];
    const v = read(b, dv, p + s.at, s.read, s.bigEndian);
    if (!valid(s, v)) continue;
    slots[n] = s;
    values[n++] = v;
  }

  q = putWords(ov, q, w.head);
  q = putNumber(o, q, offset);
  q = putWords(ov, q, FIELDS);
  // Where the object opens: its first field's comma, or its own `{` when it has none.
  let open = q;
  if (fields === 0) o[q++] = 44;
  for (let k = 0; k < n; k++) {
    if (k === fields) {
      o[open] = 123;
      o[q++] = 125;
      q = putBytes(o, q, DEVELOPER);
      open = q;
    }
    q = putField(o, ov, q, slots[k], values[k]);
  }
  // The last object opened (fields, or developer) closes, then the line's.
  o[open] = 123;
  o[q++] = 125;
  o[q] = 125;
  o[q + 1] = 10;
  return q + 2;
}

/**
 * Runs every path of putRecord and putField once, on made-up slots, before the first record: the
 * optimising compiler then has feedback for all of them, and the slots' shape has every kind of
 * value it will hold. Otherwise a kind of value first met after they were optimised (a lap's
 * enum names, an hour into a day's file) throws their code away, and it is compiled again.
 */
function warmUp(): void {
  const key = new WordText(utf8.encode(',"k":'));
  const slot = (at: number, read: number, kind: number, isFloat: boolean, invalid: number) => {
    const s = new Slot(key);
    s.at = at;
    s.read = read;
    s.kind = kind;
    s.isFloat = isFloat;
    s.invalid = invalid;
    return s;
  };
  const date = slot(0, U32, DATE, false, 0xffffffff);
  const names = slot(4, U8, INTEGER, false, 0xff);
  names.names = new EnumNames(new Map([[1, 'one']]));
  const seeded = slot(5, S8, INTEGER, false, 0x7f);
  const seeds = new AccumulatorSeeds();
  seeded.seed = seeds.slot(20, 0);
  const decimal = slot(6, U16, DECIMAL, false, 0xffff);
  decimal.scale = 100;
  decimal.power = 2;
  const cached = slot(8, S16, CACHED, false, 0x7fff);
  cached.scale = 5;
  cached.offset = 500;
  cached.cache = new NumberTextCache();
  const number = slot(10, S32, NUMBER, false, 0x7fffffff);
  const scaled = slot(14, F32, SCALED, true, 0);
  scaled.scale = 3;
  scaled.offset = 0.5;
  const float = slot(18, F64, NUMBER, true, 0);
  const stored = [date, names, seeded, decimal, cached, number, scaled, float];
  const expand = (from: number, into: number) => {
    const s = slot(0, U8, NUMBER, false, 0xffffffff);
    s.from = from;
    s.stored = into;
    s.wrap = 2 ** 16;
    s.cScale = 1000;
    s.tScale = 1000;
    s.tOffset = 0.5;
    return s;
  };
  const developer = [slot(26, U16, INTEGER, false, 0xffff)];
  const headerTime = slot(0, U32, DATE, false, 0xffffffff);
  const expanded = [expand(3, -1), expand(3, 5)];
  const plan: Plan = { head: key, stored, expanded, developer, headerTime, storedTime: 0, max: 1024 };
  // Empty lists too: an array with no element yet has a map of its own.
  const noTime: Plan = { head: key, stored, expanded: [], developer: [], headerTime, storedTime: -1, max: 1024 };
  const empty: Plan = { head: key, stored: [], expanded: [], developer: [], headerTime, storedTime: -1, max: 1024 };
  // Every number a slot holds may be fractional, or past 2^31 (a uint32's invalid value, 2^32).
  const general = slot(0, U8, NUMBER, true, 2 ** 32);
  general.scale = general.offset = general.multiplier = general.cScale = general.cOffset = general.tScale = general.tOffset = 0.5;
  general.wrap = 2 ** 32;
  const b = new Uint8Array(28);
  b.set([1, 0, 0, 0x40, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 1, 2]);
  const invalid = new Uint8Array(28).fill(0xff);
  const dv = (a: Uint8Array) => new DataView(a.buffer);
  const o = new Uint8Array(2048);
  const ov = new DataView(o.buffer);
  const vals = new Float64Array(256);
  const written: Written = { slots: new Array<Slot>(8), values: new Float64Array(8) };
  for (const w of [plan, noTime, empty]) {
    for (const bigEndian of [false, true]) for (const s of [...w.stored, ...w.developer]) s.bigEndian = bigEndian;
    for (const rec of [b, invalid]) for (const ts of [-1, 0x40100000, NO_TIME]) putRecord(w, rec, dv(rec), 0, ts, 0, o, ov, 0, vals, seeds.values, written);
  }
}

/** A key an object would not keep in insertion order (an array index) or not at all (__proto__). */
function unusualKey(k: string): boolean {
  return k === '__proto__' || (/^(0|[1-9]\d*)$/.test(k) && Number(k) < 2 ** 32 - 1);
}

const utf8 = new TextEncoder();

export class JsonLinesEncoder {
  readonly raw: RawDecoder;
  /** Records written by a plan, the rest through the Interpreter (for tests and profiling). */
  readonly counts = { planned: 0, interpreted: 0 };
  #profile: Profile;
  #expand: boolean;
  #interp: Interpreter;
  #vopts: ValueOptions;
  #onChunk: (bytes: Uint8Array) => void;
  /** Chunks handed back by recycle(), to write into again. */
  #free: Uint8Array[] = [];
  #chunkSize: number;
  #out: Uint8Array = new Uint8Array(0);
  /** A view of #out, for the words of known text. */
  #outView: DataView = new DataView(this.#out.buffer);
  #pos = 0;
  /** The plan of each local message type's current definition: undefined until its first record, null for the Interpreter. */
  #plans: (Plan | null | undefined)[] = new Array(16).fill(undefined);
  /** Plans by layout: a definition repeated (each file of a chain, each lap) is planned once. */
  #byLayout = new Map<string, Plan | null>();
  #devIds = new WeakMap<DevDescription, number>();
  #seeds = new AccumulatorSeeds();
  /** Stored values of the record at hand. */
  #vals = new Float64Array(256);
  /** Its fields written: a stored one, an expanded one and a developer one each (the header's time replaces one). */
  #written: Written = { slots: new Array<Slot>(3 * 256), values: new Float64Array(3 * 256) };
  #keys = new Map<string, WordText>();
  #enumTables = new Map<string, EnumNames | null>();
  #caches = new Map<string, NumberTextCache>();

  /**
   * `onChunk` receives the lines in chunks (full ones, and what is left after each push), and
   * owns them; it may hand them back with recycle() once written.
   */
  constructor(onChunk: (bytes: Uint8Array) => void, opts: JsonLinesOptions = {}) {
    if (!warm) {
      warmUp();
      warm = true;
    }
    this.#profile = opts.profile ?? standardProfile();
    this.#expand = opts.expandComponents ?? true;
    this.#interp = new Interpreter(this.#profile, { expandComponents: this.#expand });
    this.#vopts = { dates: 'iso', enums: true, profile: this.#profile };
    this.#onChunk = onChunk;
    this.#chunkSize = opts.chunkSize ?? 1 << 18;
    this.#use(this.#buffer(this.#chunkSize));
    this.raw = new RawDecoder(
      (f) => {
        if (f.kind === 'definition') {
          this.#interp.frame(f);
          this.#plans[f.local] = undefined;
        } else if (f.kind === 'data') {
          this.#seeds.flush(this.#interp);
          this.counts.interpreted++;
          this.#text(JSON.stringify(messageToObject(this.#interp.message(f), this.#vopts), jsonReplacer) + '\n');
        }
      },
      {
        onRecord: (def, b, dv, p, ts, offset) => {
          let w = this.#plans[def.local];
          if (w === undefined) w = this.#plans[def.local] = this.#plan(def);
          if (w === null) return false;
          if (this.#pos + w.max > this.#out.length) this.#room(w.max);
          this.#pos = putRecord(w, b, dv, p, ts, offset, this.#out, this.#outView, this.#pos, this.#vals, this.#seeds.values, this.#written);
          this.counts.planned++;
          return true;
        },
      },
    );
  }

  get diagnostics(): Diagnostic[] {
    return this.raw.diagnostics;
  }

  /** True once a problem stopped decoding. */
  get stopped(): boolean {
    return this.raw.stopped;
  }

  /** Decodes a chunk of FIT bytes; its lines are handed on before it returns. */
  push(chunk: Uint8Array): void {
    // A plain Uint8Array, as the decoder's own joined chunks are: one kind of array for V8 to see.
    this.raw.push(chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.#flush();
  }

  /** No more input: the last lines are handed on. */
  end(): void {
    this.raw.end();
    this.#flush();
  }

  /**
   * Hands back a chunk once it is written: the next lines go into it rather than into fresh
   * memory (whose first touch costs a page fault per 4 KiB).
   */
  recycle(chunk: Uint8Array): void {
    if (chunk.buffer.byteLength === this.#chunkSize && this.#free.length < 64) this.#free.push(new Uint8Array(chunk.buffer));
  }

  #buffer(n: number): Uint8Array {
    return (n === this.#chunkSize ? this.#free.pop() : undefined) ?? new Uint8Array(n);
  }

  #flush(): void {
    if (this.#pos === 0) return;
    this.#onChunk(this.#out.subarray(0, this.#pos));
    this.#use(this.#buffer(this.#chunkSize));
    this.#pos = 0;
  }

  /** At least `n` free bytes in the output buffer. */
  #room(n: number): void {
    this.#flush();
    if (n > this.#out.length) this.#use(this.#buffer(n));
  }

  #use(out: Uint8Array): void {
    this.#out = out;
    this.#outView = new DataView(out.buffer, out.byteOffset, out.byteLength);
  }

  #text(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.#pos + s.length * 3 > this.#out.length) this.#room(s.length * 3);
    this.#pos += utf8.encodeInto(s, this.#out.subarray(this.#pos)).written;
  }

  #key(name: string): WordText {
    let k = this.#keys.get(name);
    if (k === undefined) this.#keys.set(name, (k = new WordText(utf8.encode(`,${JSON.stringify(name)}:`))));
    return k;
  }

  /** Enum names of a type, filled as values are met; null when the type has none. */
  #enumNames(type: string): EnumNames | null {
    let t = this.#enumTables.get(type);
    if (t === undefined) {
      const values = this.#profile.types.get(type)?.values;
      t = values && values.size > 0 ? new EnumNames(values) : null;
      this.#enumTables.set(type, t);
    }
    return t;
  }

  /**
   * A slot writing values as messageToObject does for a field of this type, scale and offset
   * (element() in values.ts: invalid, then date, then enum name, then scaling).
   */
  #slot(name: string, bt: BaseTypeInfo, type: string, scale: number, offset: number, developer: boolean): Slot {
    const s = new Slot(this.#key(name));
    s.isFloat = bt.kind === Kind.float;
    s.invalid = s.isFloat ? 0 : Number(bt.invalid);
    if (!developer && type !== 'date_time') s.names = this.#enumNames(type);
    const decimal = offset === 0 ? decimalScale(scale) : undefined;
    if (!developer && type === 'date_time') s.kind = DATE;
    else if (scale === 1 && offset === 0) s.kind = s.isFloat ? NUMBER : INTEGER;
    else if (s.isFloat) s.kind = SCALED;
    else if (decimal) {
      s.kind = DECIMAL;
      s.power = decimal.power;
      s.multiplier = decimal.multiplier;
    } else {
      s.kind = CACHED;
      const key = `${scale}/${offset}`;
      let c = this.#caches.get(key);
      if (c === undefined) this.#caches.set(key, (c = new NumberTextCache()));
      s.cache = c;
    }
    s.scale = scale;
    s.offset = offset;
    return s;
  }

  #plan(def: DefinitionFrame): Plan | null {
    const bound = this.#interp.devBinding(def);
    let layout = `${def.globalNum} ${def.architecture} ${def.fields.map((f) => `${f.num}:${f.size}:${f.type}`).join(',')}`;
    if (def.devFields.length > 0) {
      layout += ` ${def.devFields.map((d, i) => `${d.num}:${d.size}:${d.devIndex}:${this.#devId(bound[i])}`).join(',')}`;
    }
    let plan = this.#byLayout.get(layout);
    if (plan === undefined) {
      plan = this.#makePlan(def, bound);
      if (this.#byLayout.size >= 4096) this.#byLayout.clear();
      this.#byLayout.set(layout, plan);
    }
    return plan;
  }

  #devId(desc: DevDescription | undefined): number {
    if (!desc) return -1;
    let id = this.#devIds.get(desc);
    if (id === undefined) this.#devIds.set(desc, (id = nextDevId++));
    return id;
  }

  /**
   * A plan for definitions whose fields are single numeric elements, or null when their records
   * need the Interpreter: the cases below are the ones a plan reproduces exactly.
   */
  #makePlan(def: DefinitionFrame, bound: readonly (DevDescription | undefined)[]): Plan | null {
    const mdef = this.#profile.message(def.globalNum);
    // developer_data_id and field_description feed the Interpreter's state: never bypass it.
    if (!mdef || def.globalNum === 206 || def.globalNum === 207) return null;
    let max = 0;
    const add = (s: Slot, extra = 0) => {
      max += s.key.length + VALUE_MAX + extra;
      return s;
    };
    const longest = (s: Slot) => s.names?.max ?? 0;
    const names = new Set<string>();
    const at = new Map<number, number>();
    const stored: Slot[] = [];
    const storedTypes: BaseTypeInfo[] = [];
    const storedDefs: (FieldDef | undefined)[] = [];
    let o = 0;
    for (const fd of def.fields) {
      // A field listed twice is merged by the Interpreter.
      if (at.has(fd.num)) return null;
      const pdef = mdef.fields.get(fd.num);
      const declared = fd.baseType;
      if (!declared || fd.size !== declared.size || declared.kind === Kind.string) return null;
      if (pdef && (pdef.subfields.length > 0 || pdef.array || pdef.baseType.kind === Kind.string)) return null;
      const bt = compiledReadType(declared, pdef?.baseType);
      const code = bt && readCode(bt);
      if (bt === undefined || code === undefined) return null;
      const name = pdef ? pdef.name : `unknown_${fd.num}`;
      if (names.has(name) || unusualKey(name)) return null;
      names.add(name);
      const s = pdef ? this.#slot(name, bt, pdef.type, pdef.scale, pdef.offset, false) : this.#slot(name, bt, '', 1, 0, false);
      add(s, longest(s));
      s.at = o;
      s.read = code;
      s.bigEndian = def.bigEndian;
      if (pdef?.accumulate) s.seed = this.#seeds.slot(mdef.num, fd.num);
      at.set(fd.num, stored.length);
      stored.push(s);
      storedTypes.push(bt);
      storedDefs.push(pdef);
      o += fd.size;
    }

    // A compressed-timestamp header's time comes first; a stored timestamp, valid, is its value.
    const timeDef = mdef.fields.get(253);
    const timeName = timeDef?.name ?? 'unknown_253';
    const storedTime = at.get(253) ?? -1;
    if (storedTime < 0) {
      if (names.has(timeName)) return null;
      names.add(timeName);
    }
    const headerTime = this.#slot(timeName, BASE_TYPE_BY_NAME.uint32, timeDef?.type ?? '', 1, 0, false);
    add(headerTime, longest(headerTime));

    const expanded: Slot[] = [];
    if (this.#expand) {
      const targets = new Set<number>();
      for (let i = 0; i < stored.length; i++) {
        const comps = storedDefs[i]?.components;
        if (!comps || comps.length === 0) continue;
        const bt = storedTypes[i];
        const c = comps[0];
        const target = mdef.fields.get(c.fieldNum);
        // Only the one-to-one case (speed → enhanced_speed); anything else needs the Interpreter.
        if (comps.length !== 1 || c.accumulate || c.bits !== bt.size * 8 || bt.kind === Kind.float || !target) return null;
        if (target.components.length > 0 || target.subfields.length > 0 || target.array) return null;
        if (target.baseType.kind !== Kind.uint && target.baseType.kind !== Kind.sint) return null;
        // Two expansions into one field make an array; an expanded timestamp meets the header's.
        if (targets.has(target.num) || target.num === 253) return null;
        targets.add(target.num);
        const s = this.#slot(target.name, target.baseType, target.type, target.scale, target.offset, false);
        // An expanded value is computed, not read: it may be past 32 bits.
        if (s.kind === INTEGER) s.kind = NUMBER;
        add(s, longest(s));
        s.from = i;
        s.wrap = 2 ** (bt.size * 8);
        s.cScale = c.scale;
        s.cOffset = c.offset;
        s.tScale = target.scale;
        s.tOffset = target.offset;
        const into = at.get(target.num);
        if (into !== undefined) {
          // A valid stored target at least as wide keeps its value; a narrower one would not.
          if (storedTypes[into].size < target.baseType.size) return null;
          s.stored = into;
        } else {
          if (names.has(target.name) || unusualKey(target.name)) return null;
          names.add(target.name);
        }
        expanded.push(s);
      }
    }

    // Developer fields: bound to their descriptions when the definition was read.
    const developer: Slot[] = [];
    const devNames = new Set<string>();
    for (const [i, dd] of def.devFields.entries()) {
      const desc = bound[i];
      const code = desc && dd.size === desc.baseType.size ? readCode(desc.baseType) : undefined;
      if (!desc || code === undefined) return null;
      const name = desc.name ?? `developer_${dd.devIndex}_${dd.num}`;
      if (devNames.has(name) || unusualKey(name)) return null;
      devNames.add(name);
      const s = add(this.#slot(name, desc.baseType, desc.baseType.name, desc.scale, desc.offset, true));
      s.at = o;
      s.read = code;
      s.bigEndian = def.bigEndian;
      developer.push(s);
      o += dd.size;
    }

    const head = new WordText(utf8.encode(`{"name":${JSON.stringify(mdef.name)},"num":${def.globalNum},"offset":`));
    max += head.length + VALUE_MAX + FIELDS.length + DEVELOPER.length + 8;
    return { head, stored, expanded, developer, headerTime, storedTime, max };
  }
}

/** Whether warmUp() ran. */
let warm = false;

/** Ids of developer field descriptions, for plan layouts (the same description, the same plan). */
let nextDevId = 0;
