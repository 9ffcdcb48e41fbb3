/**
 * PTP dataset primitives (docs/mtp.md): little-endian integers, length-prefixed
 * arrays and PTP strings (a count byte of UTF-16LE code units including the terminating NUL,
 * then the units). The reader never trusts a count: an array or string that would run past the
 * end is a dataset error carrying the byte offset, so a hostile count cannot make us allocate.
 */
import { readU16, readU32 } from './container.js';
import { MtpError } from './errors.js';

const utf16 = new TextDecoder('utf-16le');

export class DatasetReader {
  readonly bytes: Uint8Array;
  pos: number;
  /** For messages: which dataset is being read. */
  readonly what: string;

  constructor(bytes: Uint8Array, what: string, offset = 0) {
    this.bytes = bytes;
    this.what = what;
    this.pos = offset;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  #need(n: number, field: string): void {
    if (this.remaining < n) {
      throw new MtpError('mtp_dataset', `${this.what}: ${field} needs ${n} bytes, ${this.remaining} left`, { offset: this.pos });
    }
  }

  u8(field = 'u8'): number {
    this.#need(1, field);
    return this.bytes[this.pos++];
  }

  u16(field = 'u16'): number {
    this.#need(2, field);
    const v = readU16(this.bytes, this.pos);
    this.pos += 2;
    return v;
  }

  u32(field = 'u32'): number {
    this.#need(4, field);
    const v = readU32(this.bytes, this.pos);
    this.pos += 4;
    return v;
  }

  /** A u64 as a number (exact up to 2^53, which no storage reaches). */
  u64(field = 'u64'): number {
    this.#need(8, field);
    const lo = readU32(this.bytes, this.pos);
    const hi = readU32(this.bytes, this.pos + 4);
    this.pos += 8;
    return hi * 0x1_0000_0000 + lo;
  }

  u16Array(field = 'u16 array'): number[] {
    const n = this.u32(field);
    this.#need(2 * n, field);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = readU16(this.bytes, this.pos + 2 * i);
    this.pos += 2 * n;
    return out;
  }

  u32Array(field = 'u32 array'): number[] {
    const n = this.u32(field);
    this.#need(4 * n, field);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = readU32(this.bytes, this.pos + 4 * i);
    this.pos += 4 * n;
    return out;
  }

  /**
   * A PTP string. The terminating NUL is dropped; anything else, embedded NULs included, is
   * returned as sent (device names are never trusted as paths here).
   */
  string(field = 'string'): string {
    const units = this.u8(field);
    if (units === 0) return '';
    this.#need(2 * units, field);
    let end = this.pos + 2 * units;
    if (readU16(this.bytes, end - 2) === 0) end -= 2;
    const s = utf16.decode(this.bytes.subarray(this.pos, end));
    this.pos += 2 * units;
    return s;
  }

  /** Like string(), but '' when the dataset has already ended (optional trailing fields). */
  optionalString(field = 'string'): string {
    return this.remaining > 0 ? this.string(field) : '';
  }
}

/** Builds datasets (the simulator's side, and tests). */
export class DatasetWriter {
  #buf = new Uint8Array(256);
  #len = 0;

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const b = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
    b.set(this.#buf.subarray(0, this.#len));
    this.#buf = b;
  }

  u8(v: number): this {
    this.#room(1);
    this.#buf[this.#len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.#room(2);
    this.#buf[this.#len++] = v & 0xff;
    this.#buf[this.#len++] = (v >>> 8) & 0xff;
    return this;
  }

  u32(v: number): this {
    this.#room(4);
    for (let i = 0; i < 4; i++) this.#buf[this.#len++] = (v >>> (8 * i)) & 0xff;
    return this;
  }

  u64(v: number): this {
    return this.u32(v % 0x1_0000_0000).u32(Math.floor(v / 0x1_0000_0000));
  }

  u16Array(vs: readonly number[]): this {
    this.u32(vs.length);
    for (const v of vs) this.u16(v);
    return this;
  }

  u32Array(vs: readonly number[]): this {
    this.u32(vs.length);
    for (const v of vs) this.u32(v);
    return this;
  }

  /** A PTP string; longer than 254 code units is cut (the count byte holds 255 with the NUL). */
  string(s: string): this {
    if (s === '') return this.u8(0);
    const units = Math.min(s.length, 254);
    this.u8(units + 1);
    for (let i = 0; i < units; i++) this.u16(s.charCodeAt(i));
    return this.u16(0);
  }

  bytes(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}
