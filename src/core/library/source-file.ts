/**
 * Reading one source file for sorting: opened without following a symlink (O_NOFOLLOW, so a
 * file swapped for a link after the walk is refused, not followed), checked to be a regular
 * file, read whole, and analysed.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { FitkitError } from '../errors.js';
import { analyseBytes, type Analysis } from './analyse.js';

export interface SourceRead extends Analysis {
  bytes: Uint8Array;
  /** The source's mtime when read, to check it is unchanged before `--move` deletes it. */
  mtimeMs: number;
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
    const st = fstatSync(fd);
    if (!st.isFile()) throw new FitkitError('not_regular', 'not a regular file', { file: path });
    // A fresh (unpooled) buffer: it is transferred whole to the main thread.
    const bytes = new Uint8Array(st.size);
    let n = 0;
    for (let r; n < st.size && (r = readSync(fd, bytes, n, st.size - n, n)) > 0; ) n += r;
    const data = n === st.size ? bytes : bytes.slice(0, n);
    return { ...analyseBytes(data), bytes: data, mtimeMs: st.mtimeMs };
  } catch (e) {
    if (e instanceof FitkitError) throw e;
    throw new FitkitError('unreadable', (e as Error).message, { file: path, cause: e });
  } finally {
    closeSync(fd);
  }
}
