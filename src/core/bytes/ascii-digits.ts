/**
 * Numbers written as ASCII digits straight into a byte buffer, for the writers that make text
 * without strings (CSV rows, JSON lines). Each writer takes the buffer and an offset and returns
 * the offset after what it wrote; the text is the one String() would make (the tests compare
 * them over many values). The caller makes room.
 */

/** "00".."99", two bytes per number. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + ((i / 10) | 0);
  PAIRS[2 * i + 1] = 48 + (i % 10);
}

const MINUS = 45;
const ZERO = 48;

/** Writes the digits of an integer 0 <= v < 2^31 (int32 arithmetic: divisions by constants become multiplications). */
function putSmall(buf: Uint8Array, q: number, v: number): number {
  if (v < 10) {
    buf[q] = ZERO + v;
    return q + 1;
  }
  const n = v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
  let e = q + n;
  while (v >= 100) {
    const t = (v / 100) | 0;
    const r = (v - t * 100) << 1;
    buf[--e] = PAIRS[r + 1];
    buf[--e] = PAIRS[r];
    v = t;
  }
  if (v >= 10) {
    buf[q + 1] = PAIRS[(v << 1) + 1];
    buf[q] = PAIRS[v << 1];
  } else buf[q] = ZERO + v;
  return q + n;
}

/** Writes the digits of an integer 0 <= v < 2^53. */
export function putDigits(buf: Uint8Array, q: number, v: number): number {
  if (v < 2147483648) return putSmall(buf, q, v | 0);
  // The top digits, then the lowest nine (zero-padded).
  const hi = Math.floor(v / 1e9);
  const lo = v - hi * 1e9;
  return putFixed(buf, putDigits(buf, q, hi), lo, 9);
}

/** Writes exactly k digits of an integer 0 <= v < 10^k < 2^31, zero-padded. */
export function putFixed(buf: Uint8Array, q: number, v: number, k: number): number {
  let e = q + k;
  while (e > q + 1) {
    const t = (v / 100) | 0;
    const r = (v - t * 100) << 1;
    buf[--e] = PAIRS[r + 1];
    buf[--e] = PAIRS[r];
    v = t;
  }
  if (e > q) buf[q] = ZERO + v;
  return q + k;
}

/** `String(v)`: any number (integers of magnitude below 2^53 without making a string). */
export function putInt(buf: Uint8Array, q: number, v: number): number {
  if (v >= 0) return v < 2147483648 && v === (v | 0) ? putSmall(buf, q, v) : v < 9007199254740992 && v === Math.floor(v) ? putDigits(buf, q, v) : putAscii(buf, q, String(v));
  if (v > -9007199254740992 && v === Math.floor(v)) {
    buf[q] = MINUS;
    return putDigits(buf, q + 1, -v);
  }
  return putAscii(buf, q, String(v));
}

/** Writes a string of ASCII characters (the text of a number). */
export function putAscii(buf: Uint8Array, q: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[q + i] = s.charCodeAt(i);
  return q + s.length;
}
