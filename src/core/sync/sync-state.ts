/**
 * What a library remembers of each device: `.fitkit/sync/<device>.jsonl`, one line per file
 * handled (path, size and time as the device listed it, content hash, outcome). A file listed
 * again with the same path, size and time, whose content the library still holds, is not
 * downloaded again. Failures are counted so a file that fails every time is given up after a
 * few tries instead of being downloaded forever; a changed size or time starts over.
 *
 * Same crash rules as the library index (docs/library-durability.md): appended after the
 * library's commit, one append per batch, fsynced; a torn last line is skipped on load. Only one sync of a device runs at a time (the service serialises per device,
 * and two processes at worst both download a file once more).
 */
import { join } from 'node:path';
import { checkLibraryPath, ensureLibraryFolder } from '../library/library-dirs.js';
import { sanitiseSegment } from '../library/sanitise.js';
import { JsonlJournal } from '../platform/jsonl-journal.js';

export type StateOutcome = 'sorted' | 'quarantined' | 'duplicate' | 'filtered' | 'failed';

export interface StateEntry {
  /** Device path as listed. */
  path: string;
  size: number;
  mtimeMs?: number;
  sha256?: string;
  /** FIT file type (file_id.type), when known: lets `--types` skip without downloading again. */
  type?: number | 'unknown';
  outcome: StateOutcome;
  reason?: string;
  at: string;
}

/** Gives a file up after this many failed downloads with the same path, size and time. */
export const MAX_FAILURES = 3;

function sameListing(a: { size: number; mtimeMs?: number }, b: { size: number; mtimeMs?: number }): boolean {
  return a.size === b.size && (a.mtimeMs ?? null) === (b.mtimeMs ?? null);
}

export class SyncState {
  readonly file: string;
  #last = new Map<string, StateEntry>();
  #failures = new Map<string, number>();
  #journal: JsonlJournal;

  private constructor(file: string) {
    this.file = file;
    this.#journal = new JsonlJournal(file);
    for (const v of this.#journal.read().values) {
      const e = v as StateEntry;
      if (e && typeof e.path === 'string' && typeof e.size === 'number' && typeof e.outcome === 'string') this.#remember(e);
    }
  }

  /** The state of device `key` in the library whose state folder is `stateDir`. */
  static load(stateDir: string, key: string): SyncState {
    const dir = ensureLibraryFolder(join(stateDir, 'sync'));
    const file = join(dir, `${sanitiseSegment(key.replace(/:/g, '_'))}.jsonl`);
    checkLibraryPath(file, 'file');
    return new SyncState(file);
  }

  /** The last successful record of this listing (same path, size, time), if any. */
  known(path: string, size: number, mtimeMs?: number): StateEntry | undefined {
    const e = this.#last.get(path);
    return e && e.outcome !== 'failed' && sameListing(e, { size, mtimeMs }) ? e : undefined;
  }

  /** Failed downloads in a row of this listing. */
  failures(path: string, size: number, mtimeMs?: number): number {
    const e = this.#last.get(path);
    return e && e.outcome === 'failed' && sameListing(e, { size, mtimeMs }) ? (this.#failures.get(path) ?? 0) : 0;
  }

  append(entries: readonly StateEntry[]): void {
    this.#journal.append(entries);
    for (const e of entries) this.#remember(e);
  }

  close(): void {
    this.#journal.close();
  }

  #remember(e: StateEntry): void {
    const prev = this.#last.get(e.path);
    if (e.outcome === 'failed') {
      const n = prev && prev.outcome === 'failed' && sameListing(prev, e) ? (this.#failures.get(e.path) ?? 0) + 1 : 1;
      this.#failures.set(e.path, n);
    } else this.#failures.delete(e.path);
    this.#last.set(e.path, e);
  }
}
