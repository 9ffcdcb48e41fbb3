/**
 * FIT to NDJSON (`fitkit dump --json`), written as bytes: one line per message, exactly
 * `JSON.stringify(messageToObject(m, { dates: 'iso', enums: true, profile }), jsonReplacer)`.
 *
 * For each definition of plain numeric fields a writer is compiled once (generated JS) that goes
 * from the record's bytes to its JSON text in an output buffer: key prefixes as byte stores,
 * integers as digits, enum names and scaled values from cached text, ISO dates from a cache of
 * the current day. Records with anything richer (strings, arrays, subfields, multi-part or
 * accumulating components, unbound developer fields), and the messages that feed the
 * Interpreter's state, go through the Interpreter, messageToObject and JSON.stringify: the
 * reference the compiled writers must equal byte for byte (test/core/formats/json-lines.test.ts).
 */
import type { Diagnostic } from '../errors.js';
import { BASE_TYPE_BY_NAME, Kind, type BaseTypeInfo } from '../fit/proto/base-types.js';
import { standardProfile, type Profile } from '../fit/profile/profile.js';
import { snakeName } from '../fit/profile/names.js';
import type { FieldDef } from '../fit/profile/types.js';
import { FIT_EPOCH_S, FIT_MAX_DATE, FIT_MIN_ABSOLUTE } from '../fit/kit/time.js';
import type { DefinitionFrame } from '../fit/decode/frames.js';
import { Interpreter } from '../fit/decode/interpret.js';
import { RawDecoder } from '../fit/decode/raw.js';
import { AccumulatorSeeds, compiledReadType, readExpr, scaled } from '../fit/decode/codegen.js';
import { jsonReplacer, messageToObject, type ValueOptions } from '../fit/decode/values.js';

export interface JsonLinesOptions {
  profile?: Profile;
  /** Expand components (default true; false is FitCSVTool's -re). */
  expandComponents?: boolean;
  /** Size of the chunks handed on (default 1 MiB); a line longer than that gets a chunk of its own. */
  chunkSize?: number;
  /** Allocates an output chunk (default a zeroed Uint8Array; Node callers may pass Buffer.allocUnsafe). */
  alloc?: (size: number) => Uint8Array;
}

// ---- What the compiled writers call: each writes at o[q] and returns the position after. ----

/** A non-negative integer below 2^32, as decimal digits. */
function uint(o: Uint8Array, q: number, v: number): number {
  if (v < 10) {
    o[q] = 48 + v;
    return q + 1;
  }
  const n = v < 100 ? 2 : v < 1e3 ? 3 : v < 1e4 ? 4 : v < 1e5 ? 5 : v < 1e6 ? 6 : v < 1e7 ? 7 : v < 1e8 ? 8 : v < 1e9 ? 9 : 10;
  let e = q + n;
  do {
    const d = (v / 10) >>> 0;
    o[--e] = 48 + v - d * 10;
    v = d;
  } while (v > 0);
  return q + n;
}

/** Text of only ASCII characters (number text). */
function ascii(o: Uint8Array, q: number, s: string): number {
  for (let i = 0; i < s.length; i++) o[q + i] = s.charCodeAt(i);
  return q + s.length;
}

/** Bytes known in advance (enum names as JSON text). */
function bytes(o: Uint8Array, q: number, a: Uint8Array): number {
  for (let i = 0; i < a.length; i++) o[q + i] = a[i];
  return q + a.length;
}

/** A number as JSON.stringify writes it (null when not finite). */
function num(o: Uint8Array, q: number, v: number): number {
  if (Math.floor(v) === v && v < 4294967296 && v > -4294967296) {
    if (v >= 0) return uint(o, q, v);
    o[q] = 45;
    return uint(o, q + 1, -v);
  }
  return ascii(o, q, numberText(v));
}

function numberText(v: number): string {
  return Number.isFinite(v) ? String(v) : 'null';
}

/**
 * Number text by the value's raw integer, for scaled fields: a slowly changing value (altitude,
 * speed) is formatted once. Direct-mapped on the low bits; keyed by the raw value, so exact.
 */
class TextCache {
  readonly keys = new Float64Array(CACHE_SIZE).fill(NaN);
  readonly texts: string[] = new Array<string>(CACHE_SIZE).fill('');
}
const CACHE_SIZE = 4096;

function cached(o: Uint8Array, q: number, k: Float64Array, t: string[], r: number, v: number): number {
  const i = r & (CACHE_SIZE - 1);
  if (k[i] === r) return ascii(o, q, t[i]);
  const s = numberText(v);
  k[i] = r;
  t[i] = s;
  return ascii(o, q, s);
}

/** The day whose `"YYYY-MM-DDT` is in isoDayText (FIT writes hours of records within a day). */
let isoDay = NaN;
let isoDayText = new Uint8Array(0);
const MS_PER_DAY = 86_400_000;

/**
 * A date_time value as messageToObject gives it under JSON: ISO text with milliseconds when it is
 * a date (isFitDate), otherwise the number (device time).
 */
function date(o: Uint8Array, q: number, t: number): number {
  if (!(t >= FIT_MIN_ABSOLUTE && t <= FIT_MAX_DATE)) return num(o, q, t);
  const u = t + FIT_EPOCH_S;
  if (Math.floor(u) !== u) return quoted(o, q, new Date(u * 1000).toISOString());
  const day = Math.floor(u / 86400);
  if (day !== isoDay) {
    const iso = new Date(day * MS_PER_DAY).toISOString();
    isoDayText = new TextEncoder().encode('"' + iso.slice(0, iso.indexOf('T') + 1));
    isoDay = day;
  }
  q = bytes(o, q, isoDayText);
  let s = u - day * 86400;
  const h = (s / 3600) | 0;
  s -= h * 3600;
  const m = (s / 60) | 0;
  s -= m * 60;
  o[q] = 48 + ((h / 10) | 0);
  o[q + 1] = 48 + (h % 10);
  o[q + 2] = 58;
  o[q + 3] = 48 + ((m / 10) | 0);
  o[q + 4] = 48 + (m % 10);
  o[q + 5] = 58;
  o[q + 6] = 48 + ((s / 10) | 0);
  o[q + 7] = 48 + (s % 10);
  // .000Z"
  o[q + 8] = 46;
  o[q + 9] = 48;
  o[q + 10] = 48;
  o[q + 11] = 48;
  o[q + 12] = 90;
  o[q + 13] = 34;
  return q + 14;
}

function quoted(o: Uint8Array, q: number, s: string): number {
  o[q] = 34;
  q = ascii(o, q + 1, s);
  o[q] = 34;
  return q + 1;
}

const HELPERS = { uint, num, bytes, cached, date };

/** Longest text a value may take: a date (`"+275760-09-13T00:00:00.000Z"`) or a number (`-1.2345678901234567e-308`). */
const VALUE_MAX = 32;

// ---- Compiled writers ----

type WriterFn = (b: Uint8Array, dv: DataView, p: number, ts: number, offset: number, o: Uint8Array, q: number, c: unknown[], s: (number | undefined)[]) => number;

/** A compiled writer with the constants of its definition and the most bytes one line can take. */
interface Writer {
  fn: WriterFn;
  consts: unknown[];
  max: number;
}

/**
 * Compiled functions by source, shared by every encoder in the process (V8 keeps what it learnt
 * of them); bounded, as a stream of novel definitions would grow it forever.
 */
const compiled = new Map<string, WriterFn>();
const MAX_COMPILED = 1024;

function compile(src: string): WriterFn {
  let fn = compiled.get(src);
  if (fn === undefined) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    const factory = new Function('h', `const { uint, num, bytes, cached, date } = h;\nreturn function (b, dv, p, ts, offset, o, q, c, s) {${src}\n};`) as (h: typeof HELPERS) => WriterFn;
    fn = factory(HELPERS);
    compiled.set(src, fn);
  }
  return fn;
}

const utf8 = new TextEncoder();

/** Source that stores `text`'s UTF-8 bytes at o[q] and moves q past them. */
function literal(text: string): string {
  const b = utf8.encode(text);
  let s = '';
  for (let i = 0; i < b.length; i++) s += `o[q${i ? ' + ' + i : ''}] = ${b[i]}; `;
  return `${s}q += ${b.length};`;
}

/** A key an object would not keep in insertion order (array index) or not as a property (__proto__). */
function unusualKey(k: string): boolean {
  return k === '__proto__' || (/^(0|[1-9]\d*)$/.test(k) && Number(k) < 2 ** 32 - 1);
}

/** How messageToObject turns one element into a value, for one field. */
interface ValueSpec {
  type: string;
  bt: BaseTypeInfo;
  scale: number;
  offset: number;
  developer: boolean;
}

export class JsonLinesEncoder {
  readonly raw: RawDecoder;
  #profile: Profile;
  #expand: boolean;
  #interp: Interpreter;
  #vopts: ValueOptions;
  #onChunk: (bytes: Uint8Array) => void;
  #alloc: (size: number) => Uint8Array;
  #chunkSize: number;
  #out: Uint8Array;
  #pos = 0;
  /** The writer of each local message type's current definition: undefined until its first record, null for the Interpreter. */
  #writers: (Writer | null | undefined)[] = new Array(16).fill(undefined);
  /** Writers by source: a definition repeated (each file of a chain, each lap) is compiled once. */
  #bySource = new Map<string, Writer>();
  #seeds = new AccumulatorSeeds();
  /** Enum names as JSON bytes, by type; number text caches, by raw type, scale and offset. */
  #enumTables = new Map<string, ((Uint8Array | undefined)[] | Map<number, Uint8Array>) | null>();
  #textCaches = new Map<string, TextCache>();

  /** `onChunk` receives each full chunk (and what is left after each push), and owns it. */
  constructor(onChunk: (bytes: Uint8Array) => void, opts: JsonLinesOptions = {}) {
    this.#profile = opts.profile ?? standardProfile();
    this.#expand = opts.expandComponents ?? true;
    this.#interp = new Interpreter(this.#profile, { expandComponents: this.#expand });
    this.#vopts = { dates: 'iso', enums: true, profile: this.#profile };
    this.#onChunk = onChunk;
    this.#alloc = opts.alloc ?? ((n) => new Uint8Array(n));
    this.#chunkSize = opts.chunkSize ?? 1 << 20;
    this.#out = this.#alloc(this.#chunkSize);
    this.raw = new RawDecoder(
      (f) => {
        if (f.kind === 'definition') {
          this.#interp.frame(f);
          this.#writers[f.local] = undefined;
        } else if (f.kind === 'data') {
          this.#seeds.flush(this.#interp);
          this.#text(JSON.stringify(messageToObject(this.#interp.message(f), this.#vopts), jsonReplacer) + '\n');
        }
      },
      {
        onRecord: (def, b, dv, p, ts, offset) => {
          let w = this.#writers[def.local];
          if (w === undefined) w = this.#writers[def.local] = this.#writer(def);
          if (w === null) return false;
          if (this.#pos + w.max > this.#out.length) this.#room(w.max);
          this.#pos = w.fn(b, dv, p, ts, offset, this.#out, this.#pos, w.consts, this.#seeds.values);
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
    this.raw.push(chunk);
    this.#flush();
  }

  /** No more input: the last lines are handed on. */
  end(): void {
    this.raw.end();
    this.#flush();
  }

  #flush(): void {
    if (this.#pos === 0) return;
    this.#onChunk(this.#out.subarray(0, this.#pos));
    this.#out = this.#alloc(this.#chunkSize);
    this.#pos = 0;
  }

  /** At least `n` free bytes in the output buffer. */
  #room(n: number): void {
    this.#flush();
    if (n > this.#out.length) this.#out = this.#alloc(n);
  }

  #text(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.#pos + s.length * 3 > this.#out.length) this.#room(s.length * 3);
    this.#pos += utf8.encodeInto(s, this.#out.subarray(this.#pos)).written;
  }

  /** Enum names of a type as JSON bytes, indexed by value (a Map for values an array should not hold); null when the type has none. */
  #enumTable(type: string): (Uint8Array | undefined)[] | Map<number, Uint8Array> | null {
    let t = this.#enumTables.get(type);
    if (t === undefined) {
      const values = this.#profile.types.get(type)?.values;
      t = null;
      if (values && values.size > 0) {
        const text = (label: string) => utf8.encode(JSON.stringify(snakeName(label)));
        const dense = [...values.keys()].every((k) => Number.isInteger(k) && k >= 0 && k < 1 << 16);
        if (dense) {
          const a: (Uint8Array | undefined)[] = [];
          for (const [k, v] of values) a[k] = text(v);
          t = a;
        } else t = new Map([...values].map(([k, v]) => [k, text(v)]));
      }
      this.#enumTables.set(type, t);
    }
    return t;
  }

  #textCache(key: string): TextCache {
    let t = this.#textCaches.get(key);
    if (t === undefined) this.#textCaches.set(key, (t = new TextCache()));
    return t;
  }

  /**
   * A writer for definitions whose fields are single numeric elements, or null when records of
   * this definition need the Interpreter. The generated code follows messageToObject's order of
   * fields (header timestamp, stored fields, expanded ones) and its rules for each value.
   */
  #writer(def: DefinitionFrame): Writer | null {
    const mdef = this.#profile.message(def.globalNum);
    // developer_data_id and field_description feed the Interpreter's state: never bypass it.
    if (!mdef || def.globalNum === 206 || def.globalNum === 207) return null;
    const consts: unknown[] = [];
    // Constants are named by what they are, in the source: the same source means the same constants.
    const constNames: string[] = [];
    const constRef = (name: string, make: () => unknown) => {
      let i = constNames.indexOf(name);
      if (i < 0) {
        i = constNames.push(name) - 1;
        consts.push(make());
      }
      return `c[${i}]`;
    };
    let max = 0;
    /** Source writing the (valid) element `r` as messageToObject's value of a field like `v`. */
    const value = (r: string, v: ValueSpec): string => {
      max += VALUE_MAX;
      if (v.type === 'date_time' && !v.developer) return `q = date(o, q, ${r});`;
      const numeric = () => {
        if (v.scale === 1 && v.offset === 0) return `q = num(o, q, ${r});`;
        const expr = scaled(r, v.scale, v.offset);
        if (v.bt.kind === Kind.float) return `q = num(o, q, ${expr});`;
        const cache = `${v.scale}:${v.offset}`;
        const ck = constRef(`keys ${cache}`, () => this.#textCache(cache).keys);
        const ct = constRef(`texts ${cache}`, () => this.#textCache(cache).texts);
        return `q = cached(o, q, ${ck}, ${ct}, ${r}, ${expr});`;
      };
      const table = v.developer ? null : this.#enumTable(v.type);
      if (!table) return numeric();
      const longest = Math.max(0, ...[...(table instanceof Map ? table.values() : table)].map((x) => x?.length ?? 0));
      max += longest;
      const t = constRef(`enum ${v.type}`, () => table);
      const get = table instanceof Map ? `${t}.get(${r})` : `${t}[${r}]`;
      return `{ const e = ${get}; if (e !== undefined) q = bytes(o, q, e); else { ${numeric()} } }`;
    };
    const key = (name: string) => {
      max += utf8.encode(JSON.stringify(name)).length + 2;
      return literal(`,${JSON.stringify(name)}:`);
    };

    const reads: string[] = [];
    const seeds: string[] = [];
    const names = new Set<string>();
    const present = new Map<number, number>();
    // Per stored field: its read variable, validity test and read type.
    const stored: { r: string; valid: string; bt: BaseTypeInfo; pdef: FieldDef | undefined; name: string }[] = [];
    let o = 0;
    for (const [i, fd] of def.fields.entries()) {
      if (present.has(fd.num)) return null; // merged by the Interpreter
      present.set(fd.num, i);
      const pdef = mdef.fields.get(fd.num);
      const declared = fd.baseType;
      if (!declared || fd.size !== declared.size || declared.kind === Kind.string) return null;
      if (pdef && (pdef.subfields.length > 0 || pdef.array || pdef.baseType.kind === Kind.string)) return null;
      const bt = compiledReadType(declared, pdef?.baseType);
      if (bt === undefined) return null;
      const read = readExpr(bt, o, def.bigEndian);
      if (read === undefined) return null;
      o += fd.size;
      const r = `r${i}`;
      reads.push(`const ${r} = ${read};`);
      const valid = bt.kind === Kind.float ? `${r} === ${r}` : `${r} !== ${Number(bt.invalid)}`;
      const name = pdef ? pdef.name : `unknown_${fd.num}`;
      if (names.has(name) || unusualKey(name)) return null;
      names.add(name);
      stored.push({ r, valid, bt, pdef, name });
      if (pdef?.accumulate) seeds.push(`if (${valid}) s[${this.#seeds.slot(mdef.num, fd.num)}] = ${r};`);
    }

    const body: string[] = [];
    // A compressed-timestamp header's time comes first (when valid); a stored timestamp, valid, is its value.
    const tsDef = mdef.fields.get(253);
    const tsName = tsDef?.name ?? 'unknown_253';
    const tsStored = present.has(253) ? stored[present.get(253)!] : undefined;
    if (!tsStored) {
      if (names.has(tsName)) return null;
      names.add(tsName);
    }
    const tsSpec: ValueSpec = { type: tsDef?.type ?? '', bt: BASE_TYPE_BY_NAME.uint32, scale: 1, offset: 0, developer: false };
    const tsHeader = `${key(tsName)} ${value('ts', tsSpec)}`;
    const hasTs = `(ts >= 0 && ts !== ${0xffffffff})`;
    body.push(tsStored ? `if (${hasTs}) { if (${tsStored.valid}) { ${key(tsName)} ${value(tsStored.r, spec(tsStored.pdef, tsStored.bt))} } else { ${tsHeader} } }` : `if (${hasTs}) { ${tsHeader} }`);
    for (const f of stored) {
      const cond = f === tsStored ? `!${hasTs} && ${f.valid}` : f.valid;
      body.push(`if (${cond}) { ${key(f.name)} ${value(f.r, spec(f.pdef, f.bt))} }`);
    }

    if (this.#expand) {
      const targets = new Set<number>();
      for (const f of stored) {
        const comps = f.pdef?.components;
        if (!comps || comps.length === 0) continue;
        const c = comps[0];
        const target = mdef.fields.get(c.fieldNum);
        // Only the one-to-one case (speed → enhanced_speed); anything else needs the Interpreter.
        if (comps.length !== 1 || c.accumulate || c.bits !== f.bt.size * 8 || !target || f.bt.kind === Kind.float) return null;
        if (target.components.length > 0 || target.subfields.length > 0 || target.array || target.baseType.kind === Kind.float || target.baseType.kind === Kind.string) return null;
        if (target.baseType.kind !== Kind.uint && target.baseType.kind !== Kind.sint) return null;
        // Two expansions into one field make an array; an expanded timestamp meets the header's.
        if (targets.has(target.num) || target.num === 253) return null;
        targets.add(target.num);
        // The component's bits: a negative value is its two's complement (readBits).
        const bits = f.bt.kind === Kind.sint ? `(${f.r} < 0 ? ${f.r} + ${2 ** (f.bt.size * 8)} : ${f.r})` : f.r;
        // As the Interpreter computes the expanded raw value, constant for constant.
        const x = `x${stored.indexOf(f)}`;
        const expr = `Math.round((${bits} / ${c.scale} - ${c.offset} + ${target.offset}) * ${target.scale})`;
        const t = present.get(target.num);
        let cond = `${f.valid} && ${x} !== ${Number(target.baseType.invalid)}`;
        if (t !== undefined) {
          // A valid stored target at least as wide keeps its value; an invalid one gives way.
          const st = stored[t];
          if (st.bt.size < target.baseType.size) return null;
          cond += ` && !(${st.valid})`;
        } else {
          if (names.has(target.name) || unusualKey(target.name)) return null;
          names.add(target.name);
        }
        body.push(
          `{ const ${x} = ${expr}; if (${cond}) { ${key(target.name)} ${value(x, { type: target.type, bt: target.baseType, scale: target.scale, offset: target.offset, developer: false })} } }`,
        );
      }
    }

    // Developer fields: bound to their descriptions when the definition was read.
    const bound = this.#interp.devBinding(def);
    const devBody: string[] = [];
    const devNames = new Set<string>();
    for (const [i, dd] of def.devFields.entries()) {
      const desc = bound[i];
      if (!desc || dd.size !== desc.baseType.size || desc.baseType.kind === Kind.string) return null;
      const read = readExpr(desc.baseType, o, def.bigEndian);
      if (read === undefined) return null;
      o += dd.size;
      const name = desc.name ?? `developer_${dd.devIndex}_${dd.num}`;
      if (devNames.has(name) || unusualKey(name)) return null;
      devNames.add(name);
      const r = `d${i}`;
      const valid = desc.baseType.kind === Kind.float ? `${r} === ${r}` : `${r} !== ${Number(desc.baseType.invalid)}`;
      devBody.push(`{ const ${r} = ${read}; if (${valid}) { ${key(name)} ${value(r, { type: desc.baseType.name, bt: desc.baseType, scale: desc.scale, offset: desc.offset, developer: true })} } }`);
    }

    const head = literal(`{"name":${JSON.stringify(mdef.name)},"num":${def.globalNum},"offset":`);
    max += utf8.encode(head).length + 24 + 32;
    // Each field writes `,"key":value`; the first comma becomes the object's `{` (an empty object: `{}`).
    const src = `
  ${reads.join('\n  ')}
  ${seeds.join('\n  ')}
  ${head}
  q = num(o, q, offset);
  ${literal(',"fields":')}
  const f0 = q;
  ${body.join('\n  ')}
  if (q === f0) o[q++] = 123; else o[f0] = 123;
  o[q++] = 125;
  ${
    devBody.length
      ? `const dq0 = q;
  q += 13;
  const dq1 = q;
  ${devBody.join('\n  ')}
  if (q === dq1) q = dq0; else { const e = q; q = dq0; ${literal(',"developer":')} o[dq1] = 123; q = e; o[q++] = 125; }`
      : ''
  }
  o[q] = 125; o[q + 1] = 10;
  return q + 2;
  /* ${constNames.join('; ').replace(/\*\//g, '* /')} */`;
    max += 16;
    const known = this.#bySource.get(src);
    if (known) return known;
    const w: Writer = { fn: compile(src), consts, max };
    this.#bySource.set(src, w);
    return w;
  }
}

function spec(pdef: FieldDef | undefined, bt: BaseTypeInfo): ValueSpec {
  return pdef ? { type: pdef.type, bt, scale: pdef.scale, offset: pdef.offset, developer: false } : { type: '', bt, scale: 1, offset: 0, developer: false };
}
