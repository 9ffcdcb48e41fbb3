/**
 * Writes field values as FIT stores them: little-endian elements of a base type, arrays filled
 * element by element (missing ones invalid), strings as UTF-8 padded with NULs.
 * Ref: FIT protocol, "Data Messages" and "Base Types".
 */
import { FitkitError } from '../../errors.js';
import { Kind, type BaseTypeInfo } from '../proto/base-types.js';
import type { RawScalar, RawValue } from '../decode/frames.js';

const utf8 = new TextEncoder();

function fail(what: string, bt: BaseTypeInfo, v: unknown): never {
  throw new FitkitError('encode_range', `${what}: ${String(v)} does not fit ${bt.name}`);
}

function writeElement(out: Uint8Array, dv: DataView, o: number, bt: BaseTypeInfo, v: RawScalar, what: string): void {
  if (bt.kind === Kind.float) {
    const n = typeof v === 'number' ? v : Number(v);
    // FIT's invalid float is all ones, not the platform's NaN.
    if (Number.isNaN(n)) return void out.fill(0xff, o, o + bt.size);
    if (bt.size === 4) dv.setFloat32(o, n, true);
    else dv.setFloat64(o, n, true);
    return;
  }
  if (bt.kind === Kind.bigSint || bt.kind === Kind.bigUint) {
    if (typeof v === 'string') fail(what, bt, v);
    const b = BigInt(v);
    if (bt.kind === Kind.bigSint) {
      if (b < -(1n << 63n) || b >= 1n << 63n) fail(what, bt, v);
      dv.setBigInt64(o, b, true);
    } else {
      if (b < 0n || b >= 1n << 64n) fail(what, bt, v);
      dv.setBigUint64(o, b, true);
    }
    return;
  }
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) fail(what, bt, v);
  const bits = bt.size * 8;
  const min = bt.kind === Kind.sint ? -(2 ** (bits - 1)) : 0;
  const max = bt.kind === Kind.sint ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  if (n < min || n > max) fail(what, bt, v);
  let u = n < 0 ? n + 2 ** bits : n;
  for (let i = 0; i < bt.size; i++) {
    out[o + i] = u & 0xff;
    u = Math.floor(u / 256);
  }
}

/** The byte size a value needs: strings with their NUL terminator, arrays by element. */
export function valueSize(bt: BaseTypeInfo, v: RawValue): number {
  if (bt.kind === Kind.string) {
    const parts = Array.isArray(v) ? v.map(String) : [String(v)];
    return parts.reduce((n, s) => n + utf8.encode(s).length + 1, 0);
  }
  return bt.size * (Array.isArray(v) ? v.length : 1);
}

/**
 * `size` bytes holding `v`. Strings are truncated or NUL padded to the size (a string array is
 * written NUL separated); numeric arrays shorter than size/typeSize are padded with invalid.
 */
export function encodeValue(bt: BaseTypeInfo, size: number, v: RawValue, what = 'value'): Uint8Array {
  const out = new Uint8Array(size);
  encodeValueInto(out, new DataView(out.buffer), 0, bt, size, v, what);
  return out;
}

/** `encodeValue` written at `o` in `out` (whose DataView is `dv`), without a buffer of its own. */
export function encodeValueInto(out: Uint8Array, dv: DataView, o: number, bt: BaseTypeInfo, size: number, v: RawValue, what = 'value'): void {
  if (bt.kind === Kind.string) {
    const text = Array.isArray(v) ? v.map(String).join('\0') : String(v);
    out.fill(0, o, o + size);
    out.set(utf8.encode(text).subarray(0, size), o);
    return;
  }
  if (!Array.isArray(v) && size === bt.size) return writeElement(out, dv, o, bt, v as RawScalar, what);
  const values = Array.isArray(v) ? v : [v];
  const count = Math.floor(size / bt.size);
  if (count === 0) {
    // A field smaller than its type (the decoder reads it as an unsigned integer): keep its bytes.
    let n = Number(values[0] ?? 0);
    for (let i = 0; i < size; i++, n = Math.floor(n / 256)) out[o + i] = n & 0xff;
    return;
  }
  // Bytes past the last whole element stay zero.
  out.fill(0, o + count * bt.size, o + size);
  for (let i = 0; i < count; i++) writeElement(out, dv, o + i * bt.size, bt, i < values.length ? values[i] : bt.invalid, what);
}
