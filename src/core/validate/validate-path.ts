/** Reads and validates one file by path, streaming; what goes wrong reading it becomes its report. */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Profile } from '../fit/profile/profile.js';
import { CHUNK } from '../platform/file-chunks.js';
import { unreadableReport, validateChunks, type FileReport } from './validate-file.js';

class ReadError extends Error {}

/**
 * The file's chunks, read into two buffers in turn. The decoder holds on to at most the last
 * chunk it was given (its unread end is copied out at the next push) and validation keeps no
 * bytes, so a buffer is free again once the next one is pushed: no fresh memory per chunk (page
 * faults were a third of a big file's time). A small file is read in one buffer of its size: a
 * 1 MiB buffer per file was most of the time of a batch of small files. A read that fails is
 * told apart from a bug of ours.
 */
function* chunksOf(path: string, size: number): Iterable<Uint8Array> {
  const n = Math.min(CHUNK, Math.max(size, 1024));
  const bufs: (Buffer | undefined)[] = [undefined, undefined];
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new ReadError((e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  try {
    for (let k = 0; ; k ^= 1) {
      const buf = (bufs[k] ??= Buffer.allocUnsafe(n));
      let got: number;
      try {
        got = readSync(fd, buf, 0, n, null);
      } catch (e) {
        throw new ReadError((e as NodeJS.ErrnoException).code ?? (e as Error).message);
      }
      if (got <= 0) return;
      yield got < n ? buf.subarray(0, got) : buf;
    }
  } finally {
    closeSync(fd);
  }
}

export function validatePath(path: string, profile: Profile): FileReport {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return unreadableReport(path, 'unreadable', 'cannot read: EISDIR');
    size = st.size;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return unreadableReport(path, 'unreadable', `cannot read: ${err.code ?? err.message}`);
  }
  try {
    return validateChunks(path, size, chunksOf(path, size), profile);
  } catch (e) {
    if (e instanceof ReadError) return unreadableReport(path, 'unreadable', `cannot read: ${e.message}`);
    // A bug of ours must not stop the batch: the file is reported, the rest goes on.
    return unreadableReport(path, 'internal_error', `validation failed: ${(e as Error).message}`);
  }
}
