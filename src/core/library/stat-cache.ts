/**
 * What `sort` remembers of the source files it has read, so that a file it has seen, unchanged,
 * is not read and hashed again: git's index trick. `.fitkit/stat-cache.json` maps a source path
 * to its stat (device, inode, size, mtime and ctime to the nanosecond) and the analysis of its
 * bytes. A file whose stat matches in every field is taken as unchanged: rewriting a file changes
 * its ctime even when its size is kept and its mtime is set back (utimes sets ctime too), and
 * replacing it changes its inode.
 *
 * The racy case (git's "racily clean" entries): file times have the granularity of the kernel's
 * coarse clock, so a file changed just after it was stat'ed can keep the same times. Each cache
 * records `since`, the file-system time when the run that wrote it started (the mtime of the
 * cache's temporary file, created first); an entry whose mtime or ctime is not older than that
 * is not kept: such files are read and hashed again next time.
 *
 * Racy entries are dropped when the cache is written, so loading it checks nothing but the stat.
 * Bounded (MAX_ENTRIES, this run's files first) and rewritten whole through a temporary file and
 * a rename, so it is either the old cache or the new one. Losing it costs only re-hashing.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, renameSync, statSync, writeSync, fsyncSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { discardTemp, tempName } from '../platform/durable-file.js';
import { trackTemp, untrackTemp } from '../platform/temp-registry.js';
import type { Analysis } from './analyse.js';
import { checkLibraryPath } from './library-dirs.js';

export const STAT_CACHE_FILE = 'stat-cache.json';
const MAX_ENTRIES = 250_000;
const VERSION = 1;

/** A file's identity and times: `dev:ino:size:mtimeNs:ctimeNs` (decimal, exact). */
export type FileStamp = string;

export function stampOf(st: BigIntStats): FileStamp {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/** Changed in the same clock tick as, or after, `since` (git's "racily clean"). */
function racy(stamp: FileStamp, since: bigint): boolean {
  const [, , , m, c] = stamp.split(':');
  return BigInt(m) >= since || BigInt(c) >= since;
}

/** The analysis of a file's bytes without the bytes. */
function factsOf(a: Analysis): Analysis {
  const f: Analysis = { sha256: a.sha256, size: a.size, chained: a.chained };
  if (a.fileId) f.fileId = a.fileId;
  if (a.damage) f.damage = a.damage;
  return f;
}

type Row = [path: string, stamp: FileStamp, analysis: Analysis];
interface NewRow {
  row: Row;
  /** Found unchanged by its stat in this run: it passed the racy check of an older cache. */
  checked: boolean;
}

export class StatCache {
  readonly file: string;
  #old = new Map<string, Row>();
  #new = new Map<string, NewRow>();
  #temp?: string;
  #since = -1n;

  private constructor(file: string) {
    this.file = file;
  }

  /**
   * Reads `<stateDir>/stat-cache.json` (absent or unreadable: empty). With `write`, starts the
   * next cache's temporary file now: its mtime is this run's `since`.
   */
  static open(stateDir: string, write: boolean): StatCache {
    const c = new StatCache(join(stateDir, STAT_CACHE_FILE));
    try {
      if (checkLibraryPath(c.file, 'file')) c.#load();
    } catch {
      c.#old.clear();
    }
    if (write) {
      const temp = join(stateDir, tempName());
      const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
      trackTemp(temp);
      try {
        c.#since = fstatSync(fd, { bigint: true }).mtimeNs;
      } finally {
        closeSync(fd);
      }
      c.#temp = temp;
    }
    return c;
  }

  /** The cached analysis of `path` if it is, by its stat, the file that was analysed. */
  lookup(path: string): (Analysis & { stamp: FileStamp }) | undefined {
    const row = this.#old.get(path);
    if (!row) return undefined;
    let st;
    try {
      st = statSync(path, { bigint: true, throwIfNoEntry: false });
    } catch {
      return undefined;
    }
    if (!st?.isFile()) return undefined;
    const stamp = stampOf(st);
    return stamp === row[1] ? { ...row[2], stamp } : undefined;
  }

  /**
   * Records what `path` (with stat `stamp`, taken before its bytes were read) was found to be;
   * `cached`: it came from lookup().
   */
  remember(path: string, stamp: FileStamp, analysis: Analysis, cached = false): void {
    if (this.#new.size < MAX_ENTRIES) this.#new.set(path, { row: [path, stamp, cached ? this.#old.get(path)![2] : factsOf(analysis)], checked: cached });
  }

  /** Writes the cache (this run's entries, then older ones up to the bound) and renames it into place. */
  save(): void {
    const temp = this.#temp;
    if (!temp) return;
    this.#temp = undefined;
    try {
      // Every file found unchanged and no other entry: the cache on disk says it all already.
      if (this.#new.size === this.#old.size && [...this.#new.values()].every((n) => n.checked)) return;
      const rows: Row[] = [];
      for (const n of this.#new.values()) if (n.checked || !racy(n.row[1], this.#since)) rows.push(n.row);
      for (const [p, r] of this.#old) if (rows.length < MAX_ENTRIES && !this.#new.has(p)) rows.push(r);
      const buf = Buffer.from(JSON.stringify({ v: VERSION, since: String(this.#since), entries: rows }));
      const fd = openSync(temp, constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW);
      try {
        let off = 0;
        while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.file);
      untrackTemp(temp);
    } finally {
      discardTemp(temp);
    }
  }

  /** Drops the temporary file without writing (a dry run, or a run that failed). */
  discard(): void {
    if (this.#temp) discardTemp(this.#temp);
    this.#temp = undefined;
  }

  #load(): void {
    const fd = openSync(this.file, constants.O_RDONLY | constants.O_NOFOLLOW);
    let data: { v?: number; since?: string; entries?: Row[] };
    try {
      data = JSON.parse(readFileSync(fd, 'utf8')) as typeof data;
    } finally {
      closeSync(fd);
    }
    if (data.v !== VERSION || typeof data.since !== 'string' || !Array.isArray(data.entries)) return;
    for (const row of data.entries) {
      const [path, stamp, a] = row;
      if (typeof path === 'string' && typeof stamp === 'string' && typeof a?.sha256 === 'string') this.#old.set(path, row);
    }
  }
}
