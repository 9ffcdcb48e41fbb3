/**
 * Folders inside the library, created so that nothing can lead a write outside it: each path
 * segment is created (or found) and checked to be a real folder, not a symbolic link, and owned
 * by the user running, before the next one is entered. The state files (`.fitkit/index.jsonl`,
 * `.fitkit/sync/*.jsonl`) are checked the same way before they are opened. Also sweeps temporary
 * files left by interrupted runs.
 */
import { lstatSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { FitkitError } from '../errors.js';
import { TEMP_PREFIX } from '../platform/durable-file.js';
import { STATE_DIR } from './layout.js';
import { fromSystemError } from '../platform/system-error.js';

/**
 * Refuses, with one line, what fitkit must not write to or delete in a library: a symbolic link
 * (it would lead outside), something that is not a `kind`, or something another user owns.
 * False when nothing is there.
 */
export function checkLibraryPath(path: string, kind: 'folder' | 'file'): boolean {
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw fromSystemError(e, path);
  }
  if (st.isSymbolicLink()) throw new FitkitError('unsafe_path', 'is a symbolic link; fitkit does not follow links inside a library', { file: path });
  if (kind === 'folder' ? !st.isDirectory() : !st.isFile()) throw new FitkitError('unsafe_path', `not a ${kind} where the library needs one`, { file: path });
  const me = process.getuid?.();
  if (me !== undefined && st.uid !== me) {
    throw new FitkitError('unsafe_path', `owned by uid ${st.uid}, not by you (uid ${me}); fitkit writes only its own files in a library`, { file: path });
  }
  return true;
}

/** Creates one folder (its parent must exist) or finds it, and checks it as checkLibraryPath() does. */
export function ensureLibraryFolder(path: string, mode = 0o755): string {
  try {
    mkdirSync(path, { mode });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fromSystemError(e, path, 'folder');
  }
  checkLibraryPath(path, 'folder');
  return path;
}

/**
 * Checks the library's state folder and what fitkit keeps in it (`.fitkit`, `incoming`, `sync`
 * and its journals, `index.jsonl`, `lock`) before anything is written, swept or deleted there:
 * a run refuses at once, with one line, instead of failing device by device.
 */
export function checkLibraryState(root: string): void {
  const state = join(root, STATE_DIR);
  if (!checkLibraryPath(state, 'folder')) return;
  checkLibraryPath(join(state, 'index.jsonl'), 'file');
  checkLibraryPath(join(state, 'incoming'), 'folder');
  if (checkLibraryPath(join(state, 'sync'), 'folder')) {
    for (const e of readdirSync(join(state, 'sync'))) if (e.endsWith('.jsonl')) checkLibraryPath(join(state, 'sync', e), 'file');
  }
  for (const lock of ['lock', 'lock.steal']) {
    const p = join(state, lock);
    if (lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink()) {
      throw new FitkitError('unsafe_path', 'is a symbolic link; fitkit does not follow links inside a library', { file: p });
    }
  }
}

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
    for (const seg of rel.split('/')) ensureLibraryFolder((p = join(p, seg)));
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
