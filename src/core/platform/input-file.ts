/** An input the user names, checked before reading so that a mistake reads as one line. */
import { statSync, type Stats } from 'node:fs';
import { FitkitError } from '../errors.js';
import { fromSystemError } from './system-error.js';

/**
 * What is at `path` (links followed): a regular file, or something readable once like a FIFO or a
 * device. A folder, a missing path, or one that cannot be reached throws `fitkit: PATH: why`.
 */
export function inputStat(path: string): Stats {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    throw fromSystemError(e, path, 'input');
  }
  if (st.isDirectory()) throw new FitkitError('is_directory', 'is a directory', { file: path });
  return st;
}
