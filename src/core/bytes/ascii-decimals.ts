/**
 * Decimal fractions as ASCII digits straight into a byte buffer, for text written without
 * strings (GPX points), on the integer writers of ascii-digits.ts. Same conventions: each takes
 * the buffer and an offset, returns the offset after what it wrote; the caller makes room.
 */
import { putAscii, putDigits, putFixed } from './ascii-digits.js';

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/**
 * `v` with exactly `places` decimals (1 to 9), rounded as Math.round(|v| * 10^places): the text
 * toFixed prints for the values written here (degrees); a whole part of 2^31 or more falls back
 * to toFixed.
 */
export function putToFixed(buf: Uint8Array, q: number, v: number, places: number): number {
  const scale = POW10[places];
  const r = Math.round(Math.abs(v) * scale);
  const whole = Math.floor(r / scale);
  if (!(whole < 0x80000000)) return putAscii(buf, q, v.toFixed(places));
  if (v < 0 && r !== 0) buf[q++] = 45; // '-'
  q = putDigits(buf, q, whole);
  buf[q++] = 46; // '.'
  return putFixed(buf, q, r - whole * scale, places);
}

/**
 * `v` rounded to 3 decimals without trailing zeros: the text `String(Math.round(v * 1000) / 1000)`
 * gives, for values that print without an exponent.
 */
export function putDec3(buf: Uint8Array, q: number, v: number): number {
  const k = Math.round(v * 1000);
  if (!(Math.abs(k) < 0x80000000)) return putAscii(buf, q, String(k / 1000));
  if (k === 0) {
    buf[q] = 48;
    return q + 1;
  }
  const a = k < 0 ? -k : k;
  if (k < 0) buf[q++] = 45;
  const whole = Math.floor(a / 1000);
  q = putDigits(buf, q, whole);
  let frac = a - whole * 1000;
  if (frac === 0) return q;
  let places = 3;
  while (frac % 10 === 0) {
    frac /= 10;
    places--;
  }
  buf[q++] = 46;
  return putFixed(buf, q, frac, places);
}
