/**
 * Text written straight to UTF-8 bytes, for outputs of millions of small pieces (GPX track
 * points): constant markup goes in pre-encoded, numbers digit by digit (the writers of
 * ascii-digits.ts and ascii-decimals.ts), so no intermediate strings are built, flattened and
 * encoded again. Full chunks go to the sink, each ending where a piece ended (never inside a
 * multi-byte character). A chunk is lent to the sink for the call only: the buffer is reused for
 * the next one, so a sink that keeps data must copy it.
 *
 * put() and those writers take index `n` of `b` and return the index after what they wrote; a
 * hot writer keeps `n` in a local between room() and end() (no object traffic per piece).
 */
const encoder = new TextEncoder();

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
}
