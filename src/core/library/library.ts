/**
 * A library opened for writing: the lock, the index, the folders and the name reserver, and the
 * one way a file gets in: `admit()`. Sort and sync differ only in where the bytes come from.
 *
 * admit() decides at once, in call order (so suffixes like `name-1.fit` do not depend on
 * timing): content already held (in the index or admitted in this run) → duplicate; a type
 * not asked for → filtered; damaged or not FIT → `_quarantine/`; otherwise `<device>/<TypeDir>/`.
 * Then it lands the file by a no-clobber link from a temporary file in the same file system:
 * source bytes are written once to a temporary file in the target folder; a file staged by
 * sync (inside `.fitkit/incoming/`, complete and fsynced) is linked as it is, never written
 * again. commit() makes everything admitted so far durable: folders fsynced, then the index
 * entries appended and fsynced, in that order. The rules, and what a crash leaves, are in
 * docs/library-durability.md.
 */
import { link } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { FitkitError } from '../errors.js';
import { dateFromFitTime } from '../fit/kit/time.js';
import { standardProfile, type Profile } from '../fit/profile/profile.js';
import { discardTemp, fsyncDir, linkNoClobber, writeTemp } from '../platform/durable-file.js';
import { mkdirSync, realpathSync } from 'node:fs';
import { withPath } from '../platform/system-error.js';
import type { Analysis } from './analyse.js';
import { IoMeter } from './io-meter.js';
import { deviceDir, fileTypeName, placeDir, QUARANTINE_DIR, RESERVED_NAMES, STATE_DIR } from './layout.js';
import { checkLibraryState, LibraryDirs } from './library-dirs.js';
import { LibraryIndex, type IndexEntry } from './library-index.js';
import { LibraryLock } from './lock.js';
import { NameReserver } from './name-reserver.js';
import { sanitiseFileName } from './sanitise.js';
import type { Outcome } from './sort-report.js';

export interface LibraryOptions {
  profile?: Profile;
  /** Decide everything, write nothing (no lock, no folders). */
  dryRun?: boolean;
  /** File types to take (numbers; 'unknown' for files without file_id). Default: all. */
  types?: ReadonlySet<number | 'unknown'>;
  /** How long to wait for another run's lock (default 60 s). */
  lockTimeoutMs?: number;
  meter?: IoMeter;
}

export interface Admission {
  /** The file's name where it came from (sanitised for the library). */
  name: string;
  /** What to record as its origin in the index (a path, or `mtp:…:GARMIN/Activity/x.fit`). */
  origin: string;
  /** Hash, size, file_id and damage of the bytes (analyse.ts). */
  analysis: Analysis;
  /** The bytes, to be written to the library (sort). */
  bytes?: Uint8Array;
  /** Or: a complete, fsynced file inside this library's state folder, linked as it is (sync). */
  staged?: string;
  /** The copy's mtime when the file has no file_id.time_created (ms since epoch). */
  mtimeMs?: number;
}

export interface Admitted {
  outcome: Outcome;
  /** Library-relative path of the copy (for a duplicate: of the copy already there). */
  path?: string;
  reason?: string;
  /** The copy was already there, left by an interrupted run, and is now recorded. */
  adopted?: boolean;
  device: string;
  type: string;
  fileType?: number;
}

interface Landing {
  result: Admitted;
  a: Admission;
  dir: string;
  name: string;
  n: number;
  entry: IndexEntry;
  write: boolean;
  done?: Promise<void>;
  failed?: boolean;
}

/** Files per commit that callers aim for (one index fsync and one per touched folder). */
const BATCH = 64;
/** ... or fewer, so a batch of big files does not hold more than this in memory. */
const BATCH_BYTES = 128 * 1024 * 1024;
/** Files landed at once (fsync waits overlap on the libuv pool). */
const LAND_CONCURRENCY = 16;

/** The copy's mtime: file_id.time_created, else the source's mtime. */
export function copyTime(analysis: Analysis, fallbackMs?: number): Date | undefined {
  const t = analysis.fileId?.timeCreated;
  return t !== undefined ? dateFromFitTime(t) : fallbackMs !== undefined ? new Date(fallbackMs) : undefined;
}

/**
 * Creates the library folder if missing (a mistake in `--to` reads as one line naming it) and
 * returns its real path; its `.fitkit` is checked by LibraryDirs.ensure.
 */
export function openLibrary(library: string): string {
  return withPath(library, 'folder', () => {
    mkdirSync(library, { recursive: true });
    return realpathSync(library);
  });
}

export class Library {
  readonly root: string;
  readonly dirs: LibraryDirs;
  readonly index: LibraryIndex;
  readonly dryRun: boolean;
  /** Temporary files of interrupted runs removed when opened. */
  readonly sweptTemp: number;
  readonly meter: IoMeter;
  readonly #profile: Profile;
  readonly #types?: ReadonlySet<number | 'unknown'>;
  readonly #lock?: LibraryLock;
  readonly #reserver: NameReserver;
  /** Content admitted in this run: hash → its library path. */
  readonly #seen = new Map<string, string>();
  #landings: Landing[] = [];
  #pendingBytes = 0;
  #active = 0;
  #waiting: (() => void)[] = [];

  private constructor(root: string, index: LibraryIndex, opts: LibraryOptions, lock?: LibraryLock) {
    this.root = root;
    this.dirs = new LibraryDirs(root);
    this.index = index;
    this.dryRun = opts.dryRun ?? false;
    this.meter = opts.meter ?? new IoMeter();
    this.#profile = opts.profile ?? standardProfile();
    this.#types = opts.types;
    this.#lock = lock;
    this.#reserver = new NameReserver(this.dirs, index, this.meter);
    this.sweptTemp = this.dryRun ? 0 : this.dirs.sweepTemp();
  }

  /** Opens (creating if missing) the library at `root` and takes its lock; dry runs only read. */
  static async open(root: string, opts: LibraryOptions = {}): Promise<Library> {
    let real = resolve(root);
    let lock: LibraryLock | undefined;
    if (!opts.dryRun) {
      real = openLibrary(root);
      checkLibraryState(real);
      lock = await LibraryLock.acquire(new LibraryDirs(real).ensure(STATE_DIR), { timeoutMs: opts.lockTimeoutMs });
    }
    try {
      return new Library(real, LibraryIndex.load(join(real, STATE_DIR)), opts, lock);
    } catch (e) {
      lock?.release();
      throw e;
    }
  }

  /** Library-relative path of content `sha256` if the library holds it (or took it in this run). */
  held(sha256: string): string | undefined {
    return this.index.byHash(sha256)?.path ?? this.#seen.get(sha256);
  }

  /** Enough admitted since the last commit that the caller should commit now. */
  get full(): boolean {
    return this.#landings.length >= BATCH || this.#pendingBytes >= BATCH_BYTES;
  }

  /**
   * Decides where the file goes (now, in call order) and starts landing it; resolves once it is
   * linked (or has failed: outcome `failed`, with the reason). Durable only after commit().
   */
  admit(a: Admission): Promise<Admitted> {
    const an = a.analysis;
    const id = an.fileId;
    const result: Admitted = { outcome: 'copied', device: deviceDir(id, this.#profile), type: fileTypeName(id?.type, this.#profile), fileType: id?.type };
    if (this.#types && !this.#types.has(id?.type ?? 'unknown')) {
      result.outcome = 'filtered';
      result.reason = `type ${result.type} not asked for`;
      return Promise.resolve(result);
    }
    const known = this.held(an.sha256);
    if (known !== undefined) {
      result.outcome = 'duplicate';
      result.path = known;
      return Promise.resolve(result);
    }
    if (a.bytes === undefined && a.staged === undefined) throw new FitkitError('internal_error', `${a.origin}: admitted without bytes or a staged file`);
    const dmg = an.damage;
    const dir = dmg ? QUARANTINE_DIR : placeDir(id, this.#profile);
    const name = sanitiseFileName(a.name, RESERVED_NAMES);
    const res = this.#reserver.reserve(dir, name, an.sha256, an.size);
    result.path = res.path;
    if (res.adopted) result.adopted = true;
    if (dmg) {
      result.outcome = 'quarantined';
      result.reason = `${dmg.message} (at byte ${dmg.offset}) [${dmg.code}]`;
    }
    this.#seen.set(an.sha256, res.path);
    const entry: IndexEntry = { sha256: an.sha256, size: an.size, path: res.path, origin: a.origin, kind: dmg ? 'quarantined' : 'sorted', at: new Date().toISOString() };
    if (result.reason) entry.reason = result.reason;
    const l: Landing = { result, a, dir, name, n: res.n, entry, write: !res.adopted && !this.dryRun };
    this.#landings.push(l);
    this.#pendingBytes += an.size;
    l.done = l.write ? this.#limited(() => this.#land(l)) : Promise.resolve();
    return l.done.then(() => result);
  }

  /**
   * Makes every file admitted so far durable: waits for the landings, fsyncs the folders they
   * went to, then appends their index entries (one write, one fsync).
   */
  async commit(): Promise<void> {
    const batch = this.#landings;
    this.#landings = [];
    this.#pendingBytes = 0;
    await Promise.all(batch.map((l) => l.done ?? Promise.resolve()));
    if (this.dryRun) return;
    const done = batch.filter((l) => !l.failed);
    const touched = new Set(done.map((l) => l.entry.path.slice(0, l.entry.path.lastIndexOf('/'))));
    await Promise.all([...touched].map((d) => fsyncDir(this.dirs.abs(d))));
    this.index.append(done.map((l) => l.entry));
  }

  /** Commits what is pending, then lets the library go (index, lock). */
  async close(): Promise<void> {
    try {
      await this.commit();
    } finally {
      this.release();
    }
  }

  /** Lets the library go without committing (after an error). */
  release(): void {
    this.index.close();
    this.#lock?.release();
  }

  async #limited(fn: () => Promise<void>): Promise<void> {
    while (this.#active >= LAND_CONCURRENCY) await new Promise<void>((r) => this.#waiting.push(r));
    this.#active++;
    try {
      await fn();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }

  async #land(l: Landing): Promise<void> {
    try {
      const dirAbs = this.dirs.ensure(l.dir);
      if (l.a.staged !== undefined) await this.#linkStaged(l, l.a.staged);
      else {
        const bytes = l.a.bytes!;
        const temp = await writeTemp(dirAbs, bytes, copyTime(l.a.analysis, l.a.mtimeMs));
        this.meter.wrote(bytes.length);
        try {
          await this.#linkFree(l, (final) => linkNoClobber(temp, final));
        } finally {
          discardTemp(temp);
        }
      }
    } catch (e) {
      // This file fails (e.g. a library folder replaced by a symlink); the others go on.
      const code = e instanceof FitkitError ? e.code : ((e as NodeJS.ErrnoException).code ?? 'write_failed');
      l.failed = true;
      l.result.outcome = 'failed';
      l.result.reason = `${(e as Error).message} [${code}]`;
      delete l.result.path;
      delete l.result.adopted;
      this.#seen.delete(l.entry.sha256);
    }
  }

  /** A staged download: already whole and fsynced in `.fitkit/incoming/`, so one link lands it. */
  async #linkStaged(l: Landing, staged: string): Promise<void> {
    const incoming = join(this.root, STATE_DIR) + sep;
    if (!resolve(staged).startsWith(incoming)) throw new FitkitError('internal_error', `${staged}: a staged file must be inside ${incoming}`);
    await this.#linkFree(l, async (final) => {
      try {
        await link(staged, final);
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw e;
      }
    });
  }

  /** Links to the reserved name, or the next free suffix if it was taken on disk meanwhile. */
  async #linkFree(l: Landing, tryLink: (final: string) => Promise<boolean>): Promise<void> {
    while (!(await tryLink(this.dirs.abs(l.entry.path)))) {
      const an = l.a.analysis;
      const res = this.#reserver.reserve(l.dir, l.name, an.sha256, an.size, l.n + 1);
      l.n = res.n;
      l.result.path = l.entry.path = res.path;
      this.#seen.set(an.sha256, res.path);
      if (res.adopted) {
        l.result.adopted = true;
        return;
      }
    }
  }
}
