/** Reads and validates one file by path, streaming; what goes wrong reading it becomes its report. */
import { statSync } from 'node:fs';
import type { Profile } from '../fit/profile/profile.js';
import { CHUNK, fileChunks } from '../platform/file-chunks.js';
import { unreadableReport, validateChunks, type FileReport } from './validate-file.js';

class ReadError extends Error {}

/** The file's chunks; a read that fails is told apart from a bug of ours. */
function* chunksOf(path: string, size: number): Iterable<Uint8Array> {
  // A small file is read in one buffer of its size: a 1 MiB buffer per file is most of the
  // time (and garbage) of a batch of small files. A file that grew meanwhile is read on.
  const it = fileChunks(path, Math.min(CHUNK, Math.max(size, 1024)))[Symbol.iterator]();
  for (;;) {
    let r: IteratorResult<Uint8Array>;
    try {
      r = it.next();
    } catch (e) {
      throw new ReadError((e as NodeJS.ErrnoException).code ?? (e as Error).message);
    }
    if (r.done) return;
    yield r.value;
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
