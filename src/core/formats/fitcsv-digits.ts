/**
 * Java's text of a decimal written straight into a byte buffer, for the compiled CSV rows
 * (fitcsv-fast.ts); the digits themselves come from bytes/ascii-digits.ts.
 */
import { putDigits, putFixed } from '../bytes/ascii-digits.js';

const MINUS = 45;
const POINT = 46;
const ZERO = 48;

/**
 * `formatJavaDouble(v / scale)` for an integer v and scale = 10^k (1 <= k <= 6) where the result
 * prints in plain notation: v's digits with a point put in, trailing zeros of the fraction dropped
 * (at least one kept). The double nearest such a decimal prints as it: it has at most 15
 * significant digits. Returns -1, writing nothing, where that does not hold (then the caller
 * formats the value).
 */
export function putDecimal(buf: Uint8Array, q: number, v: number, scale: number, k: number): number {
  const a = v < 0 ? -v : v;
  if (a >= 1e15 || a < scale / 1000 || a >= 1e7 * scale || a !== Math.floor(a)) return -1;
  if (v < 0) buf[q++] = MINUS;
  let frac = a % scale;
  q = putDigits(buf, q, (a - frac) / scale);
  buf[q++] = POINT;
  if (frac === 0) {
    buf[q] = ZERO;
    return q + 1;
  }
  while (frac % 10 === 0) {
    frac /= 10;
    k--;
  }
  return putFixed(buf, q, frac, k);
}
