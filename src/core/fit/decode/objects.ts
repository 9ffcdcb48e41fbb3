/**
 * Decoding straight to plain objects (`{name, num, offset, fields}` with scaled values, dates,
 * enum names), the fastest interpreted path. For each definition whose fields are all plain
 * numbers, a reader is compiled once (generated JS, numeric constants only) that goes from the
 * record's bytes to the object with no intermediate values. Records with anything richer
 * (strings, arrays, subfields, multi-part or accumulating components, developer fields) go
 * through the Interpreter and `messageToObject`, so both paths give the same objects.
 */
import { Kind } from '../proto/base-types.js';
import type { Profile } from '../profile/profile.js';
import { standardProfile } from '../profile/profile.js';
import { snakeName } from '../profile/names.js';
import type { FieldDef } from '../profile/types.js';
import { FIT_EPOCH_S, FIT_MAX_DATE, FIT_MIN_ABSOLUTE } from '../kit/time.js';
import type { DefinitionFrame } from './frames.js';
import { Interpreter } from './interpret.js';
import { RawDecoder } from './raw.js';
import { AccumulatorSeeds, compiledReadType, readExpr, scaled } from './codegen.js';
import { messageToObject, type MessageObject, type ValueOptions } from './values.js';
import type { Diagnostic } from '../../errors.js';

export interface ObjectDecodeOptions {
  profile?: Profile;
  /** `date` (default), `iso` or `raw`, as in messageToObject. */
  dates?: ValueOptions['dates'];
  /** Enum values as names (default true). */
  enums?: boolean;
  expandComponents?: boolean;
  /**
   * Only these fields of the messages named (a list of names, or a test of a name; developer
   * fields included); other messages come whole. A pass that needs three fields of every record
   * skips scaling and storing the rest.
   */
  only?: Readonly<Record<string, readonly string[] | ((field: string) => boolean)>>;
  /** Check CRCs (default true); see RawDecoderOptions.crc. */
  crc?: boolean;
}

/** A compiled reader with the constants of the definition it was compiled for. */
interface Reader {
  fn: CompiledReader;
  consts: unknown[];
}
/** Latest raw value of each accumulating field a compiled reader saw, by slot; undefined once handed on. */
type Seeds = (number | undefined)[];
type CompiledReader = (b: Uint8Array, dv: DataView, p: number, ts: number, offset: number, c: unknown[], s: Seeds) => MessageObject;

/**
 * Compiled readers by source, shared by every decoder in the process: the same definition in the
 * next file reuses the function V8 has already optimised (and its allocation feedback), instead of
 * starting again from the interpreter. Bounded: a process decoding endless novel definitions
 * (developer fields) starts over rather than growing.
 */
const compiled = new Map<string, CompiledReader>();
const MAX_COMPILED = 1024;

function compile(src: string): CompiledReader {
  let fn = compiled.get(src);
  if (fn === undefined) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    fn = new Function('b', 'dv', 'p', 'ts', 'offset', 'c', 's', src) as CompiledReader;
    compiled.set(src, fn);
  }
  return fn;
}

/**
 * A FIT time expression as Date, ISO text, or left as seconds below 0x10000000 (device time)
 * and past Date's range (a date_time stored as float64), as values.ts does (isFitDate).
 */
function dateExpr(v: string, dates: 'date' | 'iso'): string {
  const d = `new Date((${v} + ${FIT_EPOCH_S}) * 1000)`;
  return `(${v} >= ${FIT_MIN_ABSOLUTE} && ${v} <= ${FIT_MAX_DATE} ? ${dates === 'iso' ? d + '.toISOString()' : d} : ${v})`;
}

export class ObjectDecoder {
  #profile: Profile;
  #opts: ObjectDecodeOptions;
  #interp: Interpreter;
  /** The reader for each local message type's current definition: undefined until its first record. */
  #readers: (Reader | null | undefined)[] = new Array(16).fill(undefined);
  #enumTables = new Map<string, (string | undefined)[]>();
  #seeds = new AccumulatorSeeds();
  #only = new Map<string, (field: string) => boolean>();
  readonly raw: RawDecoder;

  constructor(onMessage: (m: MessageObject) => void, opts: ObjectDecodeOptions = {}) {
    this.#profile = opts.profile ?? standardProfile();
    this.#opts = opts;
    this.#interp = new Interpreter(this.#profile, opts);
    const vopts: ValueOptions = { dates: opts.dates ?? 'date', enums: opts.enums ?? true, profile: this.#profile };
    for (const [name, fields] of Object.entries(opts.only ?? {})) {
      const set = typeof fields === 'function' ? undefined : new Set(fields);
      this.#only.set(name, set ? (f) => set.has(f) : (fields as (field: string) => boolean));
    }
    this.raw = new RawDecoder(
      (f) => {
        if (f.kind === 'definition') {
          this.#interp.frame(f);
          this.#readers[f.local] = undefined;
        } else if (f.kind === 'data') {
          this.#seeds.flush(this.#interp);
          const m = messageToObject(this.#interp.message(f), vopts);
          const keep = this.#only.get(m.name);
          onMessage(keep ? onlyFields(m, keep) : m);
        }
      },
      {
        crc: opts.crc,
        onRecord: (def, b, dv, p, ts, offset) => {
          let reader = this.#readers[def.local];
          if (reader === undefined) reader = this.#readers[def.local] = this.#compile(def);
          if (reader === null) return false;
          onMessage(reader.fn(b, dv, p, ts, offset, reader.consts, this.#seeds.values));
          return true;
        },
      },
    );
  }

  #enumTable(type: string): (string | undefined)[] | undefined {
    if (!(this.#opts.enums ?? true)) return undefined;
    let t = this.#enumTables.get(type);
    if (t === undefined) {
      const values = this.#profile.types.get(type)?.values;
      if (!values || type === 'date_time' || type === 'local_date_time') return undefined;
      t = [];
      for (const [k, v] of values) if (k >= 0 && k < 0x10000) t[k] = snakeName(v);
      this.#enumTables.set(type, t);
    }
    return t;
  }

  /** A reader for definitions of plain numeric fields; null when the record needs the Interpreter. */
  #compile(def: DefinitionFrame): Reader | null {
    const mdef = this.#profile.message(def.globalNum);
    // developer_data_id and field_description feed the Interpreter's state: never bypass it.
    if (!mdef || def.globalNum === 206 || def.globalNum === 207) return null;
    const expand = this.#opts.expandComponents ?? true;
    const dates = this.#opts.dates ?? 'date';
    const consts: unknown[] = [];
    const constRef = (v: unknown) => `c[${consts.push(v) - 1}]`;
    const present = new Map(def.fields.map((f, i) => [f.num, i]));
    const reads: string[] = [];
    // `key`: the field's name; `name`: the same as a JS string literal.
    const natives: { key: string; name: string; valid: string; value: string }[] = [];
    const expanded: { key: string; name: string; valid: string; value: string; stored?: number }[] = [];
    const validity: string[] = [];
    const seeds: string[] = [];
    let o = 0;
    for (const [i, fd] of def.fields.entries()) {
      const pdef: FieldDef | undefined = mdef.fields.get(fd.num);
      const declared = fd.baseType;
      if (!declared || fd.size !== declared.size) return null;
      if (pdef && (pdef.subfields.length > 0 || pdef.array || pdef.baseType.kind === Kind.string)) return null;
      const bt = compiledReadType(declared, pdef?.baseType);
      if (bt === undefined) return null;
      const read = readExpr(bt, o, def.bigEndian);
      if (read === undefined) return null;
      o += fd.size;
      const r = `r${i}`;
      reads.push(`const ${r} = ${read};`);
      const valid = bt.kind === Kind.float ? `${r} === ${r}` : `${r} !== ${Number(bt.invalid)}`;
      validity[i] = valid;
      let value = r;
      if (pdef) {
        if (pdef.scale !== 1 || pdef.offset !== 0) {
          // Hoisted: an expanded copy with the same scale (altitude → enhanced_altitude) reuses it.
          value = `v${i}`;
          reads.push(`const ${value} = ${scaled(r, pdef.scale, pdef.offset)};`);
        } else if (pdef.type === 'date_time' && dates !== 'raw') value = dateExpr(r, dates);
        else {
          const table = this.#enumTable(pdef.type);
          if (table) value = `(${constRef(table)}[${r}] ?? ${r})`;
        }
      }
      const key = pdef ? pdef.name : `unknown_${fd.num}`;
      natives.push({ key, name: JSON.stringify(key), valid, value });
      if (pdef?.accumulate) {
        const slot = this.#seeds.slot(mdef.num, fd.num);
        seeds.push(`if (${valid}) s[${slot}] = ${r};`);
      }
      if (pdef && expand && pdef.components.length > 0) {
        const comps = pdef.components;
        const c = comps[0];
        const target = mdef.fields.get(c.fieldNum);
        // Only the one-to-one case (speed → enhanced_speed); anything else needs the Interpreter.
        if (comps.length !== 1 || c.accumulate || c.bits !== bt.size * 8 || !target) return null;
        if (target.components.length > 0 || target.baseType.kind === Kind.float || target.subfields.length > 0) return null;
        // A same-scale copy is the native value itself; otherwise rescale through the target's raw units.
        const same = c.scale === target.scale && c.offset === target.offset;
        const copy = same && pdef.scale === c.scale && pdef.offset === c.offset ? value : undefined;
        const raw = same ? r : `Math.round((${scaled(r, c.scale, c.offset)} + ${target.offset}) * ${target.scale})`;
        // A valid stored target keeps its own value; an invalid one is replaced by the expansion.
        const stored = present.get(c.fieldNum);
        expanded.push({ key: target.name, name: JSON.stringify(target.name), valid, value: copy ?? scaled(raw, target.scale, target.offset), stored });
      }
    }
    // Developer fields: bound to their descriptions when the definition was read.
    const bound = this.#interp.devBinding(def);
    const keep = this.#only.get(mdef.name);
    const kept = (key: string) => !keep || keep(key);
    const devLines: string[] = [];
    for (const [i, dd] of def.devFields.entries()) {
      const desc = bound[i];
      if (!desc || dd.size !== desc.baseType.size || desc.baseType.kind === Kind.string) return null;
      const read = readExpr(desc.baseType, o, def.bigEndian);
      if (read === undefined) return null;
      o += dd.size;
      const r = `d${i}`;
      const valid = desc.baseType.kind === Kind.float ? `${r} === ${r}` : `${r} !== ${Number(desc.baseType.invalid)}`;
      const value = scaled(r, desc.scale, desc.offset);
      const key = desc.name ?? `developer_${dd.devIndex}_${dd.num}`;
      if (kept(key)) devLines.push(`const ${r} = ${read}; if (${valid}) (dev ??= {})[${JSON.stringify(key)}] = ${value};`);
    }
    for (const x of expanded) if (x.stored !== undefined) x.valid = `${x.valid} && !(${validity[x.stored]})`;
    // Fields left out are still read (an expansion may need them) but never scaled or stored.
    const keptNatives = natives.filter((x) => kept(x.key));
    const keptExpanded = expanded.filter((x) => kept(x.key));
    // Expanded fields follow the stored ones, as in the Interpreter's field order.
    const all = [...keptNatives, ...keptExpanded];
    const tsDef = mdef.fields.get(253);
    const tsKey = tsDef?.name ?? 'unknown_253';
    const tsValue = tsDef && dates !== 'raw' ? dateExpr('ts', dates) : 'ts';
    // Most records hold only valid values: one object literal gives them one shape, cheaply.
    const allValid = natives.map((n) => n.valid).join(' && ') || 'true';
    const src = `
  ${reads.join('\n  ')}
  ${seeds.join('\n  ')}
  let f;
  if (ts < 0 && ${allValid}) {
    f = { ${[...keptNatives, ...keptExpanded.filter((x) => x.stored === undefined)].map((x) => `${x.name}: ${x.value}`).join(', ')} };
  } else {
    f = {};
    ${kept(tsKey) ? `if (ts >= 0) f[${JSON.stringify(tsKey)}] = ${tsValue};` : ''}
    ${all.map((x) => `if (${x.valid}) f[${x.name}] = ${x.value};`).join('\n    ')}
  }
  const m = { name: ${JSON.stringify(mdef.name)}, num: ${mdef.num}, offset, fields: f };
  ${devLines.length ? `let dev;\n  ${devLines.join('\n  ')}\n  if (dev) m.developer = dev;` : ''}
  return m;`;
    return { fn: compile(src), consts };
  }
}

/** `m` with only the fields (and developer fields) `keep` accepts. */
function onlyFields(m: MessageObject, keep: (field: string) => boolean): MessageObject {
  const pick = (from: MessageObject['fields']) => {
    const to: MessageObject['fields'] = {};
    for (const k in from) if (keep(k)) to[k] = from[k];
    return to;
  };
  const out: MessageObject = { ...m, fields: pick(m.fields) };
  if (m.developer) {
    const dev = pick(m.developer);
    if (Object.keys(dev).length > 0) out.developer = dev;
    else delete out.developer;
  }
  return out;
}

export interface ObjectDecodeResult {
  messages: MessageObject[];
  diagnostics: Diagnostic[];
  complete: boolean;
}

/** Decodes a whole buffer into plain message objects. */
export function decodeFitObjects(bytes: Uint8Array, opts: ObjectDecodeOptions = {}): ObjectDecodeResult {
  const messages: MessageObject[] = [];
  const d = new ObjectDecoder((m) => messages.push(m), opts);
  d.raw.push(bytes);
  d.raw.end();
  return { messages, diagnostics: d.raw.diagnostics, complete: !d.raw.stopped };
}

/** Decodes chunks as they arrive into plain objects, handed to `onMessage` and not kept. */
export async function decodeFitObjectsStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onMessage: (m: MessageObject) => void,
  opts: ObjectDecodeOptions = {},
): Promise<{ messages: number; diagnostics: Diagnostic[]; complete: boolean }> {
  const d = new ObjectDecoder(onMessage, opts);
  for await (const chunk of source) {
    d.raw.push(chunk);
    if (d.raw.stopped) break;
  }
  d.raw.end();
  return { messages: d.raw.counts.messages, diagnostics: d.raw.diagnostics, complete: !d.raw.stopped };
}
