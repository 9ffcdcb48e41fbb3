/**
 * Reads one field's value out of a record. The hot path of decoding: integer reads are shifts
 * on the Uint8Array, floats go through one DataView per buffer, never one per field.
 */
import { decodeUtf8Lenient } from '../../bytes/utf8.js';
import { Kind, type BaseTypeInfo } from '../proto/base-types.js';
import type { RawScalar, RawValue } from './frames.js';

function readElement(b: Uint8Array, dv: DataView, o: number, bt: BaseTypeInfo, be: boolean): RawScalar {
  switch (bt.size) {
    case 1:
      return bt.kind === Kind.sint ? (b[o] << 24) >> 24 : b[o];
    case 2: {
      const v = be ? (b[o] << 8) | b[o + 1] : b[o] | (b[o + 1] << 8);
      return bt.kind === Kind.sint ? (v << 16) >> 16 : v;
    }
    case 4: {
      if (bt.kind === Kind.float) return dv.getFloat32(o, !be);
      const v = be ? (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3] : b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
      return bt.kind === Kind.sint ? v : v >>> 0;
    }
    default: {
      if (bt.kind === Kind.float) return dv.getFloat64(o, !be);
      return bt.kind === Kind.bigSint ? dv.getBigInt64(o, !be) : dv.getBigUint64(o, !be);
    }
  }
}

/**
 * A field of `size` bytes at `o`: one element, an array when it holds several, a string for
 * string fields (trailing NULs removed, inner NULs kept), undefined when it holds no element.
 */
export function readField(b: Uint8Array, dv: DataView, o: number, size: number, bt: BaseTypeInfo, be: boolean): RawValue | undefined {
  if (bt.kind === Kind.string) {
    let end = o + size;
    while (end > o && b[end - 1] === 0) end--;
    return decodeUtf8Lenient(b, o, end);
  }
  const count = (size / bt.size) | 0;
  if (count === 1) return readElement(b, dv, o, bt, be);
  if (count === 0) {
    // Fewer bytes than the type needs (a COROS event.data is 1 byte of uint32): read what is
    // there as an unsigned integer, the most useful reading of a value a device truncated.
    if (size === 0 || bt.kind === Kind.float || size > 4) return undefined;
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + b[be ? o + i : o + size - 1 - i];
    return v;
  }
  const out: RawScalar[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = readElement(b, dv, o + i * bt.size, bt, be);
  return out;
}
