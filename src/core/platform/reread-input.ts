/**
 * An input that can be read more than once (a pre-scan, then the real pass). A regular file is
 * simply read again; standard input that is a regular file (`< ride.fit`) too. Anything read only
 * once (a pipe, a FIFO, a device) is first copied to a temporary file, in the temp registry until
 * close().
 */
import { closeSync, createReadStream, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHUNK, fileChunks } from './file-chunks.js';
import { inputStat } from './input-file.js';
import { fromSystemError } from './system-error.js';
import { trackTemp, untrackTemp } from './temp-registry.js';

export interface RereadableInput {
  /** A fresh pass over the whole input. */
  open(): Iterable<Uint8Array>;
  close(): void;
}

/** `file` or `-` (standard input); throws `fitkit: FILE: why` for what cannot be read. */
export async function rereadableInput(file: string): Promise<RereadableInput> {
  const name = file === '-' ? '<stdin>' : file;
  try {
    if (file !== '-' && inputStat(file).isFile()) return { open: () => fileChunks(file), close: () => {} };
    if (file === '-' && fstatSync(0).isFile()) return { open: () => fdChunks(0), close: () => {} };
    return await spooled(file === '-' ? process.stdin : createReadStream(file, { highWaterMark: CHUNK }));
  } catch (e) {
    throw fromSystemError(e, name, 'input');
  }
}

/** A descriptor's bytes from its start, read by position (the descriptor's own offset is left alone). */
function fdChunks(fd: number): Iterable<Uint8Array> {
  return {
    *[Symbol.iterator]() {
      for (let pos = 0; ;) {
        const buf = Buffer.allocUnsafe(CHUNK);
        const n = readSync(fd, buf, 0, CHUNK, pos);
        if (n <= 0) return;
        pos += n;
        yield buf.subarray(0, n);
      }
    },
  };
}

async function spooled(source: AsyncIterable<Uint8Array>): Promise<RereadableInput> {
  const dir = mkdtempSync(join(tmpdir(), 'fitkit-input-'));
  trackTemp(dir);
  const close = () => {
    rmSync(dir, { recursive: true, force: true });
    untrackTemp(dir);
  };
  const path = join(dir, 'input.fit');
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      for await (const chunk of source) for (let off = 0; off < chunk.length;) off += writeSync(fd, chunk, off);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    close();
    throw e;
  }
  return { open: () => fileChunks(path), close };
}
