/**
 * Output files that appear whole or not at all: written to a temporary name in the target
 * folder, fsynced, then renamed over the target. A crash leaves the old file (or none), never a
 * half-written one. The temporary file is in the temp registry until renamed or removed.
 *
 * A target that must not be replaced (a device, a FIFO: output-file.ts decides) is written in
 * place instead, through a descriptor the caller opened: then there is nothing to rename or remove.
 */
import { closeSync, fchmodSync, fchownSync, fsyncSync, openSync, renameSync, unlinkSync, write, writeSync } from 'node:fs';
import { tempPathFor, trackTemp, untrackTemp } from './temp-registry.js';

export interface AtomicFileOptions {
  /** Write in place through this open descriptor (no temporary file, no rename). */
  fd?: number;
  /** The replaced file's permission bits and owner, given to the new one. */
  mode?: number;
  uid?: number;
  gid?: number;
}

/** Size of the recycled buffers enqueue() copies into. */
const POOLED = 1 << 18;

export class AtomicFile {
  readonly path: string;
  /** undefined when written in place. */
  readonly tempPath: string | undefined;
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

  constructor(path: string, opts: AtomicFileOptions = {}) {
    this.path = path;
    if (opts.fd !== undefined) {
      this.tempPath = undefined;
      this.#fd = opts.fd;
      return;
    }
    const temp = tempPathFor(path);
    this.#fd = openSync(temp, 'wx', 0o644);
    this.tempPath = temp;
    trackTemp(temp);
    try {
      if (opts.mode !== undefined) fchmodSync(this.#fd, opts.mode & 0o7777);
      if (opts.uid !== undefined && opts.gid !== undefined && opts.uid !== process.getuid?.()) fchownSync(this.#fd, opts.uid, opts.gid);
    } catch {
      // Not allowed to keep them (another user's file): the new file is ours, as cp would make it.
    }
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
    const chunk = (data.length <= POOLED ? (this.#free.pop() ?? Buffer.allocUnsafeSlow(POOLED)) : Buffer.allocUnsafeSlow(data.length)).subarray(0, data.length);
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

  /** Flushes to disk and moves the file into place (in place: closes it). */
  commit(): void {
    if (this.#done) return;
    this.#done = true;
    if (this.tempPath === undefined) {
      closeSync(this.#fd);
      return;
    }
    try {
      try {
        fsyncSync(this.#fd);
      } finally {
        closeSync(this.#fd);
      }
      renameSync(this.tempPath, this.path);
    } catch (e) {
      removeQuietly(this.tempPath);
      throw e;
    } finally {
      untrackTemp(this.tempPath);
    }
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
      if (this.tempPath !== undefined) {
        removeQuietly(this.tempPath);
        untrackTemp(this.tempPath);
      }
    }
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
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
