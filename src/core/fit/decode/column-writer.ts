/**
 * Compiled column writers: for a definition whose fields are all plain numbers, generated code
 * that reads each field from the record's bytes and stores it, scaled, straight into its column
 * (`a[k][row]`), with no value or message object in between. The rules are the object decoder's
 * compiled readers' (objects.ts): the same reads, validity tests, scaling, one-to-one component
 * expansion and accumulator seeds, so both fast paths agree with the Interpreter. Anything richer
 * returns null and goes through the Interpreter.
 */
import { Kind, type BaseTypeInfo } from '../proto/base-types.js';
import type { Profile } from '../profile/profile.js';
import type { FieldDef } from '../profile/types.js';
import type { DefinitionFrame } from './frames.js';
import type { Interpreter } from './interpret.js';
import type { MessageTable } from './column-table.js';
import { compiledReadType, readExpr, scaled } from './codegen.js';

/** Latest raw value of each accumulating field a writer saw, by slot; undefined once handed on. */
export type Seeds = (number | undefined)[];
/**
 * Writes the record at `p` and the records of the same definition that follow it up to `limit`
 * (RawDecoderOptions.onRecord); returns how many it wrote.
 */
export type ColumnWriter = (b: Uint8Array, dv: DataView, p: number, ts: number, offset: number, t: MessageTable, s: Seeds, cov: Uint8Array, limit: number) => number;
/** A compiled writer and the columns it sets on every row. */
export interface Writer {
  fn: ColumnWriter;
  cov: Uint8Array;
}

/** Writers by source, shared by every decoder in the process (V8 keeps their optimised code); bounded. */
const compiled = new Map<string, ColumnWriter>();
const MAX_COMPILED = 1024;

function compile(src: string): ColumnWriter {
  let fn = compiled.get(src);
  if (fn === undefined) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    fn = new Function('b', 'dv', 'p', 'ts', 'offset', 't', 's', 'cov', 'limit', src) as ColumnWriter;
    compiled.set(src, fn);
  }
  return fn;
}

const validExpr = (bt: BaseTypeInfo, r: string) => (bt.kind === Kind.float ? `${r} === ${r}` : `${r} !== ${Number(bt.invalid)}`);

/** FIT seconds → a time column's value (see TimeColumn). */
const timeExpr = (v: string) => `(${v} >= ${0x10000000} ? ${v} * 1000 + ${631065600 * 1000} : ${v})`;

export interface WriterContext {
  profile: Profile;
  interp: Interpreter;
  expand: boolean;
  /** The field (or developer field) is stored. */
  kept: (name: string) => boolean;
  /** Seed slot of an accumulating field, allocated on first use. */
  seedSlot: (mesg: number, field: number) => number;
}

interface Write {
  dev: boolean;
  name: string;
  kind: 'number' | 'time';
  type: string;
  units: string;
  valid: string;
  value: string;
  /** For an expansion: the index of the stored target field, whose valid value wins. */
  stored?: number;
}

/** A writer for `def`'s records into `t`, or null when they need the Interpreter. */
export function compileWriter(def: DefinitionFrame, t: MessageTable, cx: WriterContext): Writer | null {
  const mdef = cx.profile.message(def.globalNum);
  // developer_data_id and field_description feed the Interpreter's state: never bypass it.
  if (!mdef || def.globalNum === 206 || def.globalNum === 207) return null;
  const present = new Map(def.fields.map((f, i) => [f.num, i]));
  const reads: string[] = [];
  const seeds: string[] = [];
  const natives: Write[] = [];
  const expanded: Write[] = [];
  const validity: string[] = [];
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
    const valid = validExpr(bt, r);
    validity[i] = valid;
    let value = r;
    let kind: Write['kind'] = 'number';
    if (pdef && (pdef.scale !== 1 || pdef.offset !== 0)) {
      if (pdef.type === 'date_time') return null;
      value = `v${i}`;
      reads.push(`const ${value} = ${scaled(r, pdef.scale, pdef.offset)};`);
    } else if (pdef?.type === 'date_time') {
      kind = 'time';
      value = timeExpr(r);
    }
    natives.push({ dev: false, name: pdef ? pdef.name : `unknown_${fd.num}`, kind, type: pdef?.type ?? '', units: pdef?.units ?? '', valid, value });
    if (pdef?.accumulate) seeds.push(`if (${valid}) s[${cx.seedSlot(mdef.num, fd.num)}] = ${r};`);
    if (pdef && cx.expand && pdef.components.length > 0) {
      const comps = pdef.components;
      const c = comps[0];
      const target = mdef.fields.get(c.fieldNum);
      // Only the one-to-one case (speed → enhanced_speed); anything else needs the Interpreter.
      if (comps.length !== 1 || c.accumulate || c.bits !== bt.size * 8 || !target) return null;
      if (target.components.length > 0 || target.baseType.kind === Kind.float || target.subfields.length > 0) return null;
      if (target.type === 'date_time') return null;
      const same = c.scale === target.scale && c.offset === target.offset;
      const copy = same && pdef.scale === c.scale && pdef.offset === c.offset ? value : undefined;
      const raw = same ? r : `Math.round((${scaled(r, c.scale, c.offset)} + ${target.offset}) * ${target.scale})`;
      expanded.push({
        dev: false,
        name: target.name,
        kind: 'number',
        type: target.type,
        units: target.units,
        valid,
        value: copy ?? scaled(raw, target.scale, target.offset),
        stored: present.get(c.fieldNum),
      });
    }
  }
  // Developer fields: bound to their descriptions when the definition was read.
  const bound = cx.interp.devBinding(def);
  const devs: Write[] = [];
  for (const [i, dd] of def.devFields.entries()) {
    const desc = bound[i];
    if (!desc || dd.size !== desc.baseType.size || desc.baseType.kind === Kind.string) return null;
    const read = readExpr(desc.baseType, o, def.bigEndian);
    if (read === undefined) return null;
    o += dd.size;
    const r = `d${i}`;
    reads.push(`const ${r} = ${read};`);
    const name = desc.name ?? `developer_${dd.devIndex}_${dd.num}`;
    devs.push({ dev: true, name, kind: 'number', type: desc.baseType.name, units: desc.units ?? '', valid: validExpr(desc.baseType, r), value: scaled(r, desc.scale, desc.offset) });
  }
  for (const x of expanded) if (x.stored !== undefined) x.valid = `${x.valid} && !(${validity[x.stored]})`;

  const tsDef = mdef.fields.get(253);
  const header: Write = {
    dev: false,
    name: tsDef?.name ?? 'unknown_253',
    kind: tsDef?.type === 'date_time' ? 'time' : 'number',
    type: tsDef?.type ?? '',
    units: tsDef?.units ?? '',
    valid: 'ts >= 0',
    value: tsDef?.type === 'date_time' ? timeExpr('ts') : 'ts',
  };
  // In the Interpreter's order (header timestamp, stored, expanded, developer): a later valid value of a name wins.
  const writes = [header, ...natives, ...expanded, ...devs].filter((w) => cx.kept(w.name));
  const slots: number[] = [];
  if (!writes.every((w) => t.holds(w.dev, w.name, w.kind))) return null;
  for (const w of writes) slots.push(t.slots.get(t.scalar(w.dev, w.name, w.kind, w.type, w.units)!)!);
  // One store per column: the last valid value of its writes, else NaN (the header timestamp
  // and a stored timestamp, a stored field and its expansion, share a column).
  const cov = new Uint8Array(t.arrays.length);
  const bySlot = new Map<number, Write[]>();
  writes.forEach((w, j) => bySlot.set(slots[j], [...(bySlot.get(slots[j]) ?? []), w]));
  const lines = [...bySlot].map(([k, ws]) => {
    cov[k] = 1;
    return `a${k}[row] = ${ws.reduce((rest, w) => `${w.valid} ? ${w.value} : ${rest}`, 'NaN')};`;
  });
  // The records that follow with a plain header of this local type are written in the same
  // call, with the columns in locals: one call and one row reservation per run of records.
  const len = def.dataSize + 1;
  const src = `
  let n = 1;
  while (p - 1 + (n + 1) * ${len} <= limit && b[p - 1 + n * ${len}] === ${def.local}) n++;
  const row0 = t.rows(offset, n, ${len}, cov);
  const a = t.arrays;
  ${[...bySlot.keys()].map((k) => `const a${k} = a[${k}];`).join(' ')}
  for (let row = row0; row < row0 + n; row++, p += ${len}) {
    ${reads.join('\n    ')}
    ${seeds.join('\n    ')}
    ${lines.join('\n    ')}
    ts = -1;
  }
  return n;`;
  return { fn: compile(src), cov };
}
