/**
 * The raw FIT writer: header, definition and data records, file CRC. Values arrive as the
 * decoder's raw values (numbers, bigint, strings, arrays); meaning is the encoder's business.
 * Ref: FIT protocol, "File Header", "Record Header", "Definition Message", "CRC".
 */
import { FitkitError } from '../../errors.js';
import { crc16 } from '../../bytes/crc16.js';
import { baseTypeOf } from '../proto/base-types.js';
import type { RawValue } from '../decode/frames.js';
import { encodeValueInto } from './element.js';
import { LocalTypes, shapeKey, type DefinitionShape } from './local-types.js';
import type { FitSink } from './sink.js';

export const HEADER_SIZE = 14;
/** Protocol 2.0 (64-bit types, developer fields). */
export const PROTOCOL_VERSION = 0x20;
const CHUNK = 64 * 1024;
const ZEROS = new Uint8Array(CHUNK);

export interface RawField {
  num: number;
  /** Bytes in the record. */
  size: number;
  /** Base type byte, e.g. 0x84 for uint16. */
  type: number;
  value: RawValue;
  /** Bytes to write as they are instead of encoding `value` (e.g. a string kept byte for byte). */
  bytes?: Uint8Array;
  /** Names the field in errors (default: message and field numbers). */
  what?: string;
}

export interface RawDevField {
  num: number;
  devIndex: number;
  /** The field's bytes as stored (little-endian). */
  bytes: Uint8Array;
}

export interface WriterOptions {
  /** Header profile version (e.g. 21217 for 21.217). */
  profileVersion?: number;
  /** Local types in rotation, 1..16 (default 16). */
  localTypes?: number;
}

export class FitWriter {
  readonly #sink: FitSink;
  readonly #locals: LocalTypes;
  readonly #profileVersion: number;
  #buf = new Uint8Array(CHUNK);
  #view = new DataView(this.#buf.buffer);
  #used = 0;
  /** CRC of the data section alone; the header's share is added at the end. */
  #crc = 0;
  #dataSize = 0;
  #finished = false;
  /** Shapes of the local types written with define(). */
  #defined: (DefinitionShape | undefined)[] = [];
  #lastKey = '';
  #lastLocal = 0;
  definitions = 0;
  records = 0;

  constructor(sink: FitSink, opts: WriterOptions = {}) {
    this.#sink = sink;
    this.#locals = new LocalTypes(opts.localTypes ?? 16);
    this.#profileVersion = opts.profileVersion ?? 0;
    // Placeholder: the data size is only known at the end.
    sink.write(new Uint8Array(HEADER_SIZE));
  }

  /** One data record, preceded by its definition when its shape has no local type yet. */
  write(globalNum: number, fields: readonly RawField[], devFields: readonly RawDevField[] = []): void {
    if (this.#finished) throw new FitkitError('encode_finished', 'the FIT file is already finished');
    const shape: DefinitionShape = {
      globalNum,
      fields,
      devFields: devFields.map((d) => ({ num: d.num, size: d.bytes.length, devIndex: d.devIndex })),
    };
    this.#record(this.#local(shapeKey(shape), shape), globalNum, fields, devFields);
  }

  /**
   * Room for one data record of a shape whose key (shapeKey) the caller keeps, preceded by its
   * definition when needed: returns where the record's `bodySize` bytes go in `buffer` (valid
   * until the next write). For a message written many times (see PreparedMessage).
   */
  reserveKeyed(key: string, shape: DefinitionShape, bodySize: number): number {
    if (this.#finished) throw new FitkitError('encode_finished', 'the FIT file is already finished');
    const local = this.#local(key, shape);
    const at = this.#reserve(1 + bodySize);
    this.#buf[at] = local;
    this.records++;
    return at + 1;
  }

  get buffer(): Uint8Array {
    return this.#buf;
  }

  get view(): DataView {
    return this.#view;
  }

  /** The local type for a shape, its definition written first when it has none. */
  #local(key: string, shape: DefinitionShape): number {
    // The most recent shape again (a record after a record) changes nothing in the rotation.
    if (key === this.#lastKey) return this.#lastLocal;
    const { local, define } = this.#locals.take(key);
    if (define) this.#definition(local, shape);
    this.#lastKey = key;
    this.#lastLocal = local;
    return local;
  }

  #record(header: number, globalNum: number, fields: readonly RawField[], devFields: readonly RawDevField[]): void {
    let size = 1;
    for (const f of fields) size += f.size;
    for (const d of devFields) size += d.bytes.length;
    const rec = this.#reserve(size);
    const b = this.#buf;
    b[rec] = header;
    let o = rec + 1;
    for (const f of fields) {
      const bt = baseTypeOf(f.type);
      if (!bt) throw new FitkitError('encode_base_type', `field ${f.num}: unknown base type 0x${f.type.toString(16)}`);
      if (f.bytes && f.bytes.length !== f.size) throw new FitkitError('encode_definition', `field ${f.num}: ${f.bytes.length} bytes for size ${f.size}`);
      if (f.bytes) b.set(f.bytes, o);
      else encodeValueInto(b, this.#view, o, bt, f.size, f.value, f.what ?? `message ${globalNum} field ${f.num}`);
      o += f.size;
    }
    for (const d of devFields) {
      b.set(d.bytes, o);
      o += d.bytes.length;
    }
    this.records++;
  }

  /**
   * Writes a definition for a local type the caller chose (for copies that keep a file's own
   * definitions and local types); data for it then goes through writeLocal().
   */
  define(local: number, shape: DefinitionShape): void {
    if (this.#finished) throw new FitkitError('encode_finished', 'the FIT file is already finished');
    if (!Number.isInteger(local) || local < 0 || local > 15) throw new FitkitError('encode_definition', `local message type ${local} outside 0..15`);
    this.#definition(local, shape);
    this.#defined[local] = shape;
  }

  /**
   * One data record for a local type defined with define(), its fields in the definition's order
   * and sizes. With `timeOffset` (0..31) the record gets a compressed-timestamp header (local 0..3).
   */
  writeLocal(local: number, fields: readonly RawField[], devFields: readonly RawDevField[] = [], timeOffset?: number): void {
    if (this.#finished) throw new FitkitError('encode_finished', 'the FIT file is already finished');
    const shape = this.#defined[local];
    if (!shape) throw new FitkitError('encode_definition', `data for local message type ${local}, which has no definition`);
    if (fields.length !== shape.fields.length || devFields.length !== shape.devFields.length) {
      throw new FitkitError('encode_definition', `message ${shape.globalNum}: ${fields.length} fields for a definition of ${shape.fields.length}`);
    }
    shape.fields.forEach((f, i) => {
      if (fields[i].size !== f.size) throw new FitkitError('encode_definition', `message ${shape.globalNum} field ${f.num}: ${fields[i].size} bytes for a definition of ${f.size}`);
    });
    shape.devFields.forEach((d, i) => {
      if (devFields[i].bytes.length !== d.size)
        throw new FitkitError('encode_definition', `message ${shape.globalNum} developer field ${d.num}: ${devFields[i].bytes.length} bytes for a definition of ${d.size}`);
    });
    let header = local;
    if (timeOffset !== undefined) {
      if (local > 3 || !Number.isInteger(timeOffset) || timeOffset < 0 || timeOffset > 31) {
        throw new FitkitError('encode_definition', `a compressed-timestamp header needs local type 0..3 and an offset 0..31`);
      }
      header = 0x80 | (local << 5) | timeOffset;
    }
    this.#record(header, shape.globalNum, fields, devFields);
  }

  #definition(local: number, s: DefinitionShape): void {
    if (s.fields.length > 255 || s.devFields.length > 255) throw new FitkitError('encode_definition', 'more than 255 fields');
    const dev = s.devFields.length > 0;
    const rec = this.#reserve(6 + 3 * s.fields.length + (dev ? 1 + 3 * s.devFields.length : 0));
    const b = this.#buf;
    b[rec] = 0x40 | (dev ? 0x20 : 0) | local;
    b[rec + 1] = 0;
    b[rec + 2] = 0; // little-endian
    b[rec + 3] = s.globalNum & 0xff;
    b[rec + 4] = s.globalNum >> 8;
    b[rec + 5] = s.fields.length;
    let o = rec + 6;
    for (const f of s.fields) {
      if (f.size < 1 || f.size > 255) throw new FitkitError('encode_definition', `message ${s.globalNum} field ${f.num}: size ${f.size} outside 1..255`);
      b[o++] = f.num;
      b[o++] = f.size;
      b[o++] = f.type;
    }
    if (dev) {
      b[o++] = s.devFields.length;
      for (const d of s.devFields) {
        b[o++] = d.num;
        b[o++] = d.size;
        b[o++] = d.devIndex;
      }
    }
    this.definitions++;
  }

  /** Room for n bytes in the current chunk; returns where they start. */
  #reserve(n: number): number {
    if (this.#used + n > this.#buf.length) {
      this.#flush();
      if (n > this.#buf.length) {
        this.#buf = new Uint8Array(n);
        this.#view = new DataView(this.#buf.buffer);
      }
    }
    const at = this.#used;
    this.#used += n;
    return at;
  }

  #flush(): void {
    if (this.#used === 0) return;
    const chunk = this.#buf.slice(0, this.#used);
    this.#crc = crc16(chunk, 0, chunk.length, this.#crc);
    this.#dataSize += chunk.length;
    this.#sink.write(chunk);
    this.#used = 0;
  }

  /** Writes the file CRC and patches the header; returns the file's size in bytes. */
  finish(): number {
    if (this.#finished) throw new FitkitError('encode_finished', 'the FIT file is already finished');
    this.#flush();
    this.#finished = true;
    const header = fitHeader(this.#dataSize, this.#profileVersion);
    // CRC-16 with initial value 0 is linear, so crc(header ‖ data) = crc(header ‖ zeros) XOR
    // crc(data): the data's CRC, computed while streaming, is combined with the header's here.
    let h = crc16(header);
    for (let left = this.#dataSize; left > 0; left -= CHUNK) h = crc16(ZEROS, 0, Math.min(left, CHUNK), h);
    const crc = h ^ this.#crc;
    this.#sink.write(new Uint8Array([crc & 0xff, crc >> 8]));
    this.#sink.patch(0, header);
    return HEADER_SIZE + this.#dataSize + 2;
  }
}

/** The 14-byte header with its own CRC (repair keeps a file's own protocol version). */
export function fitHeader(dataSize: number, profileVersion: number, protocolVersion: number = PROTOCOL_VERSION): Uint8Array {
  const h = new Uint8Array(HEADER_SIZE);
  h[0] = HEADER_SIZE;
  h[1] = protocolVersion;
  h[2] = profileVersion & 0xff;
  h[3] = (profileVersion >> 8) & 0xff;
  new DataView(h.buffer).setUint32(4, dataSize, true);
  h.set([0x2e, 0x46, 0x49, 0x54], 8); // ".FIT"
  const c = crc16(h, 0, 12);
  h[12] = c & 0xff;
  h[13] = c >> 8;
  return h;
}
