/**
 * Output files that appear whole or not at all: written to a temporary name in the target
 * folder, fsynced, then renamed over the target. A crash leaves the old file (or none), never a
 * half-written one.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export class AtomicFile {
  readonly path: string;
  readonly tempPath: string;
  #fd: number;
  #done = false;

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
      closeSync(this.#fd);
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
