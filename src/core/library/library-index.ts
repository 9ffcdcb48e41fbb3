/**
 * The library's memory of what it holds: `.fitkit/index.jsonl`, an append-only journal with one
 * JSON object per line: content hash, size, where the file went, where it came from.
 *
 * Crash safety: entries are appended with one write() on an O_APPEND descriptor and fsynced
 * before anything depends on them (a `--move` deletion). A crash can leave at most a torn last
 * line; loading skips lines that do not parse and the next append starts on a fresh line. A
 * file linked into the library whose entry never made it to disk is found again by the sorter
 * (same name, same hash) and adopted, so it is neither lost nor copied twice.
 * Concurrent runs are kept apart by the library lock (lock.ts), not by this file.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

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
  #fd: number | undefined;
  #needsNewline: boolean;

  private constructor(file: string, text: string) {
    this.file = file;
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let e: unknown;
      try {
        e = JSON.parse(line);
      } catch {
        skipped++;
        continue;
      }
      if (valid(e)) this.#remember(e);
      else skipped++;
    }
    this.skippedLines = skipped;
    this.#needsNewline = text.length > 0 && !text.endsWith('\n');
  }

  /** Reads `<stateDir>/index.jsonl` (an absent file is an empty index). */
  static load(stateDir: string): LibraryIndex {
    const file = join(stateDir, INDEX_FILE);
    return new LibraryIndex(file, existsSync(file) ? readFileSync(file, 'utf8') : '');
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
    if (entries.length === 0) return;
    this.#fd ??= openSync(this.file, 'a', 0o644);
    let text = entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
    if (this.#needsNewline) text = '\n' + text;
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.#fd, buf, off, buf.length - off);
    fsyncSync(this.#fd);
    this.#needsNewline = false;
    for (const e of entries) this.#remember(e);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #remember(e: IndexEntry): void {
    // The first copy of a content wins: later entries with the same hash cannot happen under
    // the lock, but if they do (a lock lost to a clock jump), they are still known paths.
    if (!this.#byHash.has(e.sha256)) this.#byHash.set(e.sha256, e);
    this.#paths.add(e.path);
  }
}
