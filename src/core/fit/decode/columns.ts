/**
 * Columnar decoding: per message type, one typed array per field, for analysis code and as the
 * base of exports to columnar formats.
 *
 * `decodeFitColumns(bytes)` (or a `ColumnDecoder` fed chunk by chunk) gives `messages`: a Map
 * from message name (`record`, `lap`, `unknown_65280`) to `{ name, num, length, offsets,
 * columns, developer }`, in order of first appearance. Rows are that type's messages in file
 * order; `offsets[i]` is row i's byte offset in the input, which restores the interleaving of
 * types. A type's columns are the union of the fields its definitions declare, keyed by field
 * name as the object decoder names them (subfields resolved, components expanded, developer
 * fields by their description's name in `developer`). Each column (column-table.ts):
 *   - number: Float64Array of scaled values, NaN where the row lacks the field or holds it
 *     invalid; enum types carry `names` (value → name) instead of names per row;
 *   - time (`date_time` fields): Float64Array of Unix milliseconds, NaN where absent (device-
 *     relative values below 2^28 FIT seconds stay seconds);
 *   - string: one shared text with offsets per row; array: shared Float64Array with offsets;
 *   - values: a plain array, for the rare field whose shape changes between rows.
 * Cell for cell this is `decodeFitObjects(bytes, { dates: 'raw', enums: false })` (see
 * `columnRows`), with times in ms; chained files and compressed timestamps handled alike.
 *
 * Fast path: per definition of plain numeric fields, a compiled writer (column-writer.ts) stores
 * each record straight from the bytes; other records (strings, arrays, subfields, accumulating
 * components, developer descriptions) go through the Interpreter and `fieldValue`. For a whole
 * buffer, a counting pass (no values, no CRC) sizes each type's columns once; streamed, they
 * grow by doubling. Bounded either way: a file whose definitions declare far more columns than
 * its records carry bytes fails with a FitkitError instead of exhausting memory.
 */
import { FitkitError, type Diagnostic } from '../../errors.js';
import type { Profile } from '../profile/profile.js';
import { standardProfile } from '../profile/profile.js';
import { snakeName } from '../profile/names.js';
import { Interpreter } from './interpret.js';
import { RawDecoder } from './raw.js';
import { fieldValue, type Value } from './values.js';
import type { FitMessage } from './message.js';
import { AccumulatorSeeds } from './codegen.js';
import { compileWriter, type Writer } from './column-writer.js';
import { MessageTable, finishColumn, msFromFitSeconds, fitSecondsFromMs, splitStrings, type Column } from './column-table.js';

export type { Column, NumberColumn, TimeColumn, StringColumn, ArrayColumn, ValuesColumn } from './column-table.js';
export { msFromFitSeconds, fitSecondsFromMs } from './column-table.js';

export interface ColumnDecodeOptions {
  profile?: Profile;
  /** Only these message types (by name); others are skipped unread. Default: all. */
  messages?: readonly string[];
  /** Only these fields (native or developer, by name) of every message kept. Default: all. */
  fields?: readonly string[];
  /** Expand components (default true), as in the object decoder. */
  expandComponents?: boolean;
  /** Check CRCs (default true); see RawDecoderOptions.crc. */
  crc?: boolean;
}

export interface MessageColumns {
  name: string;
  num: number;
  length: number;
  /** Byte offset of each row's record in the input. */
  offsets: Float64Array;
  columns: Record<string, Column>;
  developer: Record<string, Column>;
}

export interface ColumnDecodeResult {
  messages: Map<string, MessageColumns>;
  diagnostics: Diagnostic[];
  complete: boolean;
}

/** Cells (8 bytes each) the columns may hold: a floor for small files, then proportional to the input. */
const CELL_FLOOR = 1 << 22;
const CELLS_PER_BYTE = 8;

export class ColumnDecoder {
  readonly raw: RawDecoder;
  #profile: Profile;
  #interp: Interpreter;
  #expand: boolean;
  #keepMessage: ((name: string) => boolean) | undefined;
  #keepField: (name: string) => boolean;
  #tables = new Map<number, MessageTable>();
  /** The writer for each local message type's current definition: undefined until its first record, null for the Interpreter. */
  #writers: (Writer | null | undefined)[] = new Array(16).fill(undefined);
  /** The table each local message type's writer writes into. */
  #writerTables: (MessageTable | undefined)[] = new Array(16).fill(undefined);
  #seeds = new AccumulatorSeeds();
  #cells = 0;
  #bytes = 0;
  #expected: ReadonlyMap<number, number> | undefined;
  /** The current file's byte range, from its header (for growth estimates). */
  #span = { start: 0, end: 0 };

  constructor(opts: ColumnDecodeOptions = {}) {
    this.#profile = opts.profile ?? standardProfile();
    this.#expand = opts.expandComponents ?? true;
    this.#interp = new Interpreter(this.#profile, opts);
    const messages = opts.messages && new Set(opts.messages);
    const fields = opts.fields && new Set(opts.fields);
    this.#keepMessage = messages && ((n) => messages.has(n));
    this.#keepField = fields ? (n) => fields.has(n) : () => true;
    const cx = {
      profile: this.#profile,
      interp: this.#interp,
      expand: this.#expand,
      kept: this.#keepField,
      seedSlot: (mesg: number, field: number) => this.#seeds.slot(mesg, field),
    };
    this.raw = new RawDecoder(
      (f) => {
        if (f.kind === 'header') {
          this.#span.start = f.offset;
          this.#span.end = f.offset + f.headerSize + f.dataSize;
        } else if (f.kind === 'definition') {
          this.#interp.frame(f);
          this.#writers[f.local] = undefined;
        } else if (f.kind === 'data') {
          this.#seeds.flush(this.#interp);
          this.#write(this.#interp.message(f));
        }
      },
      {
        crc: opts.crc,
        onRecord: (def, b, dv, p, ts, offset, limit) => {
          let w = this.#writers[def.local];
          if (w === undefined) {
            const t = this.#table(def.globalNum);
            w = this.#writers[def.local] = t ? compileWriter(def, t, cx) : def.globalNum === 206 || def.globalNum === 207 ? null : skip;
            this.#writerTables[def.local] = t;
          }
          if (w === null) return false;
          return w.fn(b, dv, p, ts, offset, this.#writerTables[def.local]!, this.#seeds.values, w.cov, limit);
        },
      },
    );
  }

  /**
   * Rows to expect per message number (from a counting pass over the same bytes): each type's
   * columns are then allocated once, at their final size, instead of growing.
   */
  expect(rows: ReadonlyMap<number, number>): void {
    this.#expected = rows;
  }

  push(chunk: Uint8Array): void {
    this.#bytes += chunk.length;
    this.raw.push(chunk);
  }

  end(): void {
    this.raw.end();
  }

  /** The columns decoded so far (typed arrays are views of the decoder's buffers: call once, at the end). */
  result(): ColumnDecodeResult {
    const messages = new Map<string, MessageColumns>();
    const names = (type: string) => this.#enumNames(type);
    for (const t of this.#tables.values()) {
      if (t.length === 0) continue;
      t.close();
      const columns: Record<string, Column> = {};
      const developer: Record<string, Column> = {};
      for (const [k, c] of t.columns) columns[k] = finishColumn(c, t.length, names);
      for (const [k, c] of t.developer) developer[k] = finishColumn(c, t.length, names);
      messages.set(t.name, { name: t.name, num: t.num, length: t.length, offsets: t.offsets.subarray(0, t.length), columns, developer });
    }
    return { messages, diagnostics: this.raw.diagnostics, complete: !this.raw.stopped };
  }

  /** The table for a message type; undefined when the type is not kept. */
  #table(num: number): MessageTable | undefined {
    let t = this.#tables.get(num);
    if (t === undefined) {
      const name = this.#profile.message(num)?.name ?? `unknown_${num}`;
      if (this.#keepMessage && !this.#keepMessage(name)) return undefined;
      t = new MessageTable(name, num, (cells) => this.#budget(cells), this.#span);
      t.expected = this.#expected?.get(num) ?? 0;
      this.#tables.set(num, t);
    }
    return t;
  }

  #budget(cells: number): void {
    this.#cells += cells;
    const limit = CELL_FLOOR + CELLS_PER_BYTE * this.#bytes;
    if (this.#cells > limit) {
      throw new FitkitError('too_many_columns', `columns would take ${this.#cells} cells for ${this.#bytes} input bytes: definitions declare far more fields than the records carry`, {
        offset: this.raw.position,
      });
    }
  }

  /** A message the Interpreter decoded, cell by cell as `fieldValue` gives it. */
  #write(m: FitMessage): void {
    const t = this.#table(m.num);
    if (!t) return;
    const row = t.blankRow(m.offset);
    for (const f of m.fields) {
      if (!this.#keepField(f.name)) continue;
      const v = fieldValue(f, { dates: 'raw' });
      if (v === null) continue;
      const dev = f.kind === 'developer';
      if (typeof v === 'number') {
        const kind = f.type === 'date_time' && !dev ? 'time' : 'number';
        const col = t.scalar(dev, f.name, kind, f.type, f.units);
        if (col && (col.kind === 'number' || col.kind === 'time')) {
          col.values[row] = kind === 'time' ? msFromFitSeconds(v) : v;
          continue;
        }
      } else if (typeof v === 'string' || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string'))) {
        const col = t.list(dev, f.name, 'string');
        if (col?.kind === 'string') {
          const s = typeof v === 'string' ? v : v.join('\0');
          if (col.rows.at(-1) === row) col.parts[col.parts.length - 1] = s;
          else {
            col.rows.push(row);
            col.parts.push(s);
          }
          continue;
        }
      } else if (Array.isArray(v) && v.every((x) => typeof x === 'number' || x === null)) {
        const col = t.list(dev, f.name, 'array');
        if (col?.kind === 'array') {
          if (col.rows.at(-1) === row) {
            col.elements.length = col.starts.pop()!;
            col.rows.pop();
          }
          col.rows.push(row);
          col.starts.push(col.elements.length);
          for (const x of v) col.elements.push(x === null ? NaN : (x as number));
          continue;
        }
      }
      // Another shape than the column's (or a 64-bit integer): this column keeps plain values.
      const before = (dev ? t.developer : t.columns).get(f.name);
      const col = t.promote(dev, f.name);
      col.values[row] = v;
      // Compiled writers address scalar columns by slot: recompile them against the new column.
      if (before && before.kind !== 'values') this.#writers.fill(undefined);
    }
  }

  #enumNames(type: string): ReadonlyMap<number, string> | undefined {
    let names = enumNames.get(this.#profile);
    if (!names) enumNames.set(this.#profile, (names = new Map()));
    if (!names.has(type)) {
      const values = type === 'date_time' || type === 'local_date_time' ? undefined : this.#profile.types.get(type)?.values;
      names.set(type, values && values.size > 0 ? new Map([...values].map(([k, v]) => [k, snakeName(v)])) : undefined);
    }
    return names.get(type);
  }
}

/** Enum value names by profile and type, shared by every decoder (read-only maps). */
const enumNames = new WeakMap<Profile, Map<string, ReadonlyMap<number, string> | undefined>>();

/** A writer for message types not kept: the record is consumed unread. */
const skip: Writer = { fn: () => 1, cov: new Uint8Array(0) };

/**
 * Records per message number, an estimate to size the columns: a walk over record headers and
 * definitions only (no values, no CRC, no frames), so it costs a fraction of the decode. Where
 * the structure is odd (an undefined local type, a record past the end) it stops: the decode
 * then grows the columns as usual, so a wrong count costs time, never rows.
 */
export function countRows(b: Uint8Array): Map<number, number> {
  const out = new Map<number, number>();
  const size = new Int32Array(16).fill(-1);
  const num = new Int32Array(16);
  const n = new Int32Array(16);
  const flush = (local: number) => {
    if (n[local] > 0) out.set(num[local], (out.get(num[local]) ?? 0) + n[local]);
    n[local] = 0;
  };
  let p = 0;
  files: while (p + 12 <= b.length && b[p] >= 12 && b[p + 8] === 0x2e && b[p + 9] === 0x46 && b[p + 10] === 0x49 && b[p + 11] === 0x54) {
    const dataSize = (b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24)) >>> 0;
    p += b[p];
    // A data size of 0 (or past the input) is not believed: records go on to the end.
    const end = dataSize === 0 || p + dataSize > b.length ? b.length : p + dataSize;
    while (p < end) {
      const h = b[p];
      if ((h & 0xc0) === 0x40) {
        if (p + 6 > end) break files;
        const nFields = b[p + 5];
        let len = 6 + nFields * 3;
        if (p + len + (h & 0x20 ? 1 : 0) > end) break files;
        let data = 0;
        for (let q = p + 7; q < p + len; q += 3) data += b[q];
        if (h & 0x20) {
          const nDev = b[p + len];
          for (let q = p + len + 2; q < p + len + 1 + nDev * 3; q += 3) data += b[q];
          len += 1 + nDev * 3;
        }
        const local = h & 0x0f;
        flush(local);
        size[local] = data;
        num[local] = b[p + 2] === 0 ? b[p + 3] | (b[p + 4] << 8) : (b[p + 3] << 8) | b[p + 4];
        p += len;
      } else {
        const local = h & 0x80 ? (h >> 5) & 3 : h & 0x0f;
        if (size[local] < 0) break files;
        n[local]++;
        p += 1 + size[local];
      }
    }
    // The file's CRC, then zero padding before a chained file.
    p += 2;
    while (p < b.length && b[p] === 0) p++;
  }
  for (let local = 0; local < 16; local++) flush(local);
  return out;
}

/** Decodes a whole buffer into columns. */
export function decodeFitColumns(bytes: Uint8Array, opts: ColumnDecodeOptions = {}): ColumnDecodeResult {
  const d = new ColumnDecoder(opts);
  d.expect(countRows(bytes));
  d.push(bytes);
  d.end();
  return d.result();
}

/** Decodes chunks as they arrive into columns. */
export async function decodeFitColumnsStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, opts: ColumnDecodeOptions = {}): Promise<ColumnDecodeResult> {
  const d = new ColumnDecoder(opts);
  for await (const chunk of source) {
    d.push(chunk);
    if (d.raw.stopped) break;
  }
  d.end();
  return d.result();
}

/** Row i of a column as the object decoder (dates 'raw', enums off) gives it; undefined where absent. */
export function cellAt(c: Column, i: number): Value | Value[] | undefined {
  switch (c.kind) {
    case 'number':
      return c.values[i] === c.values[i] ? c.values[i] : undefined;
    case 'time':
      return c.values[i] === c.values[i] ? fitSecondsFromMs(c.values[i]) : undefined;
    case 'string':
      return c.offsets[i] === c.offsets[i + 1] ? undefined : splitStrings(c.text.slice(c.offsets[i], c.offsets[i + 1]));
    case 'array':
      return c.offsets[i] === c.offsets[i + 1] ? undefined : Array.from(c.values.subarray(c.offsets[i], c.offsets[i + 1]), (x) => (x === x ? x : null));
    case 'values':
      return c.values[i];
  }
}

/**
 * The rows of a message type back as `{ offset, fields, developer? }`, equal to what
 * `decodeFitObjects(bytes, { dates: 'raw', enums: false })` gives for that type (field order aside).
 */
export function columnRows(m: MessageColumns): { offset: number; fields: Record<string, Value | Value[]>; developer?: Record<string, Value | Value[]> }[] {
  const out = [];
  for (let i = 0; i < m.length; i++) {
    const fields: Record<string, Value | Value[]> = {};
    for (const [k, c] of Object.entries(m.columns)) {
      const v = cellAt(c, i);
      if (v !== undefined) fields[k] = v;
    }
    let developer: Record<string, Value | Value[]> | undefined;
    for (const [k, c] of Object.entries(m.developer)) {
      const v = cellAt(c, i);
      if (v !== undefined) (developer ??= {})[k] = v;
    }
    out.push(developer ? { offset: m.offsets[i], fields, developer } : { offset: m.offsets[i], fields });
  }
  return out;
}
