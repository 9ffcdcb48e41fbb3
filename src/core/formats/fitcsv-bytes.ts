/**
 * The bytes of CSV rows, written straight into a buffer (no string per row): the compiled row
 * writers (fitcsv-fast.ts) put their ASCII digits and constant cells there, the general path its
 * row strings. Filled buffers go out as chunks, always at a row boundary; in row mode each row
 * goes out alone, as a string (the `onRow` API).
 */

/**
 * Where rows go: chunks of whole rows (valid only during the call: the buffer is reused), chunks
 * handed over (`give`: the buffer is the target's, and writing goes on in one from `spare`), or
 * one string per row.
 */
export type CsvBytesTarget = { chunk: (bytes: Uint8Array) => void | Promise<void> } | { give: (bytes: Uint8Array) => void | Promise<void>; spare: () => Uint8Array } | { row: (line: string) => void };

const NEWLINE = 10;
const COMMA = 44;
/** Buffer size: chunks stay at most this big unless one row is bigger. */
const SIZE = 1 << 18;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export class CsvBytes {
  /** The buffer (and a view of it) and the end of what is written in it; compiled writers fill them directly, after begin(). */
  buf: Uint8Array;
  dv: DataView;
  pos = 0;
  /** What the last chunk handed out returned (backpressure: awaited before more input is read). */
  pending: Promise<void> | undefined;
  #chunk?: (bytes: Uint8Array) => void | Promise<void>;
  #spare?: () => Uint8Array;
  #row?: (line: string) => void;

  constructor(target: CsvBytesTarget, size = SIZE) {
    if ('give' in target) {
      this.#chunk = target.give;
      this.#spare = target.spare;
    } else if ('chunk' in target) this.#chunk = target.chunk;
    else this.#row = target.row;
    this.buf = this.#spare?.() ?? new Uint8Array(size);
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  #use(buf: Uint8Array): void {
    this.buf = buf;
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** A row starts that takes at most `bound` bytes (its padding and newline apart). */
  begin(bound: number): void {
    if (this.pos + bound <= this.buf.length) return;
    if (this.#chunk) this.flush();
    this.room(bound);
  }

  /** Room for `n` more bytes of the row being written (the buffer may be replaced). */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    bigger.set(this.buf.subarray(0, this.pos));
    this.#use(bigger);
  }

  /** Appends `s` (UTF-8) to the row being written. */
  text(s: string): void {
    this.room(s.length * 3);
    const buf = this.buf;
    let q = this.pos;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        q += encoder.encodeInto(s.slice(i), buf.subarray(q)).written;
        break;
      }
      buf[q++] = c;
    }
    this.pos = q;
  }

  /** Ends the row with `n` empty field triplets and a newline. */
  end(n: number): void {
    this.room(n * 3 + 1);
    const buf = this.buf;
    let q = this.pos;
    for (let i = 3 * n; i > 0; i--) buf[q++] = COMMA;
    if (this.#row) {
      this.#row(decoder.decode(buf.subarray(0, q)));
      this.pos = 0;
      return;
    }
    buf[q++] = NEWLINE;
    this.pos = q;
  }

  /** Hands out the rows written so far. */
  flush(): void {
    if (this.pos === 0 || !this.#chunk) return;
    const p = this.#chunk(this.buf.subarray(0, this.pos));
    if (this.#spare) this.#use(this.#spare());
    this.pos = 0;
    // Every promise is awaited (a rejection left alone would be unhandled).
    if (p) this.pending = this.pending ? Promise.all([this.pending, p]).then(() => {}) : p;
  }
}
