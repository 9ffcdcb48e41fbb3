/**
 * Output files that appear whole or not at all: written to a temporary name in the target
 * folder, fsynced, then renamed over the target. A crash leaves the old file (or none), never a
 * half-written one. The temporary file is in the temp registry until renamed or removed.
 *
 * A target that must not be replaced (a device, a FIFO: output-file.ts decides) is written in
 * place instead, through a descriptor the caller opened: then there is nothing to rename or remove.
 */
import { closeSync, fchmodSync, fchownSync, fdatasync, fsyncSync, openSync, renameSync, unlinkSync, write, writeSync } from 'node:fs';
import { tempPathFor, trackTemp, untrackTemp } from './temp-registry.js';

export interface AtomicFileOptions {
  /** Write in place through this open descriptor (no temporary file, no rename). */
  fd?: number;
  /** The replaced file's permission bits and owner, given to the new one. */
  mode?: number;
  uid?: number;
  gid?: number;
  /** Bytes written between writebacks (default WRITEBACK). */
  writeback?: number;
}

/** Size of the recycled buffers: enqueue() copies into them, spare() hands them out. */
export const POOLED = 1 << 18;
/** Written buffers kept for reuse. */
const FREE = 32;
/**
 * Writes to a temporary file (queued or appended) start its writeback every this many bytes (an
 * fdatasync on libuv's thread pool, one at a time, while the caller goes on producing): commit()'s
 * fsync then waits for the last few MB, not for the whole file (20 ms for the 27 MB CSV of a 24 h
 * file here, over a second for 1 GB).
 */
const WRITEBACK = 4 << 20;

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
  /** abort() came while a write or an fdatasync was in flight: close when it returns (never under it). */
  #closeWhenIdle = false;
  /** Bytes written by queued writes, and that count when the last fdatasync started. */
  #written = 0;
  #syncedAt = 0;
  #syncing = false;
  #writebackEvery: number;

  constructor(path: string, opts: AtomicFileOptions = {}) {
    this.path = path;
    this.#writebackEvery = opts.writeback ?? WRITEBACK;
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
   * Writes `data` now, as write() does, and starts a temporary file's writeback every `writeback`
   * bytes as queued writes do. For a caller with nothing else to do meanwhile: into the page cache
   * a write is a copy (~5 GB/s here), cheaper than queuing it, and the buffer is free again at once
   * (fresh buffers per chunk cost a page fault per 4 KiB). Throws a writeback's error. When it
   * returns a promise, the caller awaits it before more: writebacks are started from there. Do
   * not mix with enqueue() or give().
   */
  append(data: Uint8Array): Promise<void> | undefined {
    if (this.#writeError) throw this.#writeError;
    this.write(data);
    this.#written += data.length;
    if (this.#written - this.#syncedAt < this.#writebackEvery) return undefined;
    if (!this.#syncing) return void this.#writeback();
    // The last writeback may be done, but its callback waits for the event loop: a turn of it.
    return new Promise((resolve) => setImmediate(resolve));
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
    const chunk = data.length <= POOLED ? this.spare().subarray(0, data.length) : new Uint8Array(data.length);
    chunk.set(data);
    this.give(chunk);
  }

  /**
   * As enqueue(), without the copy: `data` is the file's until written, and must not be touched
   * meanwhile. A buffer from spare() comes back from spare() once written.
   */
  give(data: Uint8Array): void {
    if (this.#writeError) return;
    this.#queue.push(data);
    this.#queued += data.length;
    if (this.#queue.length === 1) this.#writeHead(0);
  }

  /** A buffer of POOLED bytes to fill and give(): one written already, or a new one. */
  spare(): Uint8Array {
    return this.#free.pop() ?? new Uint8Array(POOLED);
  }

  #writeHead(off: number): void {
    const head = this.#queue[0];
    write(this.#fd, head, off, head.length - off, null, (err, n) => {
      if (this.#closeWhenIdle) {
        this.#queue = [];
        if (!this.#syncing) closeSync(this.#fd);
        return;
      }
      if (err && !this.#writeError) this.#writeError = err;
      if (this.#writeError) {
        // Nothing more is written after a failure (this write's, or a writeback's).
        this.#queue = [];
        this.#queued = 0;
      } else if (off + n < head.length) {
        return this.#writeHead(off + n);
      } else {
        this.#queue.shift();
        this.#queued -= head.length;
        this.#written += head.length;
        if (head.byteOffset === 0 && head.buffer.byteLength === POOLED && this.#free.length < FREE) this.#free.push(new Uint8Array(head.buffer));
        if (this.#queue.length > 0) this.#writeHead(0);
        if (this.#written - this.#syncedAt >= this.#writebackEvery) this.#writeback();
      }
      this.#wake();
    });
  }

  #wake(): void {
    for (const w of this.#waiting.splice(0)) w();
  }

  /** Starts the writeback of what is written so far (a temporary file only: the rest may not take an fdatasync). */
  #writeback(): void {
    if (this.#syncing || this.tempPath === undefined) return;
    this.#syncing = true;
    this.#syncedAt = this.#written;
    fdatasync(this.#fd, (err) => {
      this.#syncing = false;
      if (this.#closeWhenIdle) {
        if (this.#queue.length === 0) closeSync(this.#fd);
        return;
      }
      // The data may be lost, and a later fsync need not say so again. A write in flight drops
      // the queue when it returns.
      if (err && !this.#writeError) this.#writeError = err;
      this.#wake();
    });
  }

  /** Resolves (undefined if already so) once at most `limit` queued bytes wait; rejects on a write error. */
  drained(limit = 2 << 20): Promise<void> | undefined {
    return this.#until(() => this.#queued <= limit);
  }

  #until(done: () => boolean): Promise<void> | undefined {
    if (this.#writeError) return Promise.reject(this.#writeError);
    if (done()) return undefined;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.#writeError) reject(this.#writeError);
        else if (done()) resolve();
        else this.#waiting.push(check);
      };
      this.#waiting.push(check);
    });
  }

  /** Waits for the queued writes (and a writeback in flight), then commits as commit() does. */
  async commitQueued(): Promise<void> {
    await this.#until(() => this.#queued === 0 && !this.#syncing);
    this.commit();
  }

  /** Flushes to disk and moves the file into place (in place: closes it). After enqueue(): commitQueued(). */
  commit(): void {
    if (this.#done) return;
    if (this.#queue.length > 0 || this.#syncing) throw new Error('AtomicFile.commit() with writes in flight: commitQueued() waits for them');
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
      // A write (or fdatasync) in flight still uses the descriptor: closing it now could let the
      // number be reused and the write land in another file.
      if (this.#queue.length > 0 || this.#syncing) this.#closeWhenIdle = true;
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
