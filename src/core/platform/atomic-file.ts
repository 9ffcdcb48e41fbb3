/**
 * Output files that appear whole or not at all: written to a temporary name in the target
 * folder, fsynced, then renamed over the target. A crash leaves the old file (or none), never a
 * half-written one.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, write, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Size of the recycled buffers enqueue() copies into. */
const POOLED = 1 << 18;

export class AtomicFile {
  readonly path: string;
  readonly tempPath: string;
  #fd: number;
  #done = false;
  /** Chunks handed to enqueue() and not yet written, in order; the head is being written. */
  #queue: Uint8Array[] = [];
  #queued = 0;
  #writeError: Error | undefined;
  #waiting: (() => void)[] = [];
  #free: Uint8Array[] = [];
  /** abort() came while a write was in flight: close when it returns (never under it). */
  #closeWhenIdle = false;

  constructor(path: string) {
    this.path = path;
    this.tempPath = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    this.#fd = openSync(this.tempPath, 'wx', 0o644);
  }

  write(data: string | Uint8Array): void {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(this.#fd, buf, off, buf.length - off);
  }

  /**
   * Writes `chunk` on libuv's thread pool while the caller goes on producing the next one (on a
   * big output the write calls cost as much as producing it). The bytes are copied: the caller
   * may reuse its buffer at once. Pair with drained() to bound what waits in memory, and finish with
   * commitQueued(). Do not mix with write().
   */
  enqueue(data: Uint8Array): void {
    if (this.#writeError) return;
    // Copied (the caller may reuse its buffer) into recycled buffers: fresh ones per chunk would
    // be hundreds of MB of zero-filled memory on a big output, and the GC work they bring.
    const chunk = (data.length <= POOLED ? this.#free.pop() ?? Buffer.allocUnsafeSlow(POOLED) : Buffer.allocUnsafeSlow(data.length)).subarray(0, data.length);
    chunk.set(data);
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (this.#queue.length === 1) this.#writeHead(0);
  }

  #writeHead(off: number): void {
    const head = this.#queue[0];
    write(this.#fd, head, off, head.length - off, null, (err, n) => {
      if (this.#closeWhenIdle) {
        closeSync(this.#fd);
        return;
      }
      if (err) {
        this.#writeError = err;
        this.#queue = [];
        this.#queued = 0;
      } else if (off + n < head.length) {
        return this.#writeHead(off + n);
      } else {
        this.#queue.shift();
        this.#queued -= head.length;
        if (head.buffer.byteLength === POOLED && this.#free.length < 8) this.#free.push(new Uint8Array(head.buffer));
        if (this.#queue.length > 0) this.#writeHead(0);
      }
      for (const w of this.#waiting.splice(0)) w();
    });
  }

  /** Resolves (undefined if already so) once at most `limit` queued bytes wait; rejects on a write error. */
  drained(limit = 2 << 20): Promise<void> | undefined {
    if (this.#writeError) return Promise.reject(this.#writeError);
    if (this.#queued <= limit) return undefined;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.#writeError) reject(this.#writeError);
        else if (this.#queued <= limit) resolve();
        else this.#waiting.push(check);
      };
      this.#waiting.push(check);
    });
  }

  /** Waits for the queued writes, then commits as commit() does. */
  async commitQueued(): Promise<void> {
    await this.drained(0);
    this.commit();
  }

  /** Flushes to disk and moves the file into place. */
  commit(): void {
    if (this.#done) return;
    this.#done = true;
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    renameSync(this.tempPath, this.path);
  }

  /** Drops the temporary file; the target is left as it was. */
  abort(): void {
    if (this.#done) return;
    this.#done = true;
    try {
      // A write in flight still uses the descriptor: closing it now could let the number be
      // reused and the write land in another file.
      if (this.#queue.length > 0) this.#closeWhenIdle = true;
      else closeSync(this.#fd);
    } finally {
      try {
        unlinkSync(this.tempPath);
      } catch {
        // already gone
      }
    }
  }
}

/**
 * Writes a whole file atomically: `fill` writes into it; the file appears only if `fill` returns,
 * and nothing is left behind if it throws.
 */
export function writeFileAtomic(path: string, fill: (out: AtomicFile) => void): void {
  const out = new AtomicFile(path);
  try {
    fill(out);
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}
