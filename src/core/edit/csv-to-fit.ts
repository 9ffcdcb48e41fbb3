/**
 * `fitkit csv2fit`: FitCSVTool's CSV (what `fitkit dump` writes) back to FIT, as FitCSVTool
 * `-c` does: each Definition row becomes a definition for its local number, each Data row a
 * record, values unscaled through the profile (or the developer field's description). Fields
 * the data row leaves out are written invalid, which is why the CSV left them out. Values that
 * component expansion added are recognised and left out (the file holds only the source).
 *
 * What the CSV does not say is chosen so that dumping the result gives the CSV back
 * (docs/csv2fit.md): base types are the profile's; an unknown message gets number 0xFF00 and
 * unknown fields unused numbers, with the narrowest base type that holds their values;
 * an undefined developer field gets developer index 255.
 */
import { FitkitError } from '../errors.js';
import { fitCsvRows, type CsvCellTriplet, type FitCsvRow } from '../formats/fitcsv-read.js';
import { formatJavaFloat } from '../formats/java-number.js';
import type { Profile } from '../fit/profile/profile.js';
import type { FieldDef, MessageDef } from '../fit/profile/types.js';
import { BASE_TYPES, BASE_TYPE_BY_NAME, BaseType, Kind, baseTypeOf, type BaseTypeInfo, type BaseTypeName } from '../fit/proto/base-types.js';
import { encodeValue } from '../fit/encode/element.js';
import { writeRecords, type DefinitionRecord, type RawRecord } from './raw-records.js';

export const UNKNOWN_MESSAGE = 0xff00;
const UNDEFINED_DEV_INDEX = 255;
const TIMESTAMP = 253;
const FIELD_DESCRIPTION = 'field_description';

/** How one definition field's values turn into bytes. */
interface FieldSpec {
  num: number;
  size: number;
  /** Undefined for an unknown field until its values choose one. */
  bt?: BaseTypeInfo;
  fdef?: FieldDef;
  count: number;
  /** An unknown field's values are numbers or text, as rows that show every unknown field say. */
  kind?: 'number' | 'text';
}

interface DevSpec {
  num: number;
  devIndex: number;
  size: number;
  bt: BaseTypeInfo;
  scale: number;
  offset: number;
  name: string;
}

interface Def {
  rec: DefinitionRecord;
  mdef?: MessageDef;
  fields: FieldSpec[];
  dev: DevSpec[];
  /** The data rows read with this definition. */
  rows: PendingData[];
  csvRows: FitCsvRow[];
}

interface Assigned {
  field: number;
  elements: string[];
  scale: number;
  offset: number;
  line: number;
  what: string;
}

interface PendingData {
  def: Def;
  line: number;
  native: Assigned[];
  dev: { index: number; elements: string[]; line: number; what: string }[];
  compressedTimestamp?: number;
}

interface DevDescription {
  devIndex: number;
  num: number;
  bt: BaseTypeInfo;
  scale: number;
  offset: number;
  name: string;
}

const INTEGER = /^-?\d+$/;
const NUMBER = /^(-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|NaN|-?Infinity)$/;

function fail(line: number, message: string): never {
  throw new FitkitError('bad_csv', `line ${line}: ${message}`);
}

/** The elements of a value cell (`|`-separated); a string's pieces are its NUL-separated parts. */
function elements(value: string): string[] {
  return value === '' ? [] : value.split('|');
}

type Resolved = { fdef: FieldDef; scale: number; offset: number; components: FieldDef['components'] };
const byName = new WeakMap<MessageDef, Map<string, Resolved>>();

/** The field a cell name stands for in a message: the field itself or one of its subfields. */
function resolveName(mdef: MessageDef, name: string): Resolved | undefined {
  let names = byName.get(mdef);
  if (!names) {
    names = new Map();
    for (const f of mdef.fields.values()) {
      for (const s of f.subfields) if (!names.has(s.name)) names.set(s.name, { fdef: f, scale: s.scale, offset: s.offset, components: s.components });
    }
    // Main field names win over subfield names.
    for (const f of mdef.fields.values()) names.set(f.name, { fdef: f, scale: f.scale, offset: f.offset, components: f.components });
    byName.set(mdef, names);
  }
  return names.get(name);
}

export interface CsvToFitResult {
  bytes: Uint8Array;
  definitions: number;
  messages: number;
}

export function csvToFit(text: string, profile: Profile): CsvToFitResult {
  const locals: (Def | undefined)[] = [];
  const defs: Def[] = [];
  const order: (Def | { def: Def; row: FitCsvRow })[] = [];
  const descriptions: DevDescription[] = [];

  for (const row of fitCsvRows(text)) {
    if (row.kind === 'Definition') {
      const d = definition(row, profile, descriptions);
      locals[row.local] = d;
      defs.push(d);
      order.push(d);
    } else {
      const d = locals[row.local];
      if (!d) fail(row.line, `data for local number ${row.local}, which no Definition row defined`);
      const expected = d.mdef?.name ?? 'unknown';
      if (row.message !== expected) fail(row.line, `message ${row.message} for local number ${row.local}, defined as ${expected}`);
      d.csvRows.push(row);
      order.push({ def: d, row });
      if (row.message === FIELD_DESCRIPTION) describe(row, descriptions);
    }
  }
  for (const d of defs) learnUnknownKinds(d);
  const aligned: (Def | PendingData)[] = order.map((o) => {
    if ('rec' in o) return o;
    const p = align(o.row, o.def);
    o.def.rows.push(p);
    return p;
  });
  const messages = aligned.length - defs.length;
  for (const d of defs) chooseUnknownTypes(d);

  // A value the profile's type cannot hold was stored in another type (a sint32 for a uint32,
  // a uint64 for a uint32z): the field takes the narrowest that holds it, and encoding starts over.
  let records: RawRecord[];
  for (let attempt = 0; ; attempt++) {
    try {
      records = encodeAll(aligned);
      break;
    } catch (e) {
      if (!(e instanceof Retype) || attempt > 20) throw e instanceof Retype ? e.cause : e;
      e.field.bt = e.bt;
      e.field.size = Math.max(1, e.field.count * e.bt.size);
    }
  }
  const bytes = writeRecords(records, profile);
  return { bytes, definitions: defs.length, messages };
}

class Retype extends Error {
  constructor(
    readonly field: FieldSpec,
    readonly bt: BaseTypeInfo,
    override readonly cause: unknown,
  ) {
    super('retype');
  }
}

function encodeAll(order: (Def | PendingData)[]): RawRecord[] {
  const records: RawRecord[] = [];
  for (const item of order) {
    if ('rec' in item) {
      item.rec.fields = item.fields.map((f) => ({ num: f.num, size: f.size, type: BaseType[(f.bt ?? BASE_TYPES[BaseType.byte]).name] }));
      records.push(item.rec);
      continue;
    }
    const values = new Map<number, Uint8Array>();
    for (const a of item.native) {
      const f = item.def.fields[a.field];
      try {
        values.set(f.num, toBytes(f.bt!, f.size, a.elements, a.scale, a.offset, a.line, a.what));
      } catch (e) {
        const alt = f.bt && f.bt.kind !== Kind.string && f.bt.kind !== Kind.float && e instanceof FitkitError ? otherInteger(f.bt, a) : undefined;
        if (!alt) throw e;
        throw new Retype(f, alt, e);
      }
    }
    const dev = item.def.dev.map((d) => encodeValue(d.bt, d.size, d.bt.kind === Kind.string ? '' : d.bt.invalid));
    for (const a of item.dev) {
      const d = item.def.dev[a.index];
      dev[a.index] = toBytes(d.bt, d.size, a.elements, d.scale, d.offset, a.line, a.what);
    }
    records.push({ kind: 'data', def: item.def.rec, values, dev, compressedTimestamp: item.compressedTimestamp });
  }
  return records;
}

/** Another integer type, as wide or wider, for raw values `bt` cannot hold. */
function otherInteger(bt: BaseTypeInfo, a: Assigned): BaseTypeInfo | undefined {
  const scaled = a.scale !== 1 || a.offset !== 0;
  const raw: bigint[] = [];
  for (const e of a.elements) {
    if (!NUMBER.test(e) || e === 'NaN') return undefined;
    const v = scaled && !INTEGER.test(e) ? Math.round((Number(e) + a.offset) * a.scale) : INTEGER.test(e) ? e : undefined;
    if (v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return undefined;
    raw.push(BigInt(v));
  }
  const alt = integerTypeFor([raw], bt.size);
  return alt && alt !== bt ? alt : undefined;
}

function definition(row: FitCsvRow, profile: Profile, descriptions: DevDescription[]): Def {
  const mdef = row.message === 'unknown' ? undefined : profile.messageByName(row.message);
  if (!mdef && row.message !== 'unknown') fail(row.line, `unknown message "${row.message}"`);
  const fields: FieldSpec[] = [];
  const dev: DevSpec[] = [];
  const used = new Set<number>();
  const usedDev = new Set<DevDescription>();
  // Developer fields come last: the longest tail of names that the developer fields described so
  // far carry, each description once (one may share a native field's name: a dive watch's "depth").
  const available = new Map<string, number>();
  for (const d of descriptions) available.set(d.name, (available.get(d.name) ?? 0) + 1);
  let devFrom = row.cells.length;
  for (; devFrom > 0; devFrom--) {
    const name = row.cells[devFrom - 1].name;
    if (name === 'undefined-dev-data') continue;
    const n = available.get(name) ?? 0;
    if (n === 0) break;
    available.set(name, n - 1);
  }
  let nextUnknown = 0;
  for (const [i, c] of row.cells.entries()) {
    const inDev = i >= devFrom;
    if (!/^\d+$/.test(c.value)) fail(row.line, `${c.name}: the count "${c.value.slice(0, 20)}" is not a number`);
    const count = Number(c.value);
    const r = mdef ? resolveName(mdef, c.name) : undefined;
    // Definition rows name main fields only.
    const fdef = r && r.fdef.name === c.name ? r.fdef : undefined;
    if (!inDev && (fdef || c.name === 'unknown')) {
      let num: number;
      if (fdef) num = fdef.num;
      else {
        // A number neither the profile nor this definition uses (253 keeps its timestamp meaning).
        while (nextUnknown === TIMESTAMP || mdef?.fields.has(nextUnknown) || used.has(nextUnknown)) nextUnknown++;
        if (nextUnknown > 255) fail(row.line, 'more unknown fields than free field numbers');
        num = nextUnknown++;
      }
      used.add(num);
      const bt = fdef?.baseType;
      const size = bt ? Math.max(1, count * bt.size) : 0;
      if (size > 255) fail(row.line, `${c.name}: ${count} elements do not fit a field (255 bytes at most)`);
      fields.push({ num, size, bt, fdef, count });
      continue;
    }
    if (c.name === 'undefined-dev-data') {
      if (count < 1 || count > 255) fail(row.line, `undefined-dev-data: ${count} bytes outside 1..255`);
      dev.push({ num: dev.length, devIndex: UNDEFINED_DEV_INDEX, size: count, bt: BASE_TYPE_BY_NAME.uint8, scale: 1, offset: 0, name: 'null' });
      continue;
    }
    let desc: DevDescription | undefined;
    for (let k = descriptions.length - 1; k >= 0 && !desc; k--) if (descriptions[k].name === c.name && !usedDev.has(descriptions[k])) desc = descriptions[k];
    if (!desc) fail(row.line, `"${c.name}" is neither a field of ${row.message} nor a developer field described before`);
    usedDev.add(desc);
    const size = Math.max(1, count * desc.bt.size);
    if (size > 255) fail(row.line, `${c.name}: ${count} elements do not fit a field (255 bytes at most)`);
    dev.push({ num: desc.num, devIndex: desc.devIndex, size, bt: desc.bt, scale: desc.scale, offset: desc.offset, name: desc.name });
  }
  const rec: DefinitionRecord = {
    kind: 'definition',
    local: row.local,
    globalNum: mdef?.num ?? UNKNOWN_MESSAGE,
    fields: [],
    devFields: dev.map((d) => ({ num: d.num, size: d.size, devIndex: d.devIndex })),
  };
  return { rec, mdef, fields, dev, rows: [], csvRows: [] };
}

/** A field_description row: the developer field later rows can name. */
function describe(row: FitCsvRow, descriptions: DevDescription[]): void {
  const get = (n: string) => row.cells.find((c) => c.name === n)?.value;
  const [index, num, type] = ['developer_data_index', 'field_definition_number', 'fit_base_type_id'].map((n) => Number(get(n)));
  if (![index, num, type].every(Number.isInteger)) return;
  const scale = Number(get('scale') ?? 1);
  const offset = Number(get('offset') ?? 0);
  descriptions.push({
    devIndex: index,
    num,
    bt: baseTypeOf(type) ?? BASE_TYPE_BY_NAME.uint8,
    scale: Number.isFinite(scale) && scale !== 0 ? scale : 1,
    offset: Number.isFinite(offset) ? offset : 0,
    name: get('field_name')?.split('|')[0] || 'null',
  });
}

/** Which definition field each cell of a data row fills; expanded values are left out. */
function align(row: FitCsvRow, d: Def): PendingData {
  const p: PendingData = { def: d, line: row.line, native: [], dev: [] };
  let cells: CsvCellTriplet[] = row.cells;
  const hasTimestamp = d.fields.some((f) => f.fdef?.name === 'timestamp');
  // A compressed-timestamp header's time comes first (and before a stored timestamp of its own).
  if (d.mdef && cells[0]?.name === 'timestamp' && (!hasTimestamp || cells[1]?.name === 'timestamp')) {
    if (!INTEGER.test(cells[0].value)) fail(row.line, `timestamp "${cells[0].value.slice(0, 20)}" is not a number`);
    p.compressedTimestamp = Number(cells[0].value);
    if (d.rec.local > 3) fail(row.line, 'a compressed timestamp (a timestamp the definition does not hold) needs local number 0..3');
    cells = cells.slice(1);
  }
  // Destinations of the components of the fields the row shows, with how many values each adds.
  const expands = new Map<number, number>();
  if (d.mdef) {
    for (const c of cells) {
      const r = resolveName(d.mdef, c.name);
      for (const comp of r?.components ?? []) expands.set(comp.fieldNum, (expands.get(comp.fieldNum) ?? 0) + 1);
    }
  }
  let at = 0;
  let devAt = 0;
  for (const c of cells) {
    const r = d.mdef ? resolveName(d.mdef, c.name) : undefined;
    if (r || c.name === 'unknown') {
      const els0 = elements(c.value);
      let j = -1;
      for (let k = at; k < d.fields.length && j < 0; k++) {
        const f = d.fields[k];
        if (r ? f.fdef === r.fdef : !f.fdef && unknownFits(f, els0)) j = k;
      }
      if (j >= 0) {
        let els = els0;
        const e = r ? (expands.get(r.fdef.num) ?? 0) : 0;
        if (e > 0) els = els.slice(0, Math.max(0, els.length - e));
        if (els.length > 0 || e === 0) {
          p.native.push({ field: j, elements: els, scale: r?.scale ?? 1, offset: r?.offset ?? 0, line: row.line, what: c.name });
          at = j + 1;
          continue;
        }
      }
    }
    const k = d.dev.findIndex((x, i) => i >= devAt && x.name === c.name);
    if (k < 0) {
      if (r) continue; // not stored: an expanded value
      fail(row.line, `"${c.name}" is not a field of the definition of local number ${d.rec.local} (${d.mdef?.name ?? 'unknown'})`);
    }
    p.dev.push({ index: k, elements: elements(c.value), line: row.line, what: c.name });
    devAt = k + 1;
  }
  return p;
}

/** Whether an unknown field can have printed these elements: a number per element, or a string's pieces. */
function unknownFits(f: FieldSpec, els: string[]): boolean {
  if (f.count === 0) return els.length === 1;
  if (f.kind !== 'text' && isNumbers(f, els)) return true;
  return f.kind !== 'number' && utf8Length(els.join('\0')) <= f.count;
}

function isNumbers(f: FieldSpec, els: string[]): boolean {
  return els.length === f.count && els.every((e) => NUMBER.test(e));
}

/**
 * Rows that show as many `unknown` cells as the definition has unknown fields say which is which:
 * whether each holds numbers or text, so rows that leave some out are matched to the right ones.
 */
function learnUnknownKinds(d: Def): void {
  const unknown = d.fields.filter((f) => !f.fdef);
  if (unknown.length < 2) return;
  for (const row of d.csvRows) {
    const cells = row.cells.filter((c) => c.name === 'unknown');
    if (cells.length !== unknown.length) continue;
    cells.forEach((c, i) => {
      const f = unknown[i];
      if (f.count === 0) return;
      if (!isNumbers(f, elements(c.value))) f.kind = 'text';
      else if (f.kind === undefined) f.kind = 'number';
    });
  }
}

const utf8 = new TextEncoder();

function utf8Length(s: string): number {
  return utf8.encode(s).length;
}

interface Candidate {
  name: BaseTypeName;
  min: bigint;
  max: bigint;
}

/** Narrowest first; at each size the z type after the plain one (its sentinel is 0, not all ones). */
const INTEGER_TYPES: Candidate[] = [
  { name: 'uint8', min: 0n, max: 0xffn },
  { name: 'uint8z', min: 0n, max: 0xffn },
  { name: 'sint8', min: -0x80n, max: 0x7fn },
  { name: 'uint16', min: 0n, max: 0xffffn },
  { name: 'uint16z', min: 0n, max: 0xffffn },
  { name: 'sint16', min: -0x8000n, max: 0x7fffn },
  { name: 'uint32', min: 0n, max: 0xffffffffn },
  { name: 'uint32z', min: 0n, max: 0xffffffffn },
  { name: 'sint32', min: -0x80000000n, max: 0x7fffffffn },
  { name: 'uint64', min: 0n, max: 0xffffffffffffffffn },
  { name: 'uint64z', min: 0n, max: 0xffffffffffffffffn },
  { name: 'sint64', min: -0x8000000000000000n, max: 0x7fffffffffffffffn },
];

/** The first integer type (from `minSize` bytes up) that holds every row's values, none all invalid. */
function integerTypeFor(rows: bigint[][], minSize = 1): BaseTypeInfo | undefined {
  for (const c of INTEGER_TYPES) {
    const bt = BASE_TYPE_BY_NAME[c.name];
    if (bt.size < minSize) continue;
    const inv = BigInt(bt.invalid as number | bigint);
    if (rows.every((v) => v.every((x) => x >= c.min && x <= c.max) && !v.every((x) => x === inv))) return bt;
  }
  return undefined;
}

/** Unknown fields: the narrowest base type that holds every value the rows give them, each printing as it was. */
function chooseUnknownTypes(d: Def): void {
  d.fields.forEach((f, i) => {
    if (f.bt) return;
    const rows: string[][] = [];
    for (const p of d.rows) for (const a of p.native) if (a.field === i) rows.push(a.elements);
    const all = rows.flat();
    let bt: BaseTypeInfo;
    if (all.length === 0) bt = BASE_TYPE_BY_NAME.byte;
    // Numbers print one per element, all of them; anything else was a string.
    else if (!all.every((e) => NUMBER.test(e)) || (f.count > 0 && rows.some((r) => r.length !== f.count))) bt = BASE_TYPE_BY_NAME.string;
    else if (!all.every((e) => INTEGER.test(e))) {
      bt = all.every((e) => e === 'NaN' || formatJavaFloat(Math.fround(Number(e))) === e) ? BASE_TYPE_BY_NAME.float32 : BASE_TYPE_BY_NAME.float64;
    } else {
      const found = integerTypeFor(rows.map((r) => r.map(BigInt)));
      if (!found) throw new FitkitError('bad_csv', `an unknown field's values fit no FIT integer type`);
      bt = found;
    }
    f.bt = bt;
    f.size = Math.max(1, f.count * bt.size);
    if (f.size > 255) throw new FitkitError('bad_csv', `an unknown field of ${f.count} elements does not fit a field (255 bytes at most)`);
  });
}

/** A cell's elements as the field's bytes: unscaled, invalid where missing. */
function toBytes(bt: BaseTypeInfo, size: number, els: string[], scale: number, offset: number, line: number, what: string): Uint8Array {
  if (bt.kind === Kind.string) {
    const bytes = utf8.encode(els.join('\0'));
    if (bytes.length > size) fail(line, `${what}: "${els.join('|').slice(0, 40)}" is ${bytes.length} bytes, the field holds ${size}`);
    const out = new Uint8Array(size);
    out.set(bytes);
    return out;
  }
  const count = Math.floor(size / bt.size);
  if (els.length > count && count > 0) els = els.slice(0, count);
  const scaled = scale !== 1 || offset !== 0;
  const raw = els.map((e) => {
    if (!NUMBER.test(e)) fail(line, `${what}: "${e.slice(0, 40)}" is not a number`);
    if (e === 'NaN') return bt.invalid;
    // A scaled value always prints with "." or "E": an integer there is an invalid element printed raw.
    if (scaled && INTEGER.test(e)) return bt.kind === Kind.bigSint || bt.kind === Kind.bigUint ? BigInt(e) : Number(e);
    if (bt.kind === Kind.bigSint || bt.kind === Kind.bigUint) {
      if (!scaled && INTEGER.test(e)) return BigInt(e);
      return BigInt(Math.round((Number(e) + offset) * scale));
    }
    const v = Number(e);
    if (bt.kind === Kind.float) return scaled ? (v + offset) * scale : v;
    return scaled ? Math.round((v + offset) * scale) : v;
  });
  try {
    return encodeValue(bt, size, count === 0 ? (raw[0] ?? 0) : raw, what);
  } catch (e) {
    if (e instanceof FitkitError) fail(line, e.message);
    throw e;
  }
}
