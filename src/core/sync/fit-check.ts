/**
 * Is a download a whole FIT file? Checked as the bytes stream in, before anything lands: the
 * header (size 12 or 14, ".FIT", a data size that fits the download) and the CRC-16 of the
 * first FIT file in it, which must leave a zero remainder over its trailing CRC. A copy that
 * arrives as the right number of zero bytes (an MTP quirk users report) fails the header.
 */
import { crc16 } from '../bytes/crc16.js';

export class FitCheck {
  #head = new Uint8Array(14);
  #got = 0;
  #crc = 0;
  /** End of the first FIT file (header + data + CRC), once the header is in. */
  #end: number | undefined;
  #allZero = true;

  push(chunk: Uint8Array): void {
    if (this.#allZero && chunk.some((b) => b !== 0)) this.#allZero = false;
    if (this.#got < 14) this.#head.set(chunk.subarray(0, 14 - this.#got), this.#got);
    const start = this.#got;
    this.#got += chunk.length;
    if (this.#end === undefined && this.#got >= 12) {
      const h = this.#head[0];
      if (h === 12 || h === 14) this.#end = h + new DataView(this.#head.buffer).getUint32(4, true) + 2;
    }
    const stop = Math.min(chunk.length, (this.#end ?? Number.POSITIVE_INFINITY) - start);
    if (stop > 0) this.#crc = crc16(chunk, 0, stop, this.#crc);
  }

  /** What is wrong with the bytes pushed, or undefined for a whole FIT file. */
  problem(): string | undefined {
    const size = this.#got;
    const h = this.#head;
    if (size > 0 && this.#allZero) return `all ${size} bytes are zero`;
    if (size < 12 || (h[0] !== 12 && h[0] !== 14)) return `no FIT header (header size byte ${h[0]})`;
    if (String.fromCharCode(h[8], h[9], h[10], h[11]) !== '.FIT') return 'no ".FIT" signature in the header';
    if (this.#end === undefined || this.#end > size) return `the header announces ${this.#end ?? '?'} bytes but ${size} arrived`;
    if (this.#crc !== 0) return 'the FIT CRC does not match its contents';
    return undefined;
  }
}
