/**
 * The growing storage behind decodeFitColumns: one table per message type, one column per field
 * name, rows appended in file order. Numeric and time columns are Float64Arrays holding NaN
 * where a row lacks the field or holds it invalid: a compiled writer sets every column it
 * covers on each row (NaN included), and the columns it does not cover are NaN-filled once per
 * run of rows it wrote. Every column of a table shares its row capacity, sized by a counting
 * pass when there is one, else doubling; the caller bounds the total (`budget`).
 */
import type { Value } from './values.js';

/** Scaled numbers; NaN where the row lacks the field or holds it invalid. */
export interface NumberColumn {
  kind: 'number';
  values: Float64Array;
  /** Profile type of the field (`uint16`, `sport`, …; the base type of a developer field). */
  type: string;
  units: string;
  /** For enum types: value → name, as `enums: true` objects show them. */
  names?: ReadonlyMap<number, string>;
}

/**
 * A `date_time` field as Unix milliseconds (FIT seconds + FIT_EPOCH_S, times 1000); NaN where
 * absent. A value below 2^28 FIT seconds is seconds since the device powered up, not a date: it is
 * kept as those seconds (every real date is above 8.99e11 ms, so the two never overlap).
 */
export interface TimeColumn {
  kind: 'time';
  values: Float64Array;
}

/**
 * Text: row i is `text.slice(offsets[i], offsets[i + 1])`, empty where absent (a present string
 * is never empty). A field holding several NUL-separated strings keeps the NULs (see `stringAt`).
 */
export interface StringColumn {
  kind: 'string';
  offsets: Uint32Array;
  text: string;
}

/** Numeric arrays: row i is `values.subarray(offsets[i], offsets[i + 1])`, empty where absent; invalid elements NaN. */
export interface ArrayColumn {
  kind: 'array';
  offsets: Uint32Array;
  values: Float64Array;
}

/**
 * The rare field whose shape changes between rows (a scalar here, an array there), or a 64-bit
 * integer beyond 2^53: the values as `decodeFitObjects(…, { dates: 'raw', enums: false })` gives them.
 */
export interface ValuesColumn {
  kind: 'values';
  values: (Value | Value[] | undefined)[];
}

export type Column = NumberColumn | TimeColumn | StringColumn | ArrayColumn | ValuesColumn;

/** A column while decoding: scalar kinds hold a Float64Array of the table's capacity. */
export type Building =
  | { kind: 'number'; values: Float64Array; type: string; units: string }
  | { kind: 'time'; values: Float64Array }
  | { kind: 'string'; parts: string[]; rows: number[] }
  | { kind: 'array'; elements: number[]; starts: number[]; rows: number[] }
  | { kind: 'values'; values: (Value | Value[] | undefined)[] };

/** NaN over [from, to), by doubling copies (memmove): several times faster than fill(NaN) in V8. */
function fillNaN(a: Float64Array, from: number, to: number): void {
  if (from >= to) return;
  a[from] = NaN;
  for (let n = 1; from + n < to; n *= 2) a.copyWithin(from + n, from, Math.min(from + n, to - n));
}

/**
 * Which scalar columns (by slot) a compiled writer sets on every row it writes, NaN included;
 * null for the Interpreter's rows, which are NaN-filled whole before their cells are set.
 */
export type Coverage = Uint8Array | null;

export class MessageTable {
  length = 0;
  capacity = 0;
  /**
   * Rows from `runStart` on were written by one writer (`run`): the columns it does not cover
   * are NaN-filled over the run when it ends, once, rather than row by row or ahead of time.
   */
  run: Coverage = null;
  runStart = 0;
  /** Byte offset of each row's record in the input. */
  offsets = new Float64Array(0);
  readonly columns = new Map<string, Building>();
  readonly developer = new Map<string, Building>();
  /** Scalar columns by index, as compiled writers address them (`a[k][row]`). */
  readonly arrays: Float64Array[] = [];
  /** Where each scalar column sits in `arrays`. */
  readonly slots = new Map<Building, number>();

  constructor(
    readonly name: string,
    readonly num: number,
    /** Called with the cells (rows × scalar columns) a growth would allocate; may throw. */
    private readonly budget: (cells: number) => void,
    /** Byte range of the current file of the input (from its header), shared by every table. */
    private readonly span: { start: number; end: number },
  ) {}

  /**
   * Appends `n` rows written by a compiled writer covering `cov`, from records `stride` bytes
   * apart starting at byte `offset`; returns the first row's index.
   */
  rows(offset: number, n: number, stride: number, cov: Uint8Array): number {
    const i = this.length;
    while (i + n > this.capacity) this.#grow(offset);
    if (cov !== this.run) this.#endRun(i, cov);
    const o = this.offsets;
    for (let k = 0; k < n; k++) o[i + k] = offset + k * stride;
    this.length = i + n;
    return i;
  }

  /** Appends a row whose cells are all NaN, to be set one by one; returns its index. */
  blankRow(offset: number): number {
    const i = this.length;
    if (i === this.capacity) this.#grow(offset);
    this.#endRun(i, null);
    for (let k = 0; k < this.arrays.length; k++) this.arrays[k][i] = NaN;
    this.runStart = i + 1;
    this.offsets[i] = offset;
    this.length = i + 1;
    return i;
  }

  /** Ends the current run at row `at` (NaN where its writer did not write) and starts one for `cov`. */
  #endRun(at: number, cov: Coverage): void {
    const run = this.run;
    if (run !== null) {
      for (let k = 0; k < this.arrays.length; k++) if (run[k] !== 1) fillNaN(this.arrays[k], this.runStart, at);
    }
    this.run = cov;
    this.runStart = at;
  }

  /** Every row final: call before reading the columns. */
  close(): void {
    this.#endRun(this.length, null);
  }

  /** Rows expected (from a counting pass): the first growth allocates them at once. */
  expected = 0;

  #grow(offset: number): void {
    let n = Math.max(this.capacity < this.expected ? this.expected : 64, this.capacity * 2);
    // Past a quarter of the file, its rate so far predicts the rows to come: one allocation
    // near the final size instead of several doublings (at most ~4x the rows so far).
    const s = this.span;
    const done = offset - s.start;
    if (done * 4 >= s.end - s.start && done > 0) {
      n = Math.max(n, Math.ceil(((this.length * (s.end - s.start)) / done) * 1.02) + 16);
    }
    this.budget((n - this.capacity) * (this.arrays.length + 1));
    // One buffer for the offsets and every scalar column, each a view of n cells: one large
    // allocation, which the allocator hands back for the next decode instead of fresh pages.
    const slab = new ArrayBuffer(n * 8 * (this.arrays.length + 1));
    const o = new Float64Array(slab, 0, n);
    o.set(this.offsets);
    this.offsets = o;
    for (let k = 0; k < this.arrays.length; k++) {
      const a = new Float64Array(slab, n * 8 * (k + 1), n);
      a.set(this.arrays[k]);
      this.arrays[k] = a;
    }
    for (const [col, k] of this.slots) (col as { values: Float64Array }).values = this.arrays[k];
    this.capacity = n;
  }

  /** Column `name` is absent or of this kind. */
  holds(dev: boolean, name: string, kind: Building['kind']): boolean {
    const had = (dev ? this.developer : this.columns).get(name);
    return had === undefined || had.kind === kind;
  }

  /** The scalar column `name`, created when new; undefined when it exists with another kind. */
  scalar(dev: boolean, name: string, kind: 'number' | 'time', type: string, units: string): Building | undefined {
    const map = dev ? this.developer : this.columns;
    const had = map.get(name);
    if (had) return had.kind === kind ? had : undefined;
    this.budget(this.capacity);
    const values = new Float64Array(this.capacity);
    fillNaN(values, 0, this.length);
    const col: Building = kind === 'number' ? { kind, values, type, units } : { kind, values };
    this.slots.set(col, this.arrays.push(values) - 1);
    map.set(name, col);
    return col;
  }

  /** The column `name` of a non-scalar kind, created when new; undefined when it exists with another kind. */
  list(dev: boolean, name: string, kind: 'string' | 'array'): Building | undefined {
    const map = dev ? this.developer : this.columns;
    const had = map.get(name);
    if (had) return had.kind === kind ? had : undefined;
    const col: Building = kind === 'string' ? { kind, parts: [], rows: [] } : { kind, elements: [], starts: [], rows: [] };
    map.set(name, col);
    return col;
  }

  /** Turns column `name` into a `values` column (its rows so far converted), or creates one; returns it. */
  promote(dev: boolean, name: string): Extract<Building, { kind: 'values' }> {
    const map = dev ? this.developer : this.columns;
    const col = map.get(name);
    if (col?.kind === 'values') return col;
    const values: (Value | Value[] | undefined)[] = new Array(this.length).fill(undefined);
    switch (col?.kind) {
      case 'number':
      case 'time':
        for (let i = 0; i < this.length; i++) {
          const v = col.values[i];
          if (v === v) values[i] = col.kind === 'time' ? fitSecondsFromMs(v) : v;
        }
        this.slots.delete(col);
        break;
      case 'string':
        for (let j = 0; j < col.rows.length; j++) values[col.rows[j]] = splitStrings(col.parts[j]);
        break;
      case 'array':
        for (let j = 0; j < col.rows.length; j++) {
          const end = j + 1 < col.starts.length ? col.starts[j + 1] : col.elements.length;
          values[col.rows[j]] = col.elements.slice(col.starts[j], end).map((x) => (x === x ? x : null));
        }
        break;
    }
    const out: Extract<Building, { kind: 'values' }> = { kind: 'values', values };
    map.set(name, out);
    return out;
  }
}

const FIT_EPOCH_MS = 631065600 * 1000;
/** FIT seconds at and above which a date_time is a date. */
const MIN_ABSOLUTE = 0x10000000;

/** A date_time's FIT seconds as a time column holds them. */
export function msFromFitSeconds(t: number): number {
  return t >= MIN_ABSOLUTE ? t * 1000 + FIT_EPOCH_MS : t;
}

/** Back from a time column's value to FIT seconds. */
export function fitSecondsFromMs(v: number): number {
  return v >= MIN_ABSOLUTE * 1000 + FIT_EPOCH_MS ? (v - FIT_EPOCH_MS) / 1000 : v;
}

/** A string column's row text back to what the object decoder gives (several strings where NULs separate them). */
export function splitStrings(s: string): string | string[] {
  return s.includes('\0') ? s.split('\0') : s;
}

/** The finished column: typed arrays cut to the row count. */
export function finishColumn(col: Building, length: number, names: (type: string) => ReadonlyMap<number, string> | undefined): Column {
  switch (col.kind) {
    case 'number': {
      const out: NumberColumn = { kind: 'number', values: col.values.subarray(0, length), type: col.type, units: col.units };
      const n = names(col.type);
      if (n) out.names = n;
      return out;
    }
    case 'time':
      return { kind: 'time', values: col.values.subarray(0, length) };
    case 'string': {
      const offsets = new Uint32Array(length + 1);
      let at = 0;
      let j = 0;
      for (let i = 0; i < length; i++) {
        offsets[i] = at;
        if (j < col.rows.length && col.rows[j] === i) at += col.parts[j++].length;
      }
      offsets[length] = at;
      return { kind: 'string', offsets, text: col.parts.join('') };
    }
    case 'array': {
      const offsets = new Uint32Array(length + 1);
      let at = 0;
      let j = 0;
      for (let i = 0; i < length; i++) {
        offsets[i] = at;
        if (j < col.rows.length && col.rows[j] === i) {
          at = j + 1 < col.starts.length ? col.starts[j + 1] : col.elements.length;
          j++;
        }
      }
      offsets[length] = at;
      return { kind: 'array', offsets, values: Float64Array.from(col.elements) };
    }
    case 'values':
      if (col.values.length < length) col.values.length = length;
      return { kind: 'values', values: col.values };
  }
}
