/**
 * The library's memory of what it holds: `.fitkit/index.jsonl`, an append-only journal with one
 * JSON object per line: content hash, size, where the file went, where it came from.
 *
 * Entries are appended with one write() and fsynced before anything depends on them; what a
 * crash leaves and how the next run recovers: docs/library-durability.md. Concurrent runs are
 * kept apart by the library lock (lock.ts), not by this file.
 */
import { join } from 'node:path';
import { JsonlJournal } from '../platform/jsonl-journal.js';
import { checkLibraryPath } from './library-dirs.js';

export const INDEX_FILE = 'index.jsonl';

export interface IndexEntry {
  sha256: string;
  size: number;
  /** Where the copy is, relative to the library root, `/`-separated. */
  path: string;
  /** The source it came from, as given (absolute). */
  origin: string;
  kind: 'sorted' | 'quarantined';
  /** Why it was quarantined: `code: message (at byte N)`. */
  reason?: string;
  /** When it was added (ISO 8601). */
  at: string;
}

function valid(e: unknown): e is IndexEntry {
  const x = e as IndexEntry;
  return !!x && typeof x.sha256 === 'string' && typeof x.path === 'string' && typeof x.size === 'number';
}

export class LibraryIndex {
  readonly file: string;
  /** Lines that did not parse when loaded (a torn append from a crash). */
  readonly skippedLines: number;
  #byHash = new Map<string, IndexEntry>();
  #paths = new Set<string>();
  #journal: JsonlJournal;

  private constructor(file: string) {
    this.file = file;
    this.#journal = new JsonlJournal(file);
    const { values, skipped } = this.#journal.read();
    let invalid = 0;
    for (const e of values) {
      if (valid(e)) this.#remember(e);
      else invalid++;
    }
    this.skippedLines = skipped + invalid;
  }

  /** Reads `<stateDir>/index.jsonl` (an absent file is an empty index; a symbolic link or another user's file is refused). */
  static load(stateDir: string): LibraryIndex {
    const file = join(stateDir, INDEX_FILE);
    checkLibraryPath(file, 'file');
    return new LibraryIndex(file);
  }

  get size(): number {
    return this.#byHash.size;
  }

  byHash(sha256: string): IndexEntry | undefined {
    return this.#byHash.get(sha256);
  }

  /** True when some entry's copy is at this library-relative path. */
  hasPath(path: string): boolean {
    return this.#paths.has(path);
  }

  entries(): IterableIterator<IndexEntry> {
    return this.#byHash.values();
  }

  /** Appends entries durably: one write, then fsync. Call only while holding the library lock. */
  append(entries: readonly IndexEntry[]): void {
    this.#journal.append(entries);
    for (const e of entries) this.#remember(e);
  }

  close(): void {
    this.#journal.close();
  }

  #remember(e: IndexEntry): void {
    // The first copy of a content wins: later entries with the same hash cannot happen under
    // the lock, but if they do (a lock lost to a clock jump), they are still known paths.
    if (!this.#byHash.has(e.sha256)) this.#byHash.set(e.sha256, e);
    this.#paths.add(e.path);
  }
}
