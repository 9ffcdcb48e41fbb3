/**
 * A library opened for writing: the lock, the index, the folders and the name reserver, and the
 * one way a file gets in: `admit()`. Sort and sync differ only in where the bytes come from.
 *
 * admit() decides at once, in call order (so suffixes like `name-1.fit` do not depend on
 * timing): content already held (in the index or admitted in this run) → duplicate; a type
 * not asked for → filtered; damaged or not FIT → `_quarantine/`; otherwise `<device>/<TypeDir>/`.
 * Source bytes are written at once to a temporary file in the target folder (not fsynced); a
 * file staged by sync (inside `.fitkit/incoming/`, complete and fsynced) is used as it is.
 * commit() lands the batch: the temporary files made durable together (batch-sync.ts), then each
 * linked no-clobber to its name (the next free suffix if it was taken meanwhile), then the
 * folders fsynced, then the index entries appended and fsynced, in that order. An admission's
 * path is final once commit() has returned. The rules, and what a crash leaves, are in
 * docs/library-durability.md.
 */
import { join, resolve, sep } from 'node:path';
import { FitkitError } from '../errors.js';
import { dateFromFitTime } from '../fit/kit/time.js';
import { standardProfile, type Profile } from '../fit/profile/profile.js';
import { discardTemp, fsyncDir } from '../platform/durable-file.js';
import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { withPath } from '../platform/system-error.js';
import type { Analysis } from './analyse.js';
import { BatchSync } from './batch-sync.js';
import { IoMeter } from './io-meter.js';
import { dropLinkedTemp, linkNoClobberSync, writeTempFile } from './landing.js';
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
  /** The bytes' temporary file, to be made durable and linked at commit (sort). */
  temp?: string;
  /** Or the staged download to link at commit (sync). */
  staged?: string;
  failed?: boolean;
}

/** Files per commit that callers aim for (one data sync, one fsync per touched folder, one index fsync). */
const BATCH = 64;
/** ... or fewer, so a batch of big files does not leave more than this unsynced. */
const BATCH_BYTES = 128 * 1024 * 1024;

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
  readonly #sync: BatchSync;
  /** st_dev of the root and of each target folder: files on another file system are fsynced one by one. */
  readonly #devs = new Map<string, number>();
  #committed: Promise<void> = Promise.resolve();

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
    this.#sync = new BatchSync(root);
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
   * Decides where the file goes (now, in call order) and writes its bytes to a temporary file
   * beside their final name; linked and durable only at commit(), which may still change the
   * result's path (a name taken meanwhile) or its outcome (`failed`, with the reason).
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
    const l: Landing = { result, a, dir, name, n: res.n, entry };
    this.#landings.push(l);
    this.#pendingBytes += an.size;
    if (!res.adopted && !this.dryRun) this.#stage(l);
    return Promise.resolve(result);
  }

  /**
   * Makes every file admitted so far durable, in this order: the temporary files' data (one
   * syncfs, or an fsync each), their links to the final names, the folders that got names, then
   * the index entries (one write, one fsync). Resolves once they are; files admitted meanwhile
   * belong to the next commit, which starts after this one.
   */
  commit(): Promise<void> {
    const batch = this.#landings;
    this.#landings = [];
    this.#pendingBytes = 0;
    // Batches commit one after the other; the next one can be admitted meanwhile.
    const run = this.#committed.then(() => this.#commitBatch(batch));
    this.#committed = run.catch(() => {});
    return run;
  }

  async #commitBatch(batch: Landing[]): Promise<void> {
    if (this.dryRun) return;
    const temps = batch.filter((l) => l.temp !== undefined && !l.failed);
    if (temps.length > 0) {
      const rootDev = this.#dev('');
      const same: string[] = [];
      const other: string[] = [];
      for (const l of temps) (this.#dev(l.dir) === rootDev ? same : other).push(l.temp!);
      try {
        await this.#sync.sync(same, other);
      } catch (e) {
        for (const l of temps) this.#fail(l, e);
      }
    }
    for (const l of batch) if (!l.failed && (l.temp !== undefined || l.staged !== undefined)) this.#link(l);
    const done = batch.filter((l) => !l.failed);
    // Adopted copies too: the interrupted run that linked them may not have synced their folder.
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

  /**
   * Lets the library go without committing (after an error; wait for a commit in progress
   * first): the temporary files of files admitted since the last commit are removed.
   */
  release(): void {
    for (const l of this.#landings) if (l.temp !== undefined) discardTemp(l.temp);
    this.#landings = [];
    this.#sync.close();
    this.index.close();
    this.#lock?.release();
  }

  /** Writes the bytes to a temporary file in the target folder, or checks the staged file. */
  #stage(l: Landing): void {
    try {
      if (l.a.staged !== undefined) {
        const incoming = join(this.root, STATE_DIR) + sep;
        if (!resolve(l.a.staged).startsWith(incoming)) throw new FitkitError('internal_error', `${l.a.staged}: a staged file must be inside ${incoming}`);
        this.dirs.ensure(l.dir);
        l.staged = l.a.staged;
      } else {
        const bytes = l.a.bytes!;
        l.temp = writeTempFile(this.dirs.ensure(l.dir), bytes, copyTime(l.a.analysis, l.a.mtimeMs));
        this.meter.wrote(bytes.length);
      }
    } catch (e) {
      this.#fail(l, e);
    }
  }

  /** Links the durable temporary (or staged) file to its reserved name, or the next free suffix. */
  #link(l: Landing): void {
    try {
      const from = l.temp ?? l.staged!;
      while (!linkNoClobberSync(from, this.dirs.abs(l.entry.path))) {
        const an = l.a.analysis;
        const res = this.#reserver.reserve(l.dir, l.name, an.sha256, an.size, l.n + 1);
        l.n = res.n;
        l.result.path = l.entry.path = res.path;
        this.#seen.set(an.sha256, res.path);
        if (res.adopted) {
          l.result.adopted = true;
          break;
        }
      }
      if (l.temp !== undefined) {
        const temp = l.temp;
        l.temp = undefined;
        if (l.result.adopted) discardTemp(temp);
        else dropLinkedTemp(temp);
      }
    } catch (e) {
      this.#fail(l, e);
    }
  }

  /** This file fails (e.g. a library folder replaced by a symlink); the others go on. */
  #fail(l: Landing, e: unknown): void {
    const code = e instanceof FitkitError ? e.code : ((e as NodeJS.ErrnoException).code ?? 'write_failed');
    l.failed = true;
    l.result.outcome = 'failed';
    l.result.reason = `${(e as Error).message} [${code}]`;
    delete l.result.path;
    delete l.result.adopted;
    this.#seen.delete(l.entry.sha256);
    if (l.temp !== undefined) discardTemp(l.temp);
    l.temp = undefined;
  }

  /** st_dev of a library folder (cached; they are created and checked once per run). */
  #dev(dir: string): number {
    let dev = this.#devs.get(dir);
    if (dev === undefined) this.#devs.set(dir, (dev = lstatSync(dir === '' ? this.root : this.dirs.abs(dir)).dev));
    return dev;
  }
}
