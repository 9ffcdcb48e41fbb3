/**
 * Text written straight to UTF-8 bytes, for outputs of millions of small pieces (GPX track
 * points): constant markup goes in pre-encoded, numbers digit by digit, so no intermediate
 * strings are built, flattened and encoded again. Full chunks go to the sink, each ending where
 * a piece ended (never inside a multi-byte character). A chunk is lent to the sink for the call
 * only: the buffer is reused for the next one, so a sink that keeps data must copy it.
 */
const encoder = new TextEncoder();
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** Constant text, encoded once. */
export const utf8 = (s: string): Uint8Array => encoder.encode(s);

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

  flush(): void {
    if (this.#n === 0) return;
    const chunk = this.#buf.subarray(0, this.#n);
    this.#n = 0;
    this.#sink(chunk);
  }

  /** Pre-encoded bytes; the caller has reserved room. */
  bytes(b: Uint8Array): void {
    const buf = this.#buf;
    let n = this.#n;
    // Markup pieces are short: a loop beats TypedArray#set's fixed cost.
    if (b.length > 64) buf.set(b, n);
    else for (let i = 0; i < b.length; i++) buf[n + i] = b[i];
    this.#n = n + b.length;
  }

  /** Any text (encoded here; for the rare, non-constant parts). Reserves its own room. */
  text(s: string): void {
    this.reserve(s.length * 3);
    this.#n += encoder.encodeInto(s, this.#buf.subarray(this.#n)).written;
  }

  /** A non-negative integer below 2^31 in decimal. */
  uint(v: number): void {
    const digits = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1e6 ? 6 : v < 1e7 ? 7 : v < 1e8 ? 8 : v < 1e9 ? 9 : 10;
    this.#digits(v, digits);
  }

  /** The last `digits` decimal digits of `v` (a non-negative int32), zero-padded. */
  #digits(v: number, digits: number): void {
    const b = this.#buf;
    const end = (this.#n += digits);
    for (let i = end - 1; i >= end - digits; i--) {
      const q = (v / 10) | 0;
      b[i] = 48 + v - q * 10;
      v = q;
    }
  }

  /** An integer of any sign that fits in a double, in decimal. */
  int(v: number): void {
    if (v < 0) {
      this.#buf[this.#n++] = 45; // '-'
      v = -v;
    }
    if (v < 0x80000000) this.uint(v);
    else this.#ascii(String(v));
  }

  /**
   * `v` with exactly `places` decimals (1 to 9), as `toFixed` would print it for the values used
   * here (|v| below 2^31); larger values fall back to toFixed.
   */
  fixed(v: number, places: number): void {
    const scale = POW10[places];
    const n = Math.round(Math.abs(v) * scale);
    const whole = Math.floor(n / scale);
    if (!(whole < 0x80000000)) return this.#ascii(v.toFixed(places));
    if (v < 0 && n !== 0) this.#buf[this.#n++] = 45;
    this.uint(whole);
    this.#buf[this.#n++] = 46; // '.'
    this.#digits(n - whole * scale, places);
  }

  /**
   * `v` rounded to 3 decimals without trailing zeros: the text `String(Math.round(v * 1000) / 1000)`
   * gives, for values that print without an exponent.
   */
  dec3(v: number): void {
    const k = Math.round(v * 1000);
    if (!(Math.abs(k) < 0x80000000)) return this.#ascii(String(k / 1000));
    if (k === 0) {
      this.#buf[this.#n++] = 48;
      return;
    }
    const a = k < 0 ? -k : k;
    if (k < 0) this.#buf[this.#n++] = 45;
    const whole = Math.floor(a / 1000);
    this.uint(whole);
    let frac = a - whole * 1000;
    if (frac === 0) return;
    let places = 3;
    while (frac % 10 === 0) {
      frac /= 10;
      places--;
    }
    this.#buf[this.#n++] = 46;
    this.#digits(frac, places);
  }

  /** ASCII text known to fit in the reserved room (numbers printed by JS). */
  #ascii(s: string): void {
    for (let i = 0; i < s.length; i++) this.#buf[this.#n++] = s.charCodeAt(i);
  }
}
