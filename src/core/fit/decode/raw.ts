/**
 * The raw layer: splits FIT bytes into frames (header, definition, data, CRC) with offsets and
 * raw field values, and nothing more. Works on one buffer or on chunks pushed as they arrive;
 * only an incomplete record is carried over between chunks, so memory stays bounded.
 *
 * Lenient by design: problems become diagnostics with a byte offset, and decoding goes on where
 * the format allows. Where it cannot (an unknown local message type, a truncated record), it
 * stops with everything read before. Ref: FIT protocol, "File structure" and "Record format".
 */
import { crc16 } from '../../bytes/crc16.js';
import type { Diagnostic, DiagnosticCode } from '../../errors.js';
import { baseTypeOf } from '../proto/base-types.js';
import { readField } from './field-reader.js';
import type { DataFrame, DefinitionFrame, DevFieldDefinition, FieldDefinition, Frame, HeaderFrame } from './frames.js';

export interface RawDecoderOptions {
  /** Read field values (default true). Off, data frames carry empty `values`: a structural scan. */
  values?: boolean;
  /**
   * Compute and check CRCs (default true). Off for a second pass over bytes a first pass has
   * checked: CRC frames then report the stored value as computed.
   */
  crc?: boolean;
  /** Receives each diagnostic as it is found (they are also collected in `diagnostics`). */
  onDiagnostic?: (d: Diagnostic) => void;
  /**
   * Offered each data record before a frame is built: return true to take it (no data frame is
   * then emitted). Lets a compiled reader decode straight from the bytes. `p` is the offset of
   * the record content in `b`; `timestamp` is the compressed-header time, or -1.
   *
   * It may also take the records that follow of the same definition in one call, and return how
   * many it took: only records with a plain header (`b[q] === def.local`) lying whole before
   * index `limit` (0 where boundaries must be checked between records).
   */
  onRecord?: (def: DefinitionFrame, b: Uint8Array, dv: DataView, p: number, timestamp: number, offset: number, limit: number) => boolean | number;
  /**
   * Read on past a header's data size that cannot be right (default true): 0 (a device writes
   * the size last, a crash leaves 0), or records going on where the file CRC should be. Records
   * are then read to the last complete one, up to a CRC followed by the end or another FIT
   * file. False stops there, as FitCSVTool and Garmin's SDK do (the diagnostics are the same).
   */
  readPastDataSize?: boolean;
}

const enum State {
  Header,
  Records,
  Crc,
  Done,
}

const TIMESTAMP_FIELD = 253;
const EMPTY = new Uint8Array(0);
/** Bytes of a new chunk copied to complete a record cut at the end of the last one. */
const JOIN = 4096;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export class RawDecoder {
  readonly diagnostics: Diagnostic[] = [];
  /** Frames emitted so far, by kind. */
  readonly counts = { files: 0, definitions: 0, messages: 0 };

  #onFrame: (f: Frame) => void;
  #opts: RawDecoderOptions;
  /**
   * opts.onRecord, kept apart: options objects of different shapes (one decoder's, the next
   * one's) would otherwise throw out the optimised code that reads it for every record.
   */
  #onRecord: RawDecoderOptions['onRecord'];
  #state = State.Header;
  #buf: Uint8Array = EMPTY;
  #dv: DataView = new DataView(EMPTY.buffer);
  #pos = 0;
  /** Absolute offset of #buf[0]. */
  #base = 0;
  #crc = 0;
  /** Bytes of #buf before this index are folded into #crc (one pass per chunk, not per record). */
  #crcAt = 0;
  #dataEnd = 0;
  #fileIndex = 0;
  #locals: (DefinitionFrame | undefined)[] = new Array(16);
  #lastTimestamp = -1;
  #pendingTs = -1;
  #fatal = false;
  #checkCrc: boolean;
  #readPast: boolean;
  /** The header's data size is not believed: records go on to the file's CRC, end or next header. */
  #openEnded = false;
  /** end() was called: no more bytes will come. */
  #ended = false;
  #declaredSize = 0;

  constructor(onFrame: (f: Frame) => void, opts: RawDecoderOptions = {}) {
    this.#onFrame = onFrame;
    this.#opts = opts;
    this.#onRecord = opts.onRecord;
    this.#checkCrc = opts.crc ?? true;
    this.#readPast = opts.readPastDataSize ?? true;
  }

  /** True once a problem stopped decoding. */
  get stopped(): boolean {
    return this.#fatal;
  }

  /** Absolute offset of the next unread byte. */
  get position(): number {
    return this.#base + this.#pos;
  }

  push(chunk: Uint8Array): void {
    if (this.#state === State.Done) return;
    const at = this.#base + this.#pos;
    const rest = this.#buf.length - this.#pos;
    if (rest === 0) return this.#load(chunk, 0, at);
    if (chunk.length <= 2 * JOIN) return this.#load(concat(this.#buf.subarray(this.#pos), chunk), 0, at);
    // A record cut at the end of the last chunk is completed from a copy of its bytes and the
    // head of this chunk; reading then goes on in the chunk itself. Copying the whole chunk
    // behind the cut record (nearly every chunk of a big file) cost a tenth of the time.
    this.#load(concat(this.#buf.subarray(this.#pos), chunk.subarray(0, JOIN)), 0, at);
    if ((this.#state as State) === State.Done) return;
    const left = this.#buf.length - this.#pos;
    // The unread bytes are the head's last `left`: go on from there in the chunk, unless a
    // record longer than the head still waits for more (then all of it is joined).
    if (left <= JOIN) this.#load(chunk, JOIN - left, at + rest);
    else this.#load(concat(this.#buf.subarray(this.#pos), chunk.subarray(JOIN)), 0, this.#base + this.#pos);
  }

  /** Reads on in `buf` from `pos`; `base` is the absolute offset of `buf[0]`. */
  #load(buf: Uint8Array, pos: number, base: number): void {
    this.#buf = buf;
    this.#base = base;
    this.#pos = pos;
    this.#crcAt = pos;
    this.#dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.#pump();
  }

  /** No more input: reports what is missing, if anything. */
  end(): void {
    if (this.#state === State.Done) return;
    this.#ended = true;
    // What waited for more bytes (a CRC or a header after the last record?) is decided now.
    if (this.#readPast && (this.#state === State.Records || this.#state === State.Crc)) this.#pump();
    if ((this.#state as State) === State.Done) return;
    const at = this.position;
    const left = this.#buf.length - this.#pos;
    if (this.#state === State.Header) {
      if (this.#fileIndex === 0) {
        this.#fail('not_fit', left === 0 ? 'not a FIT file: it is empty' : `not a FIT file: ${left} byte(s), too short for a header`, at);
      } else if (left > 0) this.#warn('trailing_bytes', `${left} trailing byte(s) after the last FIT file`, at);
    } else if (this.#state === State.Records && this.#openEnded) {
      this.#fail('truncated', left > 0 ? `truncated: a record is cut off (${left} byte(s) of it present)` : 'truncated: the file ends without its CRC', at);
    } else if (this.#state === State.Records) {
      const missing = this.#dataEnd - at;
      this.#fail(
        'truncated',
        left > 0
          ? `truncated: a record is cut off (${left} byte(s) of it present; header says ${missing} more data byte(s))`
          : `truncated: header says ${missing} more data byte(s), the file ends here`,
        at,
      );
    } else if (this.#state === State.Crc) {
      this.#fail('truncated', 'truncated: the file CRC is missing', at);
    }
    this.#state = State.Done;
  }

  #pump(): void {
    for (;;) {
      if (this.#state === State.Records) {
        if (!this.#records()) break;
      } else if (this.#state === State.Header) {
        if (!this.#header()) break;
      } else if (this.#state === State.Crc) {
        if (!this.#fileCrc()) break;
      } else {
        break;
      }
    }
    if (this.#state === State.Records || this.#state === State.Crc) this.#foldCrc(this.#pos);
  }

  #foldCrc(to: number): void {
    if (this.#checkCrc) this.#crc = crc16(this.#buf, this.#crcAt, to, this.#crc);
    this.#crcAt = to;
  }

  #diag(level: Diagnostic['level'], code: DiagnosticCode, message: string, offset: number): void {
    const d: Diagnostic = { level, code, message, offset };
    this.diagnostics.push(d);
    this.#opts.onDiagnostic?.(d);
  }

  #warn(code: DiagnosticCode, message: string, offset: number): void {
    this.#diag('warning', code, message, offset);
  }

  #fail(code: DiagnosticCode, message: string, offset: number): false {
    this.#diag('error', code, message, offset);
    this.#fatal = true;
    this.#state = State.Done;
    return false;
  }

  #header(): boolean {
    const b = this.#buf;
    // Chained files may be separated by zero padding (FitCSVTool skips it too).
    if (this.#fileIndex > 0) while (this.#pos < b.length && b[this.#pos] === 0) this.#pos++;
    const avail = b.length - this.#pos;
    if (avail < 12) return false;
    const p = this.#pos;
    const at = this.#base + p;
    const size = b[p];
    const signed = b[p + 8] === 0x2e && b[p + 9] === 0x46 && b[p + 10] === 0x49 && b[p + 11] === 0x54;
    if (size < 12 || !signed) {
      if (this.#fileIndex === 0) return this.#fail('not_fit', 'not a FIT file: no ".FIT" header', at);
      this.#warn('trailing_bytes', 'bytes after the last FIT file are not a FIT header', at);
      this.#state = State.Done;
      return false;
    }
    if (avail < size) return false;
    const dataSize = (b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24)) >>> 0;
    const frame: HeaderFrame = {
      kind: 'header',
      offset: at,
      headerSize: size,
      protocolVersion: b[p + 1],
      profileVersion: b[p + 2] | (b[p + 3] << 8),
      dataSize,
      fileIndex: this.#fileIndex,
    };
    if (size >= 14) {
      const stored = b[p + 12] | (b[p + 13] << 8);
      frame.headerCrc = stored;
      if (stored !== 0 && this.#checkCrc && stored !== crc16(b, p, p + 12)) {
        this.#warn('header_crc_mismatch', `header CRC 0x${hex(stored)} does not match its bytes`, at + 12);
      }
    }
    if (b[p + 1] >> 4 > 2) this.#warn('protocol_version', `unknown protocol version ${b[p + 1] >> 4}.${b[p + 1] & 15}`, at + 1);
    this.#openEnded = dataSize === 0 && this.#readPast;
    if (dataSize === 0) {
      this.#warn('data_size_zero', this.#openEnded ? 'header declares no data; reading the records that follow' : 'header declares no data', at + 4);
    }
    this.#crc = crc16(b, p, p + size);
    this.#pos = this.#crcAt = p + size;
    this.#declaredSize = dataSize;
    this.#dataEnd = this.#openEnded ? Infinity : at + size + dataSize;
    this.#state = State.Records;
    this.counts.files++;
    this.#onFrame(frame);
    return true;
  }

  #fileCrc(): boolean {
    const b = this.#buf;
    const p = this.#pos;
    if (b.length - p < 2) return false;
    this.#foldCrc(p);
    const stored = b[p] | (b[p + 1] << 8);
    const computed = this.#checkCrc ? this.#crc : stored;
    const at = this.#base + p;
    const valid = stored === computed;
    if (!valid && this.#readPast && !this.#openEnded) {
      // Records where the CRC should be: the data size is short, read on.
      const next = this.#endOrHeader(p + 2);
      if (next === undefined) return false;
      if (!next) {
        this.#warn('data_size_short', `header declares ${this.#declaredSize} data byte(s), but records go on where the file CRC should be; reading them`, at);
        this.#openEnded = true;
        this.#dataEnd = Infinity;
        this.#state = State.Records;
        return true;
      }
    }
    this.#pos = p + 2;
    this.#onFrame({ kind: 'crc', offset: at, stored, computed, valid });
    if (!valid) {
      // Later chained files are not trusted after a CRC failure (FitCSVTool stops here too).
      return this.#fail('crc_mismatch', `file CRC 0x${hex(stored)} does not match the data (0x${hex(computed)})`, at);
    }
    this.#fileIndex++;
    this.#openEnded = false;
    this.#state = State.Header;
    return true;
  }

  /**
   * Whether the input ends at `q` or another FIT file starts there (after zero padding); undefined
   * when that needs bytes not received yet.
   */
  #endOrHeader(q: number): boolean | undefined {
    const b = this.#buf;
    while (q < b.length && b[q] === 0) q++;
    if (q >= b.length) return this.#ended ? true : undefined;
    return this.#headerAt(q);
  }

  /** Whether a FIT header starts at `q`; undefined when that needs bytes not received yet. */
  #headerAt(q: number): boolean | undefined {
    const b = this.#buf;
    if (b.length - q < 12) return this.#ended ? false : undefined;
    return (b[q] === 12 || b[q] >= 14) && b[q + 8] === 0x2e && b[q + 9] === 0x46 && b[q + 10] === 0x49 && b[q + 11] === 0x54;
  }

  /**
   * Between records of a file read past its data size: its CRC (then the end or the next file),
   * the next file's header (this one had no CRC), or a record (undefined). False: more bytes needed.
   */
  #openBoundary(p: number): boolean | undefined {
    const b = this.#buf;
    if (b.length - p >= 2) {
      this.#foldCrc(p);
      // Without CRC checking (a second pass), two bytes before the end or a header are taken as the CRC.
      if (!this.#checkCrc || (b[p] | (b[p + 1] << 8)) === this.#crc) {
        const next = this.#endOrHeader(p + 2);
        if (next === undefined) return false;
        if (next) {
          this.#state = State.Crc;
          return true;
        }
      }
    }
    const header = this.#headerAt(p);
    if (header === undefined) return false;
    if (!header) return undefined;
    this.#warn('crc_missing', 'the file ends without its CRC: another FIT file starts here', this.#base + p);
    this.#fileIndex++;
    this.#openEnded = false;
    this.#state = State.Header;
    return true;
  }

  /** Reads records until the data ends (true) or the buffer does, or decoding stops (false). */
  #records(): boolean {
    const b = this.#buf;
    const end = b.length;
    for (;;) {
      const p = this.#pos;
      const at = this.#base + p;
      if (this.#openEnded) {
        const r = this.#openBoundary(p);
        if (r !== undefined) return r;
      } else if (at >= this.#dataEnd) {
        if (at > this.#dataEnd) {
          this.#warn('data_size_mismatch', `the last record ends ${at - this.#dataEnd} byte(s) past the declared data size`, this.#dataEnd);
        }
        this.#state = State.Crc;
        return true;
      }
      if (p >= end) return false;
      const h = b[p];
      let ok: boolean;
      if (h & 0x80) {
        // Compressed-timestamp header: local type in bits 5-6, seconds in bits 0-4.
        ok = this.#data((h >> 5) & 3, p, h & 0x1f);
      } else if (h & 0x40) {
        ok = this.#definition(h, p);
      } else {
        ok = this.#data(h & 0x0f, p, -1);
      }
      if (!ok) return false;
    }
  }

  #definition(h: number, p: number): boolean {
    const b = this.#buf;
    const at = this.#base + p;
    if (b.length - p < 6) return false;
    const hasDev = (h & 0x20) !== 0;
    const nFields = b[p + 5];
    let len = 6 + nFields * 3;
    if (b.length - p < len + (hasDev ? 1 : 0)) return false;
    const nDev = hasDev ? b[p + len] : 0;
    if (hasDev) len += 1 + nDev * 3;
    if (b.length - p < len) return false;

    const architecture = b[p + 2];
    const bigEndian = architecture !== 0;
    if (architecture > 1) this.#warn('architecture', `architecture byte ${architecture} is neither 0 nor 1; read as big-endian`, at + 2);
    const globalNum = bigEndian ? (b[p + 3] << 8) | b[p + 4] : b[p + 3] | (b[p + 4] << 8);
    const fields: FieldDefinition[] = new Array(nFields);
    let dataSize = 0;
    let timestampAt = -1;
    for (let i = 0, q = p + 6; i < nFields; i++, q += 3) {
      const size = b[q + 1];
      const type = b[q + 2];
      const baseType = baseTypeOf(type);
      const count = baseType ? (size / baseType.size) | 0 : 0;
      if (!baseType) {
        // No device writes these: the definition is garbage, and so would be what follows.
        return this.#fail('bad_definition', `field ${b[q]}: base type 0x${hex(type, 2)} does not exist`, this.#base + q + 2);
      } else if (size % baseType.size !== 0) {
        this.#warn('field_size', `field ${b[q]}: ${size} byte(s) is not a multiple of ${baseType.name}`, this.#base + q + 1);
      }
      fields[i] = { num: b[q], size, type, baseType, count };
      if (b[q] === TIMESTAMP_FIELD && size === 4 && timestampAt < 0) timestampAt = dataSize;
      dataSize += size;
    }
    const devFields: DevFieldDefinition[] = new Array(nDev);
    for (let i = 0, q = p + 7 + nFields * 3; i < nDev; i++, q += 3) {
      devFields[i] = { num: b[q], size: b[q + 1], devIndex: b[q + 2] };
      dataSize += b[q + 1];
    }
    const frame: DefinitionFrame = {
      kind: 'definition',
      offset: at,
      length: len,
      local: h & 0x0f,
      globalNum,
      architecture,
      bigEndian,
      fields,
      devFields,
      dataSize,
      timestampAt,
    };
    this.#locals[frame.local] = frame;
    this.#pos = p + len;
    this.counts.definitions++;
    this.#onFrame(frame);
    return true;
  }

  #data(local: number, p: number, timeOffset: number): boolean {
    const def = this.#locals[local];
    const at = this.#base + p;
    if (!def) {
      return this.#fail('undefined_local_message', `data record for local message type ${local}, which has no definition`, at);
    }
    const b = this.#buf;
    const len = 1 + def.dataSize;
    if (b.length - p < len) return false;

    const onRecord = this.#onRecord;
    if (onRecord) {
      let ts = -1;
      if (timeOffset >= 0) {
        const last = this.#lastTimestamp < 0 ? 0 : this.#lastTimestamp;
        ts = (last + ((timeOffset - (last & 0x1f)) & 0x1f)) >>> 0;
        this.#lastTimestamp = ts;
        timeOffset = -1;
      }
      this.#scanTimestamp(def, p);
      const limit = this.#openEnded ? 0 : Math.min(b.length, this.#dataEnd - this.#base);
      const took = onRecord(def, b, this.#dv, p + 1, ts, at, limit);
      if (took) {
        const n = took === true ? 1 : took;
        // The compressed-timestamp base is the run's last valid timestamp.
        for (let k = n - 1; k > 0 && !this.#scanTimestamp(def, p + k * len); k--);
        this.#pos = p + n * len;
        this.counts.messages += n;
        return true;
      }
      if (ts >= 0) {
        // Not taken: the frame carries the timestamp as usual.
        this.#pendingTs = ts;
      }
    }
    return this.#dataFrame(def, local, p, timeOffset);
  }

  /**
   * Emits the data frame of a record not taken by onRecord. Apart from #data, so that the path
   * taken for nearly every record stays a small function, quick for V8 to optimise (and not
   * thrown out when a record first goes this way).
   */
  #dataFrame(def: DefinitionFrame, local: number, p: number, timeOffset: number): boolean {
    const b = this.#buf;
    const at = this.#base + p;
    const len = 1 + def.dataSize;
    const frame: DataFrame = {
      kind: 'data',
      offset: at,
      length: len,
      local,
      globalNum: def.globalNum,
      definition: def,
      values: [],
      devValues: [],
    };
    if (timeOffset >= 0) {
      // Ref: FIT protocol, "Compressed Timestamp Header": roll the last full timestamp forward.
      const last = this.#lastTimestamp < 0 ? 0 : this.#lastTimestamp;
      const ts = (last + ((timeOffset - (last & 0x1f)) & 0x1f)) >>> 0;
      frame.compressedTimestamp = ts;
      this.#lastTimestamp = ts;
    } else if (this.#pendingTs >= 0) {
      frame.compressedTimestamp = this.#pendingTs;
      this.#pendingTs = -1;
    }
    const fields = def.fields;
    if (this.#opts.values !== false) {
      const dv = this.#dv;
      const be = def.bigEndian;
      const values = new Array(fields.length);
      let q = p + 1;
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i];
        const bt = f.baseType ?? BYTE;
        const v = readField(b, dv, q, f.size, bt, be);
        values[i] = v;
        if (f.num === TIMESTAMP_FIELD && typeof v === 'number' && bt.size === 4 && v !== 0xffffffff) this.#lastTimestamp = v;
        q += f.size;
      }
      frame.values = values;
      const dev = def.devFields;
      if (dev.length > 0) {
        const devValues = new Array(dev.length);
        for (let i = 0; i < dev.length; i++) {
          devValues[i] = b.slice(q, q + dev[i].size);
          q += dev[i].size;
        }
        frame.devValues = devValues;
      }
    } else {
      this.#scanTimestamp(def, p);
    }
    this.#pos = p + len;
    this.counts.messages++;
    this.#onFrame(frame);
    return true;
  }

  /** Keeps the compressed-timestamp base current when values are not read; true when the record set it. */
  #scanTimestamp(def: DefinitionFrame, p: number): boolean {
    const at = def.timestampAt;
    if (at < 0) return true;
    const b = this.#buf;
    const q = p + 1 + at;
    const v = def.bigEndian ? ((b[q] << 24) | (b[q + 1] << 16) | (b[q + 2] << 8) | b[q + 3]) >>> 0 : (b[q] | (b[q + 1] << 8) | (b[q + 2] << 16) | (b[q + 3] << 24)) >>> 0;
    if (v === 0xffffffff) return false;
    this.#lastTimestamp = v;
    return true;
  }
}

const BYTE = baseTypeOf(0x0d)!;

function hex(n: number, width = 4): string {
  return n.toString(16).toUpperCase().padStart(width, '0');
}

/** Scans a whole buffer; returns the decoder for its counts and diagnostics. */
export function scanFrames(bytes: Uint8Array, onFrame: (f: Frame) => void, opts?: RawDecoderOptions): RawDecoder {
  const d = new RawDecoder(onFrame, opts);
  d.push(bytes);
  d.end();
  return d;
}
