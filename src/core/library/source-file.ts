/**
 * Reading one source file for sorting: opened without following a symlink (O_NOFOLLOW, so a
 * file swapped for a link after the walk is refused, not followed), checked to be a regular
 * file, read whole, and analysed.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { FitkitError } from '../errors.js';
import { analyseBytes, type Analysis } from './analyse.js';
import { stampOf, type FileStamp } from './stat-cache.js';

export interface SourceRead extends Analysis {
  bytes: Uint8Array;
  /** The source's mtime when read (the copy's mtime when it has no file_id time). */
  mtimeMs: number;
  /** Its stat before the bytes were read: for the stat cache, and `--move`'s unchanged check. */
  stamp: FileStamp;
}

export function readSource(path: string): SourceRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new FitkitError('symlink', 'is a symbolic link (not followed)', { file: path, cause: e });
    throw new FitkitError('unreadable', (e as Error).message, { file: path, cause: e });
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    if (!st.isFile()) throw new FitkitError('not_regular', 'not a regular file', { file: path });
    const size = Number(st.size);
    // A fresh (unpooled) buffer: it is transferred whole to the main thread.
    const bytes = new Uint8Array(size);
    let n = 0;
    for (let r; n < size && (r = readSync(fd, bytes, n, size - n, n)) > 0;) n += r;
    const data = n === size ? bytes : bytes.slice(0, n);
    return { ...analyseBytes(data), bytes: data, mtimeMs: Number(st.mtimeNs / 1000n) / 1000, stamp: stampOf(st) };
  } catch (e) {
    if (e instanceof FitkitError) throw e;
    throw new FitkitError('unreadable', (e as Error).message, { file: path, cause: e });
  } finally {
    closeSync(fd);
  }
}
