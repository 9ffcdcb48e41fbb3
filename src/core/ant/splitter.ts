/**
 * The stick's IN pipe is a byte stream: one USB transfer may hold several messages, a message
 * may span transfers, and garbage or zero padding happens (docs/ant-fs.md). This turns
 * chunks into whole, checksum-valid messages. It never throws: on a bad length or checksum it
 * drops one byte and looks for the next sync byte, and counts the event.
 */
import { MAX_PAYLOAD, SYNC, xorChecksum, type AntMessage } from './message.js';

export class FrameSplitter {
  #buf = new Uint8Array(256);
  #len = 0;
  /** Bytes skipped looking for a sync byte (garbage, padding). */
  skipped = 0;
  /** Candidate frames rejected (implausible length or bad checksum). */
  rejected = 0;

  /** Feeds a chunk; returns the messages it completed, in order. */
  push(chunk: Uint8Array): AntMessage[] {
    this.#append(chunk);
    const out: AntMessage[] = [];
    const b = this.#buf;
    let p = 0;
    while (p < this.#len) {
      if (b[p] !== SYNC) {
        p++;
        this.skipped++;
        continue;
      }
      if (this.#len - p < 4) break;
      const n = b[p + 1];
      if (n > MAX_PAYLOAD) {
        p++;
        this.rejected++;
        continue;
      }
      if (this.#len - p < n + 4) break;
      if (xorChecksum(b, p, p + n + 4) !== 0) {
        p++;
        this.rejected++;
        continue;
      }
      out.push({ id: b[p + 2], payload: b.slice(p + 3, p + 3 + n) });
      p += n + 4;
    }
    b.copyWithin(0, p, this.#len);
    this.#len -= p;
    return out;
  }

  /** Forgets a partial message (after a stick reset). */
  clear(): void {
    this.#len = 0;
  }

  #append(chunk: Uint8Array): void {
    if (this.#len + chunk.length > this.#buf.length) {
      const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + chunk.length));
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
    }
    this.#buf.set(chunk, this.#len);
    this.#len += chunk.length;
  }
}
