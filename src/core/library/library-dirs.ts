/**
 * Folders inside the library, created so that nothing can lead a write outside it: each path
 * segment is created (or found) and checked to be a real folder, not a symbolic link, before
 * the next one is entered. Also sweeps temporary files left by interrupted runs.
 */
import { lstatSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { FitkitError } from '../errors.js';
import { TEMP_PREFIX } from '../platform/durable-file.js';

export class LibraryDirs {
  readonly root: string;
  #ensured = new Set<string>();

  constructor(root: string) {
    this.root = root;
  }

  /** Absolute path of a library-relative `/`-separated path, refusing anything that escapes. */
  abs(rel: string): string {
    const parts = rel.split('/');
    if (rel === '' || parts.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0'))) {
      throw new FitkitError('unsafe_path', `refusing library path "${rel}"`);
    }
    return join(this.root, ...parts);
  }

  /** Creates `rel` (a folder) segment by segment; throws if any segment is not a real folder. */
  ensure(rel: string): string {
    const abs = this.abs(rel);
    if (this.#ensured.has(rel)) return abs;
    let p = this.root;
    for (const seg of rel.split('/')) {
      p = join(p, seg);
      try {
        mkdirSync(p, { mode: 0o755 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const st = lstatSync(p);
      if (st.isSymbolicLink() || !st.isDirectory()) {
        throw new FitkitError('unsafe_path', `${st.isSymbolicLink() ? 'a symbolic link' : 'not a folder'} where the library needs a folder`, { file: p });
      }
    }
    this.#ensured.add(rel);
    return abs;
  }

  /**
   * Removes `.fitkit-tmp-*` files from the library's folders (the layout is at most three
   * levels deep). Only call while holding the library lock: then no live run owns them.
   */
  sweepTemp(maxDepth = 3): number {
    let removed = 0;
    const visit = (dir: string, depth: number) => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isFile() && e.name.startsWith(TEMP_PREFIX)) {
          unlinkSync(p);
          removed++;
        } else if (e.isDirectory() && depth < maxDepth) visit(p, depth + 1);
      }
    };
    visit(this.root, 1);
    return removed;
  }
}
