/**
 * JSON values written as UTF-8 bytes into a buffer, as JSON.stringify writes them: numbers,
 * FIT dates as ISO text (messageToObject's `dates: 'iso'`), and text known in advance. Each
 * writer puts its bytes at o[q] and returns the position after them; the caller makes room.
 */
import { putAscii, putInt } from '../bytes/ascii-digits.js';
import { FIT_EPOCH_S, FIT_MAX_DATE, FIT_MIN_ABSOLUTE } from '../fit/kit/time.js';

/** The most bytes a number or a date takes (`"+275760-09-13T00:00:00.000Z"`, `-1.2345678901234567e-308`). */
export const VALUE_MAX = 32;

/** Bytes known in advance (keys, enum names). */
export function putBytes(o: Uint8Array, q: number, a: Uint8Array): number {
  for (let i = 0; i < a.length; i++) o[q + i] = a[i];
  return q + a.length;
}

/**
 * Text known in advance (a key, a line's head) as little-endian 32-bit words, written four bytes
 * a store: a quarter of the stores of a byte copy, most of a line's bytes being keys.
 */
export class WordText {
  readonly words: Int32Array;
  /** Bytes of the text (the last word is padded with zeros). */
  readonly length: number;

  constructor(bytes: Uint8Array) {
    const padded = new Uint8Array((bytes.length + 3) & ~3);
    padded.set(bytes);
    this.words = new Int32Array(padded.length / 4);
    const dv = new DataView(padded.buffer);
    for (let i = 0; i < this.words.length; i++) this.words[i] = dv.getInt32(4 * i, true);
    this.length = bytes.length;
  }
}

/**
 * Writes `t` at q through `ov`, a view of the output, and returns the position after it. The
 * last word may write up to 3 bytes past the text: the caller's room must cover them, and they
 * are garbage the next write overwrites (so never into the middle of text already written).
 */
export function putWords(ov: DataView, q: number, t: WordText): number {
  const w = t.words;
  for (let i = 0; i < w.length; i++) ov.setInt32(q + 4 * i, w[i], true);
  return q + t.length;
}

/** What JSON.stringify writes for a number: its shortest round-trip text, null when not finite. */
function numberText(v: number): string {
  return Number.isFinite(v) ? String(v) : 'null';
}

/** A number as JSON.stringify writes it (-0 as 0, null when not finite). */
export function putNumber(o: Uint8Array, q: number, v: number): number {
  return Number.isFinite(v) ? putInt(o, q, v) : putAscii(o, q, 'null');
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];

/**
 * For an integer scale dividing a power of ten (10, 100, 1000, 5, 16, …; at most 10^6), the
 * power and the multiplier: r / scale is then exactly r * multiplier / 10^power. Undefined
 * otherwise (a fractional scale is not the decimal it is written as).
 */
export function decimalScale(scale: number): { power: number; multiplier: number } | undefined {
  if (!Number.isInteger(scale) || scale < 1) return undefined;
  for (let power = 0; power < POW10.length; power++) {
    const multiplier = POW10[power] / scale;
    if (Number.isInteger(multiplier) && multiplier * scale === POW10[power]) return { power, multiplier };
  }
  return undefined;
}

/**
 * `r / scale` for an integer r, as JSON.stringify writes it, without a string: the number is
 * the decimal r * multiplier / 10^power exactly (the quotient is rounded once, and a decimal of at
 * most 15 significant digits is the only one of them that rounds to its double), and its
 * shortest round-trip text is that decimal, written plainly (it is at least 10^-6). Past 15
 * digits, String().
 */
export function putDecimal(o: Uint8Array, q: number, r: number, power: number, multiplier: number): number {
  let n = r * multiplier;
  if (n < 0) {
    if (n <= -1e15) return putAscii(o, q, numberText(r / (POW10[power] / multiplier)));
    o[q++] = 45;
    n = -n;
  } else if (n >= 1e15) return putAscii(o, q, numberText(r / (POW10[power] / multiplier)));
  const unit = POW10[power];
  const whole = Math.floor(n / unit);
  q = putInt(o, q, whole);
  // Below 10^6: an int32 from here.
  let frac = (n - whole * unit) | 0;
  if (frac === 0) return q;
  o[q] = 46;
  // Digits of the fraction, leading zeros kept, trailing ones dropped.
  let digits = power;
  while (frac % 10 === 0) {
    frac = (frac / 10) | 0;
    digits--;
  }
  for (let i = digits; i > 0; i--) {
    const d = (frac / 10) | 0;
    o[q + i] = 48 + frac - d * 10;
    frac = d;
  }
  return q + digits + 1;
}

const CACHE_SIZE = 4096;

/**
 * Text of a number computed from an integer (a scaled value: altitude, speed), by that integer:
 * a slowly changing value is formatted once. Direct-mapped on the low bits, keyed by the
 * integer itself, so exact; one cache per computation (scale and offset).
 */
export class NumberTextCache {
  readonly keys = new Float64Array(CACHE_SIZE).fill(NaN);
  readonly texts: string[] = new Array<string>(CACHE_SIZE).fill('');
}

/** `v`, computed from the integer `r`, through `c`. */
export function putCachedNumber(o: Uint8Array, q: number, c: NumberTextCache, r: number, v: number): number {
  const i = r & (CACHE_SIZE - 1);
  if (c.keys[i] === r) return putAscii(o, q, c.texts[i]);
  const s = numberText(v);
  c.keys[i] = r;
  c.texts[i] = s;
  return putAscii(o, q, s);
}

const utf8 = new TextEncoder();
/** The day whose `"YYYY-MM-DDT` is in dayText: records come in order, hours of them per day. */
let day = NaN;
let dayText = new Uint8Array(0);

/**
 * A FIT date_time as messageToObject gives it, through JSON: ISO text with milliseconds when it
 * is a date (isFitDate), otherwise the number (device time, or past what a Date holds).
 */
export function putFitDate(o: Uint8Array, q: number, t: number): number {
  if (!(t >= FIT_MIN_ABSOLUTE && t <= FIT_MAX_DATE)) return putNumber(o, q, t);
  const u = t + FIT_EPOCH_S;
  if (Math.floor(u) !== u) {
    // A fraction of a second (float64 storage): rare, left to Date.
    o[q] = 34;
    q = putAscii(o, q + 1, new Date(u * 1000).toISOString());
    o[q] = 34;
    return q + 1;
  }
  const d = Math.floor(u / 86400);
  if (d !== day) {
    const iso = new Date(d * 86_400_000).toISOString();
    dayText = utf8.encode('"' + iso.slice(0, iso.indexOf('T') + 1));
    day = d;
  }
  q = putBytes(o, q, dayText);
  let s = (u - d * 86400) | 0;
  const h = (s / 3600) | 0;
  s -= h * 3600;
  const m = (s / 60) | 0;
  s -= m * 60;
  o[q] = 48 + ((h / 10) | 0);
  o[q + 1] = 48 + (h % 10);
  o[q + 2] = 58; // :
  o[q + 3] = 48 + ((m / 10) | 0);
  o[q + 4] = 48 + (m % 10);
  o[q + 5] = 58;
  o[q + 6] = 48 + ((s / 10) | 0);
  o[q + 7] = 48 + (s % 10);
  o[q + 8] = 46; // .000Z"
  o[q + 9] = 48;
  o[q + 10] = 48;
  o[q + 11] = 48;
  o[q + 12] = 90;
  o[q + 13] = 34;
  return q + 14;
}
