/**
 * A FIT file as its records, for edits that keep everything they do not touch: every definition
 * and data record in file order, local types and compressed-timestamp headers as they were, each
 * field's bytes as stored (multi-byte elements turned little-endian). Edits change field bytes,
 * add or drop fields of a definition (its data records follow) and drop records; `writeRecords`
 * writes the result through the encoder's writer with fresh header and CRC. Chained files become
 * one file. Whole-file in memory: callers bound the input's size.
 */
import { FitkitError } from '../errors.js';
import { RawDecoder } from '../fit/decode/raw.js';
import type { DefinitionFrame } from '../fit/decode/frames.js';
import { BufferSink } from '../fit/encode/sink.js';
import { FitWriter, type RawDevField, type RawField } from '../fit/encode/writer.js';
import { encodeValue } from '../fit/encode/element.js';
import type { Profile } from '../fit/profile/profile.js';
import { BASE_TYPES, BaseType, Kind, baseTypeOf, type BaseTypeInfo } from '../fit/proto/base-types.js';

export interface FieldShape {
  num: number;
  size: number;
  /** Base type byte. */
  type: number;
}

export interface DevFieldShape {
  num: number;
  size: number;
  devIndex: number;
}

export interface DefinitionRecord {
  kind: 'definition';
  local: number;
  globalNum: number;
  fields: FieldShape[];
  devFields: DevFieldShape[];
}

export interface DataRecord {
  kind: 'data';
  def: DefinitionRecord;
  /** Bytes of each native field, by the definition's field number (little-endian). */
  values: Map<number, Uint8Array>;
  /** Bytes of each developer field, in the definition's order. */
  dev: Uint8Array[];
  /** The timestamp a compressed-timestamp header stood for. */
  compressedTimestamp?: number;
}

export type RawRecord = DefinitionRecord | DataRecord;

const TIMESTAMP = 253;
const FIELD_DESCRIPTION = 206;
const BYTE = BASE_TYPES[BaseType.byte & 0x1f];

/** Reverses each element of a big-endian field so the bytes read little-endian. */
function littleEndian(bytes: Uint8Array, bt: BaseTypeInfo | undefined): Uint8Array {
  if (!bt || bt.size === 1 || bt.kind === Kind.string) return bytes.slice();
  const out = new Uint8Array(bytes.length);
  const n = Math.floor(bytes.length / bt.size) * bt.size;
  for (let i = 0; i < n; i += bt.size) for (let k = 0; k < bt.size; k++) out[i + k] = bytes[i + bt.size - 1 - k];
  out.set(bytes.subarray(n), n);
  return out;
}

/** Reads every record of `bytes`; a damaged file is refused (repair it first). */
export function readRecords(bytes: Uint8Array): { records: RawRecord[]; profileVersion: number } {
  const records: RawRecord[] = [];
  const defs = new Map<DefinitionFrame, DefinitionRecord>();
  // Developer field base types, by "devIndex:num", from field_descriptions read so far.
  const devTypes = new Map<string, BaseTypeInfo>();
  let profileVersion = 0;
  const raw = new RawDecoder((f) => {
    if (f.kind === 'header') {
      if (f.fileIndex === 0) profileVersion = f.profileVersion;
    } else if (f.kind === 'definition') {
      const d: DefinitionRecord = {
        kind: 'definition',
        local: f.local,
        globalNum: f.globalNum,
        fields: f.fields.map((x) => ({ num: x.num, size: x.size, type: x.type })),
        devFields: f.devFields.map((x) => ({ num: x.num, size: x.size, devIndex: x.devIndex })),
      };
      defs.set(f, d);
      records.push(d);
    } else if (f.kind === 'data') {
      const def = defs.get(f.definition)!;
      const values = new Map<number, Uint8Array>();
      let p = f.offset + 1;
      for (const fd of f.definition.fields) {
        // A repeated field number: the later one stands (as readers take it).
        values.set(fd.num, f.definition.bigEndian ? littleEndian(bytes.subarray(p, p + fd.size), fd.baseType) : bytes.slice(p, p + fd.size));
        p += fd.size;
      }
      const dev = f.definition.devFields.map((d, i) => {
        const b = f.devValues[i];
        return f.definition.bigEndian ? littleEndian(b, devTypes.get(`${d.devIndex}:${d.num}`)) : b.slice();
      });
      if (f.globalNum === FIELD_DESCRIPTION) {
        const [index, num, type] = [0, 1, 2].map((n) => values.get(n)?.[0]);
        if (index !== undefined && num !== undefined && type !== undefined) devTypes.set(`${index}:${num}`, baseTypeOf(type) ?? BYTE);
      }
      records.push({ kind: 'data', def, values, dev, compressedTimestamp: f.compressedTimestamp });
    }
  });
  raw.push(bytes);
  raw.end();
  const bad = raw.diagnostics.find((d) => d.level === 'error');
  if (raw.stopped || bad) {
    throw new FitkitError(bad?.code ?? 'truncated', `${bad?.message ?? 'cannot read the file'} (fitkit repair salvages what can be read)`, { offset: bad?.offset });
  }
  return { records, profileVersion };
}

/** The field's bytes holding `value` in the definition's base type. */
export function fieldBytes(shape: FieldShape, value: number | bigint | string | (number | bigint | string)[]): Uint8Array {
  const bt = baseTypeOf(shape.type) ?? BYTE;
  return encodeValue(bt, shape.size, value, `field ${shape.num}`);
}

/** Bytes of the base type's invalid value for a field of `size` bytes. */
export function invalidBytes(type: number, size: number): Uint8Array {
  const bt = baseTypeOf(type) ?? BYTE;
  if (bt.kind === Kind.string) return new Uint8Array(size);
  return encodeValue(bt, size, bt.invalid);
}

/**
 * Sets a native field of a data record, adding it to the record's definition when missing
 * (other records of that definition then hold its invalid value).
 */
export function setField(rec: DataRecord, num: number, type: number, size: number, value: number | bigint | string): void {
  let shape = rec.def.fields.find((f) => f.num === num);
  if (!shape) {
    shape = { num, size, type };
    rec.def.fields.push(shape);
  }
  rec.values.set(num, fieldBytes(shape, value));
}

/** The first element of a field as an unsigned number (little-endian), or undefined. */
export function fieldNumber(rec: DataRecord, num: number): number | undefined {
  const shape = rec.def.fields.find((f) => f.num === num);
  const b = rec.values.get(num);
  if (!shape || !b) return undefined;
  const bt = baseTypeOf(shape.type) ?? BYTE;
  if (bt.kind === Kind.string || bt.kind === Kind.float || bt.size > 4 || b.length < bt.size) return undefined;
  let v = 0;
  for (let i = bt.size - 1; i >= 0; i--) v = v * 256 + b[i];
  return v;
}

/** Writes the records as one FIT file (header profile version: the input's, else the profile's). */
export function writeRecords(records: readonly RawRecord[], profile: Profile, profileVersion = 0): Uint8Array {
  const [major, minor] = profile.version.split('.').map(Number);
  const sink = new BufferSink();
  const w = new FitWriter(sink, { profileVersion: profileVersion || (Number.isFinite(major) ? major * 1000 + (minor || 0) : 0) });
  let last = -1;
  for (const r of records) {
    if (r.kind === 'definition') {
      w.define(r.local, { globalNum: r.globalNum, fields: r.fields, devFields: r.devFields });
      continue;
    }
    const fields: RawField[] = r.def.fields.map((f) => {
      const b = r.values.get(f.num);
      const bytes = b && b.length === f.size ? b : invalidBytes(f.type, f.size);
      return { num: f.num, size: f.size, type: f.type, value: 0, bytes };
    });
    const dev: RawDevField[] = r.def.devFields.map((d, i) => ({ num: d.num, devIndex: d.devIndex, bytes: r.dev[i] ?? new Uint8Array(d.size).fill(0xff) }));
    let offset: number | undefined;
    if (r.compressedTimestamp !== undefined) {
      const t = r.compressedTimestamp;
      const base = last < 0 ? 0 : last;
      // The reader rolls the last full timestamp forward: the records left out must not break that.
      if (t < base || t - base >= 32) {
        throw new FitkitError('encode_timestamp', `a compressed timestamp (${t}) is no longer within 31 s after the timestamp before it (${base})`);
      }
      offset = t & 0x1f;
      last = t;
    }
    w.writeLocal(r.def.local, fields, dev, offset);
    const ts = r.values.get(TIMESTAMP);
    const tsShape = r.def.fields.find((f) => f.num === TIMESTAMP);
    if (ts && tsShape && ts.length === 4 && (baseTypeOf(tsShape.type)?.size ?? 0) === 4) {
      const v = ts[0] + ts[1] * 256 + ts[2] * 65536 + ts[3] * 16777216;
      if (v !== 0xffffffff) last = v;
    }
  }
  w.finish();
  return sink.bytes();
}
