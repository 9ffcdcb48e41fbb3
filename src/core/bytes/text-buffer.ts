/**
 * Text written straight to UTF-8 bytes, for outputs of millions of small pieces (GPX track
 * points): constant markup goes in pre-encoded, numbers digit by digit, so no intermediate
 * strings are built, flattened and encoded again. Full chunks go to the sink, each ending where
 * a piece ended (never inside a multi-byte character). A chunk is lent to the sink for the call
 * only: the buffer is reused for the next one, so a sink that keeps data must copy it.
 *
 * The `put*` functions write at index `n` of `b` and return the index after what they wrote;
 * a hot writer keeps `n` in a local between room() and end() (no object traffic per piece).
 */
const encoder = new TextEncoder();
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** Constant text, encoded once. */
export const utf8 = (s: string): Uint8Array => encoder.encode(s);

/** Pre-encoded bytes (markup pieces are short: a loop beats TypedArray#set's fixed cost). */
export function put(b: Uint8Array, n: number, c: Uint8Array): number {
  if (c.length > 16) {
    b.set(c, n);
    return n + c.length;
  }
  for (let i = 0; i < c.length; i++) b[n + i] = c[i];
  return n + c.length;
}

/** The last `digits` decimal digits of `v` (a non-negative int32), zero-padded. */
function putDigits(b: Uint8Array, n: number, v: number, digits: number): number {
  const end = n + digits;
  for (let i = end - 1; i >= n; i--) {
    const q = (v / 10) | 0;
    b[i] = 48 + v - q * 10;
    v = q;
  }
  return end;
}

/** ASCII text (numbers printed by JS, for the rare values the digit paths do not cover). */
function putAscii(b: Uint8Array, n: number, s: string): number {
  for (let i = 0; i < s.length; i++) b[n + i] = s.charCodeAt(i);
  return n + s.length;
}

/** A non-negative integer below 2^31 in decimal. */
export function putUint(b: Uint8Array, n: number, v: number): number {
  const digits = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1e6 ? 6 : v < 1e7 ? 7 : v < 1e8 ? 8 : v < 1e9 ? 9 : 10;
  return putDigits(b, n, v, digits);
}

/** An integer of any sign that fits in a double, in decimal. */
export function putInt(b: Uint8Array, n: number, v: number): number {
  if (v < 0) {
    b[n++] = 45; // '-'
    v = -v;
  }
  return v < 0x80000000 ? putUint(b, n, v) : putAscii(b, n, String(v));
}

/**
 * `v` with exactly `places` decimals (1 to 9), as `toFixed` would print it for the values used
 * here (|v| below 2^31); larger values fall back to toFixed.
 */
export function putFixed(b: Uint8Array, n: number, v: number, places: number): number {
  const scale = POW10[places];
  const r = Math.round(Math.abs(v) * scale);
  const whole = Math.floor(r / scale);
  if (!(whole < 0x80000000)) return putAscii(b, n, v.toFixed(places));
  if (v < 0 && r !== 0) b[n++] = 45;
  n = putUint(b, n, whole);
  b[n++] = 46; // '.'
  return putDigits(b, n, r - whole * scale, places);
}

/**
 * `v` rounded to 3 decimals without trailing zeros: the text `String(Math.round(v * 1000) / 1000)`
 * gives, for values that print without an exponent.
 */
export function putDec3(b: Uint8Array, n: number, v: number): number {
  const k = Math.round(v * 1000);
  if (!(Math.abs(k) < 0x80000000)) return putAscii(b, n, String(k / 1000));
  if (k === 0) {
    b[n] = 48;
    return n + 1;
  }
  const a = k < 0 ? -k : k;
  if (k < 0) b[n++] = 45;
  const whole = Math.floor(a / 1000);
  n = putUint(b, n, whole);
  let frac = a - whole * 1000;
  if (frac === 0) return n;
  let places = 3;
  while (frac % 10 === 0) {
    frac /= 10;
    places--;
  }
  b[n++] = 46;
  return putDigits(b, n, frac, places);
}

export class TextBuffer {
  #sink: (chunk: Uint8Array) => void;
  #buf: Uint8Array;
  #n = 0;

  constructor(sink: (chunk: Uint8Array) => void, chunkSize = 1 << 18) {
    this.#sink = sink;
    this.#buf = new Uint8Array(chunkSize);
  }

  /** Room for `k` more bytes; call before a piece, so a piece is never split between chunks. */
  reserve(k: number): void {
    if (this.#n + k <= this.#buf.length) return;
    this.flush();
    if (k > this.#buf.length) this.#buf = new Uint8Array(k);
  }

  /**
   * The buffer a piece of at most `k` bytes goes into, at index(), with the put functions;
   * end(n) then takes `n`, the index after its last byte.
   */
  room(k: number): Uint8Array {
    this.reserve(k);
    return this.#buf;
  }

  index(): number {
    return this.#n;
  }

  end(n: number): void {
    this.#n = n;
  }

  flush(): void {
    if (this.#n === 0) return;
    const chunk = this.#buf.subarray(0, this.#n);
    this.#n = 0;
    this.#sink(chunk);
  }

  /** Pre-encoded bytes; the caller has reserved room. */
  bytes(c: Uint8Array): void {
    this.#n = put(this.#buf, this.#n, c);
  }

  /** Any text (encoded here; for the rare, non-constant parts). Reserves its own room. */
  text(s: string): void {
    this.reserve(s.length * 3);
    this.#n += encoder.encodeInto(s, this.#buf.subarray(this.#n)).written;
  }

  uint(v: number): void {
    this.#n = putUint(this.#buf, this.#n, v);
  }

  int(v: number): void {
    this.#n = putInt(this.#buf, this.#n, v);
  }

  fixed(v: number, places: number): void {
    this.#n = putFixed(this.#buf, this.#n, v, places);
  }

  dec3(v: number): void {
    this.#n = putDec3(this.#buf, this.#n, v);
  }
}
