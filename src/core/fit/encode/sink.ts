/**
 * Where the encoder's bytes go. The writer streams chunks, then patches the 14-byte header at
 * offset 0 once the data size is known, so a file of any size needs only one chunk in memory.
 */
export interface FitSink {
  write(chunk: Uint8Array): void;
  /** Overwrites bytes already written at `offset` (the header, at the end). */
  patch(offset: number, bytes: Uint8Array): void;
}

/** Collects the file in memory; `bytes()` gives it whole once the writer has finished. */
export class BufferSink implements FitSink {
  #chunks: Uint8Array[] = [];
  #length = 0;
  #patches: { offset: number; bytes: Uint8Array }[] = [];

  write(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  patch(offset: number, bytes: Uint8Array): void {
    this.#patches.push({ offset, bytes });
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let o = 0;
    for (const c of this.#chunks) {
      out.set(c, o);
      o += c.length;
    }
    for (const p of this.#patches) out.set(p.bytes, p.offset);
    return out;
  }
}
