/**
 * FIT → CSV exactly as Garmin's FitCSVTool writes it (docs/fitcsv-format.md): definition and
 * data rows, growing row widths, quoting, Java number formatting, and the options people use.
 * Rows stream out through `onRow` as they are made; the header row depends on the widest row of
 * the whole file, which fitcsv-width.ts finds before the first row (fitcsv-dump.ts puts it first).
 */
import type { Diagnostic } from '../errors.js';
import type { DefinitionFrame, RawScalar } from '../fit/decode/frames.js';
import { Interpreter } from '../fit/decode/interpret.js';
import type { FitField, FitMessage } from '../fit/decode/message.js';
import { RawDecoder, type RawDecoderOptions } from '../fit/decode/raw.js';
import { isoFromFitTime } from '../fit/kit/time.js';
import { upperSnake } from '../fit/profile/names.js';
import type { Profile } from '../fit/profile/profile.js';
import { Kind, isInvalid, type BaseTypeInfo } from '../fit/proto/base-types.js';
import { AccumulatorSeeds } from '../fit/decode/codegen.js';
import { CsvBytes } from './fitcsv-bytes.js';
import type { FitDataCsvWriter } from './fitcsv-data.js';
import { compileFastRow, type FastRow } from './fitcsv-fast.js';
import { formatJavaDegrees, formatJavaDouble, formatJavaFloat } from './java-number.js';

export type InvalidPolicy = 'drop' | 'raw' | 'empty';

export interface FitCsvOptions {
  /** `drop` (default), `raw` (-s: print sentinels), `empty` (-se: print ""). */
  invalid?: InvalidPolicy;
  /** -u: hide unknown messages, unknown fields and undefined developer fields. */
  hideUnknown?: boolean;
  /** -x: byte values as 0x%02x. */
  hex?: boolean;
  /** -deg: semicircles as degrees. */
  degrees?: boolean;
  /** -iso8601: date_time values as ISO 8601 UTC. */
  iso8601?: boolean;
  /** -e: enum values as names. */
  enumNames?: boolean;
  /** --defn: message names whose definition rows are shown ('none' for none). */
  defn?: string[];
  /** --data: message names whose data rows are shown. */
  data?: string[];
  /** -ex: --defn and --data list what to leave out instead. */
  exclude?: boolean;
}

/** A field ready for a row: name, formatted value, units. */
export interface CsvCell {
  name: string;
  value: string;
  units: string;
}

const DEV_UNDEFINED = 'undefined-dev-data';

/** What a definition row needs of a bound developer field description. */
export interface BoundDevField {
  name?: string;
  baseType: { size: number };
}

export class FitCsvWriter {
  #opts: FitCsvOptions;
  #profile: Profile;
  #out: CsvBytes;
  #width = 0;
  #defn?: Set<string>;
  #data?: Set<string>;
  #dataTable?: FitDataCsvWriter;
  hiddenFields = 0;
  hiddenMessages = 0;
  rows = 0;
  /** Raw values of accumulating fields the fast rows read, for the Interpreter (flush before it decodes a message). */
  readonly seeds = new AccumulatorSeeds();

  /** Rows go to `onRow` one by one (without their newline), or into `out`'s buffer. */
  constructor(profile: Profile, onRow: ((line: string) => void) | CsvBytes, opts: FitCsvOptions = {}, dataTable?: FitDataCsvWriter) {
    this.#profile = profile;
    this.#dataTable = dataTable;
    this.#out = onRow instanceof CsvBytes ? onRow : new CsvBytes({ row: onRow });
    this.#opts = opts;
    if (opts.defn) this.#defn = new Set(opts.defn.map((s) => s.toLowerCase()));
    if (opts.data) this.#data = new Set(opts.data.map((s) => s.toLowerCase()));
  }

  /** The widest row so far, in field triplets. */
  get width(): number {
    return this.#width;
  }

  /** The header for the rows written so far (fitcsv-width.ts knows it before the first). */
  headerRow(): string {
    return headerRow(this.#width);
  }

  #selected(list: Set<string> | undefined, name: string): boolean {
    if (!list) return true;
    if (list.has('none')) return !!this.#opts.exclude;
    return list.has(name) !== !!this.#opts.exclude;
  }

  #emit(type: string, local: number, name: string, cells: string[]): void {
    let line = `${type},${local},${name},`;
    for (const c of cells) line += c + ',';
    this.#emitLine(line, cells.length / 3);
  }

  /** A row of `k` field triplets. */
  #emitLine(line: string, k: number): void {
    this.#out.begin(line.length * 3);
    this.#out.text(line);
    this.#endRow(k);
  }

  /** Ends the row written to the output, of `k` field triplets: padded to the widest row so far, as FitCSVTool pads it. */
  #endRow(k: number): void {
    if (k > this.#width) this.#width = k;
    this.rows++;
    this.#out.end(this.#width - k);
  }

  /**
   * A definition record, with the developer field descriptions bound to it when it was read
   * (undefined where none was known).
   */
  definition(def: DefinitionFrame, dev: readonly (BoundDevField | undefined)[] = []): void {
    const cells = this.#definitionCells(def, dev, true);
    if (cells) this.#emit('Definition', def.local, this.#profile.message(def.globalNum)?.name ?? 'unknown', cells);
  }

  /** Field triplets of a definition's row, or -1 when it makes no row. */
  definitionWidth(def: DefinitionFrame, dev: readonly (BoundDevField | undefined)[] = []): number {
    const cells = this.#definitionCells(def, dev, false);
    return cells ? cells.length / 3 : -1;
  }

  #definitionCells(def: DefinitionFrame, dev: readonly (BoundDevField | undefined)[], count: boolean): string[] | undefined {
    const mdef = this.#profile.message(def.globalNum);
    const name = mdef?.name ?? 'unknown';
    // -u hides unknown messages' definitions whole; their fields are not in the count.
    if (!mdef && this.#opts.hideUnknown) return undefined;
    if (!this.#selected(this.#defn, name)) return undefined;
    const cells: string[] = [];
    for (const f of def.fields) {
      const fname = mdef?.fields.get(f.num)?.name;
      if (!fname && this.#opts.hideUnknown) {
        if (count) this.hiddenFields++;
        continue;
      }
      cells.push(fname ?? 'unknown', String(f.count), '');
    }
    def.devFields.forEach((d, i) => {
      const bound = dev[i];
      if (!bound && this.#opts.hideUnknown) {
        if (count) this.hiddenFields++;
        return;
      }
      // Undefined developer fields count bytes; defined ones count elements of their type.
      const n = Math.floor(d.size / (bound?.baseType.size ?? 1));
      cells.push(bound ? (bound.name ?? 'null') : DEV_UNDEFINED, String(n), '');
    });
    return cells;
  }

  /** Whether data messages of this name get rows (`known`: the profile knows the message). */
  showsData(name: string, known: boolean): boolean {
    return (known || !this.#opts.hideUnknown) && this.#selected(this.#data, name);
  }

  data(msg: FitMessage): void {
    const name = msg.def ? msg.def.name : 'unknown';
    if (!msg.def && this.#opts.hideUnknown) {
      this.hiddenMessages++;
      return;
    }
    if (!this.#selected(this.#data, name)) return;
    const shown: { field: FitField; cell: CsvCell }[] | undefined = this.#dataTable ? [] : undefined;
    let line = 'Data,' + msg.local + ',' + name + ',';
    let k = 0;
    for (const f of msg.fields) {
      if (!this.shows(f)) continue;
      const c = this.#cell(f);
      line += c.name + ',' + quote(c.value) + ',' + c.units + ',';
      k++;
      shown?.push({ field: f, cell: c });
    }
    this.#emitLine(line, k);
    if (shown) this.#dataTable!.message(name, shown);
  }

  /**
   * The fast row writer for data records of `def` (fitcsv-fast.ts), or undefined where they take
   * data(): with an option that changes how values print, the _data.csv table, or records whose
   * rows need the interpreter.
   */
  fastRow(def: DefinitionFrame, expand: boolean): FastRow | undefined {
    const o = this.#opts;
    if (o.hex || o.degrees || o.iso8601 || o.enumNames || (o.invalid ?? 'drop') !== 'drop' || this.#dataTable) return undefined;
    const mdef = this.#profile.message(def.globalNum);
    if (!mdef || !this.showsData(mdef.name, true)) return undefined;
    return compileFastRow(this.#profile, def, { hideUnknown: o.hideUnknown ?? false, expand }, { out: this.#out, end: (k) => this.#endRow(k), seeds: this.seeds });
  }

  /** Field triplets of a data message's row, or -1 when it makes no row: the cells data() writes, counted. */
  dataWidth(msg: FitMessage): number {
    if (!this.showsData(msg.def ? msg.def.name : 'unknown', msg.def !== undefined)) return -1;
    let n = 0;
    for (const f of msg.fields) if (this.shows(f)) n++;
    return n;
  }

  /** Whether cell() shows the field (every way it leaves a field out is decided here). */
  shows(f: FitField): boolean {
    const o = this.#opts;
    if (f.oversized) return false; // declared larger than the profile's type (§2b)
    const known = f.kind === 'developer' ? f.dev?.name !== undefined : f.def !== undefined;
    if (!known && o.hideUnknown) return false;
    const r = f.raw;
    if (typeof r === 'string') return hasPiece(r);
    // A field is dropped when its stored elements are all invalid. Expanded values never make
    // FitCSVTool drop a field; a stored field with expanded values appended is judged by its
    // stored elements alone.
    if ((o.invalid ?? 'drop') !== 'drop' || f.kind === 'expanded') return true;
    const bt = f.baseType;
    if (!Array.isArray(r)) return !isInvalid(bt, r);
    const stored = f.storedCount ?? r.length;
    for (let i = 0; i < stored; i++) if (!isInvalid(bt, r[i])) return true;
    return stored === 0;
  }

  /** One field as FitCSVTool shows it, or undefined when it leaves the field out (shows()). */
  cell(f: FitField): CsvCell | undefined {
    return this.shows(f) ? this.#cell(f) : undefined;
  }

  #cell(f: FitField): CsvCell {
    const o = this.#opts;
    const name = f.kind === 'developer' ? (f.dev?.name ?? 'null') : f.def ? f.name : 'unknown';
    const units = this.#units(f, f.kind === 'developer' ? (f.dev?.units ?? 'null') : f.units);
    const bt = f.baseType;
    const r = f.raw;
    if (typeof r === 'number' || typeof r === 'bigint') {
      // -se: a lone invalid value is "".
      return { name, value: o.invalid === 'empty' && isInvalid(bt, r) ? '' : this.#element(f, bt, r), units };
    }
    const elems: RawScalar[] = typeof r === 'string' ? splitString(r) : r;
    // Invalid values: docs/fitcsv-invalid-values.md (the decoder already reads a same-size
    // field as its profile type, which then decides validity).
    let value = '';
    for (let i = 0; i < elems.length; i++) {
      // -se: each element is let through only if the one before it (the first: itself) is
      // valid, so an array ends at its first invalid element and a lone invalid value is "".
      if (o.invalid === 'empty' && isInvalid(bt, elems[i > 0 ? i - 1 : 0])) break;
      value += this.#element(f, bt, elems[i]);
      if (i < elems.length - 1) value += '|';
    }
    return { name, value, units };
  }

  #units(f: FitField, units: string): string {
    if (this.#opts.degrees && units === 'semicircles' && f.kind !== 'developer') return 'degrees';
    if (this.#opts.iso8601 && f.type === 'date_time' && f.kind !== 'developer') return '';
    return units;
  }

  #element(f: FitField, bt: BaseTypeInfo, v: RawScalar): string {
    if (typeof v === 'string') return v;
    const o = this.#opts;
    // -x shows every byte in hex, the invalid 0xff included.
    if (o.hex && f.baseType.name === 'byte') return '0x' + Number(v).toString(16).padStart(2, '0');
    if (isInvalid(bt, v)) return typeof v === 'bigint' ? v.toString() : Number.isNaN(v) ? 'NaN' : String(v);
    if (f.kind !== 'developer') {
      if (o.degrees && f.units === 'semicircles') return formatJavaDegrees(Number(v));
      if (o.iso8601 && f.type === 'date_time') return isoFromFitTime(Number(v));
      if (o.enumNames && !f.sub && f.def) {
        const label = this.#enumLabel(f, Number(v));
        if (label !== undefined) return label;
      }
    }
    if (f.scale !== 1 || f.offset !== 0) return formatJavaDouble(Number(v) / f.scale - f.offset);
    if (typeof v === 'bigint') return v.toString();
    if (bt.kind === Kind.float) return bt.size === 4 ? formatJavaFloat(v) : formatJavaDouble(v);
    return String(v);
  }

  /** -e labels: enum-based types print INVALID for unknown values, number types the number. */
  #enumLabel(f: FitField, v: number): string | undefined {
    const type = this.#profile.types.get(f.type);
    if (!type || f.type === 'date_time' || f.type === 'local_date_time') return undefined;
    const label = type.values.get(v);
    if (label !== undefined) return IRREGULAR_LABELS[label] ?? upperSnake(label);
    return f.def?.baseType.name === 'enum' && f.type !== 'bool' ? 'INVALID' : undefined;
  }
}

/**
 * -e labels the camelCase → UPPER_SNAKE rule gets wrong: Java's enum constants put `_` at some
 * letter→digit boundaries and not at others (HOUR12, UINT16, but POWER_3S), so the known ones
 * are listed. Only the power targets and durations are known to need it.
 */
const IRREGULAR_LABELS: Readonly<Record<string, string>> = {
  power3s: 'POWER_3S',
  power10s: 'POWER_10S',
  power30s: 'POWER_30S',
  power3sLessThan: 'POWER_3S_LESS_THAN',
  power10sLessThan: 'POWER_10S_LESS_THAN',
  power30sLessThan: 'POWER_30S_LESS_THAN',
  power3sGreaterThan: 'POWER_3S_GREATER_THAN',
  power10sGreaterThan: 'POWER_10S_GREATER_THAN',
  power30sGreaterThan: 'POWER_30S_GREATER_THAN',
};

/** FitCSVTool's header row for rows of up to `width` field triplets. */
export function headerRow(width: number): string {
  let s = 'Type,Local Number,Message,';
  for (let i = 1; i <= width; i++) s += `Field ${i},Value ${i},Units ${i},`;
  return s;
}

/** Whether splitString() leaves a piece: a character other than NUL. */
function hasPiece(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 0) return true;
  return false;
}

/** Strings print split at NUL bytes, trailing empty pieces dropped (docs §5.4). */
function splitString(s: string): string[] {
  if (s.indexOf('\0') < 0) return s.length > 0 ? [s] : [];
  const parts = s.split('\0');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function quote(v: string): string {
  return '"' + (v.indexOf('"') >= 0 ? v.replace(/"/g, '""') : v) + '"';
}

export interface FitCsvRunOptions extends FitCsvOptions {
  profile: Profile;
  /** -re turns component expansion off. */
  expandComponents?: boolean;
}

/**
 * Wires the raw decoder, the interpreter and the writer: push bytes into `decoder`, rows come
 * out of `onRow` (or into `out`'s buffer), and `writer.headerRow()` is the header once the input
 * has ended.
 */
export function createFitCsvDecoder(opts: FitCsvRunOptions, onRow: ((line: string) => void) | CsvBytes, onDiagnostic?: (d: Diagnostic) => void, dataTable?: FitDataCsvWriter, crc = true) {
  const interp = csvInterpreter(opts);
  const writer = new FitCsvWriter(opts.profile, onRow, opts, dataTable);
  const expand = opts.expandComponents ?? true;
  /** The fast row writer of each local message type's current definition: undefined until its first record. */
  const fast: (FastRow | null | undefined)[] = new Array(16).fill(undefined);
  const onRecord = (def: DefinitionFrame, b: Uint8Array, dv: DataView, p: number, timestamp: number): boolean => {
    if (timestamp >= 0) return false; // a compressed-header record: its timestamp is a field
    let row = fast[def.local];
    if (row === undefined) row = fast[def.local] = writer.fastRow(def, expand) ?? null;
    if (row === null) return false;
    row(b, dv, p);
    return true;
  };
  const decoder = new RawDecoder(
    (f) => {
      if (f.kind === 'definition') {
        interp.frame(f);
        fast[f.local] = undefined;
        writer.definition(f, interp.devBinding(f));
      } else if (f.kind === 'data') {
        writer.seeds.flush(interp);
        writer.data(interp.message(f));
      }
    },
    { ...csvRawOptions(onDiagnostic, onRecord), crc },
  );
  return { decoder, writer };
}

/** The interpreter as FitCSVTool's options set it up. */
export function csvInterpreter(opts: FitCsvRunOptions): Interpreter {
  const keepInvalid = opts.invalid === 'raw' || opts.invalid === 'empty';
  return new Interpreter(opts.profile, { expandComponents: opts.expandComponents, expandInvalid: keepInvalid });
}

/** FitCSVTool stops at a data size that cannot be right; so does its CSV (every pass reads alike). */
export function csvRawOptions(onDiagnostic?: (d: Diagnostic) => void, onRecord?: RawDecoderOptions['onRecord']): RawDecoderOptions {
  return { onDiagnostic, onRecord, readPastDataSize: false };
}
