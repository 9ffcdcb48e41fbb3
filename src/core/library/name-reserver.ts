/**
 * Picks the final name of a new library file: the sanitised original name, or `name-1.fit`,
 * `name-2.fit`, ... when that is taken by another file, in the index, on disk, or by a copy
 * still being written in this run. A name taken on disk by a file with the very same content
 * and no index entry is a copy an interrupted run linked but never recorded: it is adopted
 * instead of copied again.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { FitkitError } from '../errors.js';
import { sha256 } from './analyse.js';
import type { IoMeter } from './io-meter.js';
import type { LibraryDirs } from './library-dirs.js';
import type { LibraryIndex } from './library-index.js';
import { suffixed } from './sanitise.js';

export interface Reservation {
  /** Library-relative path, `/`-separated. */
  path: string;
  /** The file is already there, with this content (from an interrupted run). */
  adopted: boolean;
  /** The suffix used (0: the name itself); retry from n + 1 if the name is taken after all. */
  n: number;
}

const MAX_SUFFIX = 100_000;

export class NameReserver {
  #dirs: LibraryDirs;
  #index: LibraryIndex;
  #meter?: IoMeter;
  #reserved = new Set<string>();

  constructor(dirs: LibraryDirs, index: LibraryIndex, meter?: IoMeter) {
    this.#dirs = dirs;
    this.#index = index;
    this.#meter = meter;
  }

  /** First free (or adoptable) name for content `hash` of `size` bytes in folder `dir`, from suffix `from`. */
  reserve(dir: string, name: string, hash: string, size: number, from = 0): Reservation {
    for (let n = from; n < MAX_SUFFIX; n++) {
      const path = `${dir}/${suffixed(name, n)}`;
      if (this.#reserved.has(path) || this.#index.hasPath(path)) continue;
      const abs = this.#dirs.abs(path);
      let st;
      try {
        st = lstatSync(abs);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
        this.#reserved.add(path);
        return { path, adopted: false, n };
      }
      if (st.isFile() && st.size === size && this.#hash(abs) === hash) {
        this.#reserved.add(path);
        return { path, adopted: true, n };
      }
    }
    throw new FitkitError('names_exhausted', `no free name for ${name} in ${dir}`);
  }

  #hash(abs: string): string {
    const bytes = readFileSync(abs);
    this.#meter?.hashed(bytes.length);
    return sha256(bytes);
  }
}
