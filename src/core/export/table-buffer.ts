/**
 * Rows of one message type gathered from many files for a columnar table: the union of the
 * columns the files have, each typed from the profile so every part of a table agrees on a type
 * whichever file came first (an unscaled integer field is an integer, a scaled one a double, an
 * enum its name, a date_time a timestamp), units beside each column. Rows a file lacks a column
 * for hold null. The caller drains the buffer when `cells` passes its memory bound.
 */
import type { Column, MessageColumns } from '../fit/decode/columns.js';
import type { FieldDef, MessageDef } from '../fit/profile/types.js';
import type { Profile } from '../fit/profile/profile.js';
import { DEGREES_PER_SEMICIRCLE } from '../fit/kit/semicircles.js';

/** What a column holds in the table. `int` fits 32 bits signed; `long` is 64. */
export type ColumnType = 'int' | 'long' | 'double' | 'string' | 'time' | 'list' | 'json';

export interface TableColumn {
  name: string;
  type: ColumnType;
  units: string;
  /** One value per row: number (ms for `time`), bigint for `long`, string, number[] for `list`, or null. */
  data: unknown[];
}

/** Which file the rows came from: a column per item in every table. */
export interface FileIdentity {
  file: string;
  serial: number | null;
  type: string | null;
  timeCreatedMs: number | null;
}

/**
 * The columns every table starts with. Profile field names start with a letter (and fields such
 * as mesg_capabilities.file exist), so the leading underscore keeps these apart from any field.
 */
export const IDENTITY_COLUMNS: readonly { name: string; type: ColumnType }[] = [
  { name: '_file', type: 'string' },
  { name: '_file_serial', type: 'long' },
  { name: '_file_type', type: 'string' },
  { name: '_file_time_created', type: 'time' },
];

/** Prefix of a developer field's column (its field name after it). */
export const DEVELOPER_PREFIX = 'dev_';

export class TableBuffer {
  rows = 0;
  readonly #columns = new Map<string, TableColumn>();

  constructor(
    readonly message: string,
    private readonly profile: Profile,
  ) {
    for (const c of IDENTITY_COLUMNS) this.#columns.set(c.name, { name: c.name, type: c.type, units: '', data: [] });
  }

  /** Rows times columns held: what a drain bound counts. */
  get cells(): number {
    return this.rows * this.#columns.size;
  }

  /** Columns a row of `m` fills here: what a caller bounding `cells` slices by. */
  static width(m: MessageColumns): number {
    return IDENTITY_COLUMNS.length + Object.keys(m.columns).length + Object.keys(m.developer).length;
  }

  /** Appends rows [start, end) of `m` (one file's rows of this message type; all by default). */
  append(m: MessageColumns, id: FileIdentity, start = 0, end = m.length): void {
    const from = this.rows;
    const to = from + (end - start);
    const def = this.profile.messageByName(m.name);
    this.#fill('_file', from, to, id.file);
    this.#fill('_file_serial', from, to, id.serial === null ? null : BigInt(id.serial));
    this.#fill('_file_type', from, to, id.type);
    this.#fill('_file_time_created', from, to, id.timeCreatedMs);
    for (const [name, c] of Object.entries(m.columns)) this.#add(name, c, fieldType(def, name, c), from, start, end);
    for (const [name, c] of Object.entries(m.developer)) {
      this.#add(DEVELOPER_PREFIX + name, c, c.kind === 'number' ? 'double' : undefined, from, start, end);
    }
    this.rows = to;
  }

  /** The columns held, each padded to `rows`, and an empty buffer for the next part. */
  drain(): TableColumn[] {
    const out = [...this.#columns.values()];
    for (const c of out) pad(c.data, this.rows);
    this.#columns.clear();
    for (const c of IDENTITY_COLUMNS) this.#columns.set(c.name, { name: c.name, type: c.type, units: '', data: [] });
    this.rows = 0;
    return out;
  }

  #fill(name: string, from: number, to: number, value: unknown): void {
    const data = this.#columns.get(name)!.data;
    pad(data, from);
    for (let i = from; i < to; i++) data.push(value);
  }

  #add(name: string, c: Column, numberType: ColumnType | undefined, from: number, start: number, end: number): void {
    // Positions in degrees, as every analysis tool wants them (FIT stores 2^31 semicircles per 180°).
    const degrees = c.kind === 'number' && c.units === 'semicircles';
    const type = degrees ? 'double' : columnType(c, numberType);
    let col = this.#columns.get(name);
    if (!col) {
      col = { name, type, units: degrees ? 'degrees' : c.kind === 'number' ? c.units : '', data: [] };
      this.#columns.set(name, col);
    } else if (col.type !== type) {
      // Two files disagree (a field a developer redefined, a shape that changes): keep both as text.
      col.data = col.data.map((v) => (v === null ? null : JSON.stringify(v, bigintText)));
      col.type = 'json';
    }
    pad(col.data, from);
    const data = col.data;
    const as = col.type;
    if (degrees && as === 'double') {
      const values = (c as { values: Float64Array }).values;
      for (let i = start; i < end; i++) data.push(Number.isNaN(values[i]!) ? null : values[i]! * DEGREES_PER_SEMICIRCLE);
    } else {
      for (let i = start; i < end; i++) data.push(cell(c, i, as));
    }
  }
}

function pad(data: unknown[], to: number): void {
  const from = data.length;
  if (from >= to) return;
  data.length = to;
  data.fill(null, from, to);
}

/** The table type of a number column of message `def`'s field `name`, from its profile definition. */
function fieldType(def: MessageDef | undefined, name: string, c: Column): ColumnType | undefined {
  if (c.kind !== 'number') return undefined;
  if (c.names !== undefined) return 'string';
  const f = def && findField(def, name);
  if (!f || f.scale !== 1 || f.offset !== 0) return 'double';
  const base = f.baseType.name;
  if (base.startsWith('float')) return 'double';
  if (base === 'uint32' || base === 'uint32z' || base.includes('64')) return 'long';
  return 'int';
}

/** A field by name, or a subfield's (whose scale may differ from its main field's). */
function findField(def: MessageDef, name: string): Pick<FieldDef, 'scale' | 'offset' | 'baseType'> | undefined {
  for (const f of def.fields.values()) {
    if (f.name === name) return f;
    for (const s of f.subfields) if (s.name === name) return { scale: s.scale, offset: s.offset, baseType: s.baseType };
  }
  return undefined;
}

function columnType(c: Column, numberType: ColumnType | undefined): ColumnType {
  switch (c.kind) {
    case 'number':
      return numberType ?? 'double';
    case 'time':
      return 'time';
    case 'string':
      return 'string';
    case 'array':
      return 'list';
    case 'values':
      return 'json';
  }
}

function cell(c: Column, i: number, as: ColumnType): unknown {
  switch (c.kind) {
    case 'number': {
      const v = c.values[i]!;
      if (Number.isNaN(v)) return null;
      if (as === 'string') return c.names?.get(v) ?? String(v);
      if (as === 'long') return BigInt(v);
      return as === 'json' ? JSON.stringify(v) : v;
    }
    case 'time': {
      const v = c.values[i]!;
      return Number.isNaN(v) ? null : as === 'json' ? JSON.stringify(v) : v;
    }
    case 'string': {
      const s = c.text.slice(c.offsets[i], c.offsets[i + 1]);
      return s === '' ? null : as === 'json' ? JSON.stringify(s) : s;
    }
    case 'array': {
      const start = c.offsets[i]!;
      const end = c.offsets[i + 1]!;
      if (start === end) return null;
      const list = Array.from(c.values.subarray(start, end), (x) => (Number.isNaN(x) ? null : x));
      return as === 'json' ? JSON.stringify(list) : list;
    }
    case 'values': {
      const v = c.values[i];
      return v === undefined ? null : JSON.stringify(v, bigintText);
    }
  }
}

function bigintText(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}
