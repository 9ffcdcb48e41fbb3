/**
 * Writes FIT files in code: valid ones for unit tests and the benchmark, and deliberately broken
 * ones (bad CRCs, wrong data size, arbitrary raw bytes) for decoder error paths and fuzz seeds.
 *
 * The builder checks only what it needs to encode (a data record needs a definition for its
 * local number, one value per field); anything else, however wrong, is written as asked.
 */
import { crc16 } from '../../src/core/bytes/crc16.js';
import { BASE_TYPE_BY_NAME, BaseType, Kind, baseTypeOf, type BaseTypeInfo } from '../../src/core/fit/proto/base-types.js';

/** One field of a definition: field number, size in bytes, base type byte (e.g. BaseType.uint16). */
export interface FieldDef {
  num: number;
  size: number;
  type: number;
}

/** One developer field of a definition. */
export interface DevFieldDef {
  num: number;
  size: number;
  devIndex: number;
  /** Base type used to encode values given for this field (not written: the field_description carries it). Default byte. */
  type?: number;
}

/**
 * A field value. null writes the base type's invalid sentinel; strings are UTF-8, NUL padded
 * (or truncated) to the field size; arrays fill size/typeSize elements, short ones padded with invalid.
 */
export type Value = number | bigint | string | readonly number[] | readonly bigint[] | null;

export interface FitBuilderOptions {
  headerSize?: 12 | 14;
  protocolVersion?: number;
  profileVersion?: number;
}

export interface DefineOptions {
  bigEndian?: boolean;
  devFields?: readonly DevFieldDef[];
}

export interface DataOptions {
  /** 0..31: write a compressed-timestamp header instead of a normal one (local must be 0..3). */
  compressedTimeOffset?: number;
  /** Developer field values, one per devFields entry of the definition. */
  dev?: readonly Value[];
}

export interface BuildOptions {
  /** 14-byte headers only. Default 'valid'. */
  headerCrc?: 'valid' | 'zero' | number;
  /** Overrides the header's data size (default: the real size of the data section). */
  dataSize?: number;
  /** 'none' leaves the trailing CRC out. Default 'valid'. */
  fileCrc?: 'valid' | 'none' | number;
}

interface Definition {
  fields: readonly FieldDef[];
  fieldTypes: BaseTypeInfo[];
  devFields: readonly DevFieldDef[];
  devTypes: BaseTypeInfo[];
  littleEndian: boolean;
}

const BYTE = BASE_TYPE_BY_NAME.byte;
const utf8 = new TextEncoder();

/** Unknown type numbers (a deliberately broken definition) are written as bytes. */
function typeInfo(typeByte: number): BaseTypeInfo {
  return baseTypeOf(typeByte) ?? BYTE;
}

/** An append-only byte buffer that grows geometrically, so 100 MB files build in linear time. */
class ByteWriter {
  buf = new Uint8Array(1 << 16);
  view = new DataView(this.buf.buffer);
  length = 0;

  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v;
  }

  u16(v: number, le: boolean): void {
    this.reserve(2);
    this.view.setUint16(this.length, v, le);
    this.length += 2;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
}

export class FitBuilder {
  readonly headerSize: 12 | 14;
  readonly protocolVersion: number;
  readonly profileVersion: number;
  private readonly out = new ByteWriter();
  private readonly defs: (Definition | undefined)[] = [];
  private dataRecords = 0;

  constructor(opts: FitBuilderOptions = {}) {
    this.headerSize = opts.headerSize ?? 14;
    this.protocolVersion = opts.protocolVersion ?? 0x20;
    this.profileVersion = opts.profileVersion ?? 2140;
  }

  /** Bytes written to the data section so far. */
  get dataSize(): number {
    return this.out.length;
  }

  /** Data records written so far (definitions and raw bytes not counted). */
  get messageCount(): number {
    return this.dataRecords;
  }

  /** Writes a definition record for local message `local` (0..15) and remembers it for data(). */
  define(local: number, globalNum: number, fields: readonly FieldDef[], opts: DefineOptions = {}): this {
    const devFields = opts.devFields ?? [];
    const le = !opts.bigEndian;
    const w = this.out;
    w.u8((devFields.length > 0 ? 0x60 : 0x40) | (local & 0x0f));
    w.u8(0); // reserved
    w.u8(le ? 0 : 1);
    w.u16(globalNum, le);
    w.u8(fields.length);
    for (const f of fields) w.bytes(Uint8Array.of(f.num, f.size, f.type));
    if (devFields.length > 0) {
      w.u8(devFields.length);
      for (const d of devFields) w.bytes(Uint8Array.of(d.num, d.size, d.devIndex));
    }
    this.defs[local & 0x0f] = {
      fields,
      fieldTypes: fields.map((f) => typeInfo(f.type)),
      devFields,
      devTypes: devFields.map((d) => typeInfo(d.type ?? BYTE.num)),
      littleEndian: le,
    };
    return this;
  }

  /** Writes a data record using the current definition of `local`. */
  data(local: number, values: readonly Value[], opts: DataOptions = {}): this {
    const def = this.defs[local & 0x0f];
    if (!def) throw new Error(`FitBuilder: no definition for local message ${local}`);
    if (values.length !== def.fields.length) {
      throw new Error(`FitBuilder: local ${local} has ${def.fields.length} fields, got ${values.length} values`);
    }
    const dev = opts.dev ?? [];
    if (dev.length !== def.devFields.length) {
      throw new Error(`FitBuilder: local ${local} has ${def.devFields.length} developer fields, got ${dev.length} values`);
    }
    const offset = opts.compressedTimeOffset;
    if (offset === undefined) {
      this.out.u8(local & 0x0f);
    } else {
      if (local > 3) throw new Error(`FitBuilder: compressed-timestamp headers need local 0..3, got ${local}`);
      this.out.u8(0x80 | (local << 5) | (offset & 0x1f));
    }
    for (let i = 0; i < values.length; i++) {
      this.writeField(def.fieldTypes[i], def.fields[i].size, values[i], def.littleEndian);
    }
    for (let i = 0; i < dev.length; i++) {
      this.writeField(def.devTypes[i], def.devFields[i].size, dev[i], def.littleEndian);
    }
    this.dataRecords++;
    return this;
  }

  /** Appends arbitrary bytes to the data section (garbage, truncated records, a record by hand). */
  raw(bytes: Uint8Array | readonly number[]): this {
    this.out.bytes(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
    return this;
  }

  /** Header + data + CRC as a new array; the builder can keep going or build variants afterwards. */
  build(opts: BuildOptions = {}): Uint8Array {
    const hs = this.headerSize;
    const dataLen = this.out.length;
    const fc = opts.fileCrc ?? 'valid';
    const withCrc = fc !== 'none';
    const file = new Uint8Array(hs + dataLen + (withCrc ? 2 : 0));
    const view = new DataView(file.buffer);
    file[0] = hs;
    file[1] = this.protocolVersion;
    view.setUint16(2, this.profileVersion, true);
    view.setUint32(4, opts.dataSize ?? dataLen, true);
    file.set(utf8.encode('.FIT'), 8);
    if (hs === 14) {
      const hc = opts.headerCrc ?? 'valid';
      view.setUint16(12, hc === 'valid' ? crc16(file, 0, 12) : hc === 'zero' ? 0 : hc, true);
    }
    file.set(this.out.buf.subarray(0, dataLen), hs);
    if (fc !== 'none') {
      const end = hs + dataLen;
      view.setUint16(end, fc === 'valid' ? crc16(file, 0, end) : fc, true);
    }
    return file;
  }

  /** Concatenates complete files into one chained FIT file. */
  static chain(...files: Uint8Array[]): Uint8Array {
    const out = new Uint8Array(files.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of files) {
      out.set(f, at);
      at += f.length;
    }
    return out;
  }

  private writeField(bt: BaseTypeInfo, size: number, value: Value, le: boolean): void {
    const w = this.out;
    w.reserve(size);
    const start = w.length;
    w.length += size;
    if (bt.kind === Kind.string) {
      // Strings: UTF-8, truncated to the field, NUL padded; null (invalid) is all NULs.
      w.buf.fill(0, start, start + size);
      if (value !== null) w.buf.set(utf8.encode(String(value)).subarray(0, size), start);
      return;
    }
    const count = Math.floor(size / bt.size);
    for (let i = 0; i < count; i++) {
      const v = Array.isArray(value) ? value[i] : i === 0 ? value : undefined;
      writeElement(w.view, start + i * bt.size, bt, v ?? null, le);
    }
    // A size that is not a multiple of the type size (broken definitions): pad the remainder.
    w.buf.fill(0xff, start + count * bt.size, start + size);
  }
}

function writeElement(view: DataView, at: number, bt: BaseTypeInfo, v: number | bigint | string | null, le: boolean): void {
  if (v === null) {
    // Float invalid is all 0xFF bits (the spec's sentinel), not any NaN DataView would pick.
    if (bt.kind === Kind.float) {
      for (let i = 0; i < bt.size; i++) view.setUint8(at + i, 0xff);
      return;
    }
    v = bt.invalid;
  }
  if (typeof v === 'string') throw new Error(`FitBuilder: string value for ${bt.name} field`);
  switch (bt.kind) {
    case Kind.float:
      if (bt.size === 4) view.setFloat32(at, Number(v), le);
      else view.setFloat64(at, Number(v), le);
      return;
    case Kind.bigUint:
    case Kind.bigSint:
      view.setBigUint64(at, BigInt.asUintN(64, BigInt(v)), le);
      return;
    default: {
      // Masking makes negative numbers come out as two's complement in every width.
      const n = Number(v);
      if (bt.size === 1) view.setUint8(at, n & 0xff);
      else if (bt.size === 2) view.setUint16(at, n & 0xffff, le);
      else view.setUint32(at, n >>> 0, le);
    }
  }
}

/** Global message numbers of the FIT profile used by tests and the benchmark. */
/** file_id as devices write it: type, manufacturer, product, serial_number, time_created. */
export const FILE_ID_FIELDS: readonly FieldDef[] = [
  { num: 0, size: 1, type: BaseType.enum }, // type
  { num: 1, size: 2, type: BaseType.uint16 }, // manufacturer
  { num: 2, size: 2, type: BaseType.uint16 }, // product
  { num: 3, size: 4, type: BaseType.uint32z }, // serial_number
  { num: 4, size: 4, type: BaseType.uint32 }, // time_created
];

export const MesgNum = {
  fileId: 0,
  session: 18,
  lap: 19,
  record: 20,
  event: 21,
  deviceInfo: 23,
  activity: 34,
  fieldDescription: 206,
  developerDataId: 207,
} as const;

/** A developer field to declare with declareDevFields. */
export interface DevFieldDescription {
  num: number;
  /** Base type byte of the field's values. */
  type: number;
  name: string;
  units?: string;
  nativeMesgNum?: number;
}

/**
 * Writes a developer_data_id (207) message and one field_description (206) per field, using
 * `local` for both definitions (so it is clobbered). Returns DevFieldDefs ready for define();
 * `sizes` gives each field's size in bytes (default: one element of its type).
 */
export function declareDevFields(
  b: FitBuilder,
  local: number,
  devIndex: number,
  applicationId: readonly number[],
  fields: readonly DevFieldDescription[],
  sizes: readonly number[] = [],
): DevFieldDef[] {
  b.define(local, MesgNum.developerDataId, [
    { num: 1, size: 16, type: BaseType.byte }, // application_id
    { num: 3, size: 1, type: BaseType.uint8 }, // developer_data_index
  ]);
  b.data(local, [applicationId, devIndex]);
  b.define(local, MesgNum.fieldDescription, [
    { num: 0, size: 1, type: BaseType.uint8 }, // developer_data_index
    { num: 1, size: 1, type: BaseType.uint8 }, // field_definition_number
    { num: 2, size: 1, type: BaseType.uint8 }, // fit_base_type_id
    { num: 3, size: 32, type: BaseType.string }, // field_name
    { num: 8, size: 16, type: BaseType.string }, // units
    { num: 14, size: 2, type: BaseType.uint16 }, // native_mesg_num
  ]);
  return fields.map((f, i) => {
    b.data(local, [devIndex, f.num, f.type, f.name, f.units ?? null, f.nativeMesgNum ?? null]);
    return { num: f.num, size: sizes[i] ?? typeInfo(f.type).size, devIndex, type: f.type };
  });
}
