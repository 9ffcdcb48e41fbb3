/**
 * The sorting engine behind `fitkit sort` (and, later, `fitkit sync`): files in, library out.
 *
 * Per file: read and analyse (hash, structure and CRC scan, file_id) on a worker thread; then,
 * in input order on the main thread, decide: already in the index (by content) → duplicate;
 * damaged or not FIT → `_quarantine/`; otherwise `<device>/<TypeDir>/`. Decisions are made in
 * input order so suffixes (`name-1.fit`) do not depend on thread timing.
 *
 * Durability, per batch of BATCH files: each copy is written to a temporary name, fsynced and
 * linked to a free final name (durable-file.ts); then the touched folders are fsynced; then the
 * batch's index entries are appended and fsynced; only then are `--move` sources deleted, each
 * after its copy is read back and its hash checked. A crash at any point leaves: temporary files
 * (swept at the next start), whole files under final names, and an index that is behind at
 * worst; the next run adopts a whole file it finds under the name it would have picked.
 */
import { mkdirSync, readFileSync, realpathSync, statSync, unlinkSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { FitkitError } from '../errors.js';
import { standardProfile, type Profile } from '../fit/profile/profile.js';
import { dateFromFitTime } from '../fit/kit/time.js';
import { discardTemp, fsyncDir, linkNoClobber, writeTemp } from '../platform/durable-file.js';
import { withPath } from '../platform/system-error.js';
import { AnalysePool } from './analyse-pool.js';
import { sha256 } from './analyse.js';
import { deviceDir, fileTypeName, placeDir, QUARANTINE_DIR, RESERVED_NAMES, STATE_DIR } from './layout.js';
import { checkLibraryState, LibraryDirs } from './library-dirs.js';
import { LibraryIndex, type IndexEntry } from './library-index.js';
import { LibraryLock } from './lock.js';
import { NameReserver } from './name-reserver.js';
import { sanitiseFileName } from './sanitise.js';
import { summaryRows, totalsOf, type SortedFile, type SortReport } from './sort-report.js';
import type { SourceRead } from './source-file.js';
import { walkSources } from './walk.js';

export interface SortOptions {
  sources: readonly string[];
  library: string;
  profile?: Profile;
  /** Delete each source once its copy (or the library's existing copy) is verified. */
  move?: boolean;
  /** Decide everything, write nothing. */
  dryRun?: boolean;
  /** File types to take (numbers; 'unknown' for files without file_id). Default: all. */
  types?: ReadonlySet<number | 'unknown'>;
  /** Analysis threads (default: one per core; 0: inline). */
  threads?: number;
  /** How long to wait for another run's lock (default 60 s). */
  lockTimeoutMs?: number;
  /**
   * The sources are fitkit's own staged downloads inside the library's state folder (sync):
   * take them although they are inside the library.
   */
  staged?: boolean;
  /** What to record as a source's origin in the index (default: its path), e.g. `mtp:…:GARMIN/Activity/x.fit`. */
  origins?: ReadonlyMap<string, string>;
  /** After each file is decided: files done so far, total, and that file. */
  onProgress?: (done: number, total: number, file: SortedFile) => void;
}

/** Files per durability batch: one index fsync and one fsync per touched folder per batch. */
const BATCH = 64;
/** ... or fewer, so a batch of big files does not hold more than this in memory. */
const BATCH_BYTES = 128 * 1024 * 1024;
/** Copies written at once (fsync waits overlap on the libuv pool). */
const WRITE_CONCURRENCY = 16;

type ReadResult = { ok: true; read: SourceRead } | { ok: false; error: Error };

interface Pending {
  file: SortedFile;
  read: SourceRead;
  dir: string;
  name: string;
  n: number;
  entry: IndexEntry;
  write: boolean;
  failed?: boolean;
}

async function runLimited<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function sortIntoLibrary(opts: SortOptions): Promise<SortReport> {
  const profile = opts.profile ?? standardProfile();
  const dryRun = opts.dryRun ?? false;
  const move = (opts.move ?? false) && !dryRun;
  let root = resolve(opts.library);
  let lock: LibraryLock | undefined;
  if (!dryRun) {
    root = openLibrary(opts.library);
    if (!opts.staged) checkLibraryState(root);
    lock = await LibraryLock.acquire(new LibraryDirs(root).ensure(STATE_DIR), { timeoutMs: opts.lockTimeoutMs });
  }
  let index: LibraryIndex;
  try {
    index = LibraryIndex.load(join(root, STATE_DIR));
  } catch (e) {
    lock?.release();
    throw e;
  }
  const pool = new AnalysePool(opts.threads);
  try {
    const dirs = new LibraryDirs(root);
    const sweptTemp = dryRun ? 0 : dirs.sweepTemp();
    const { files: inputs, ignored } = walkSources(opts.sources, opts.staged ? undefined : root);
    const reserver = new NameReserver(dirs, index);
    const warnings: string[] = [];
    const results: SortedFile[] = [];
    /** Content first seen in this run: hash → its library path. */
    const seen = new Map<string, string>();

    const reads: Promise<ReadResult>[] = [];
    const ahead = Math.max(8, pool.threads * 4);
    const prefetch = (upTo: number) => {
      for (let i = reads.length; i < Math.min(upTo, inputs.length); i++) {
        reads.push(pool.analyse(inputs[i]).then((read) => ({ ok: true, read }) as const, (error: Error) => ({ ok: false, error }) as const));
      }
    };

    let i = 0;
    while (i < inputs.length) {
      const start = i;
      let batchBytes = 0;
      const pending: Pending[] = [];
      const dupDeletes: { file: SortedFile; read: SourceRead }[] = [];
      for (; i < inputs.length && i - start < BATCH && batchBytes < BATCH_BYTES; i++) {
        prefetch(i + ahead);
        const r = await reads[i];
        delete reads[i];
        const source = inputs[i];
        let file: SortedFile;
        if (!r.ok) {
          const code = r.error instanceof FitkitError ? r.error.code : 'unreadable';
          file = { source, outcome: 'failed', reason: `${code}: ${r.error.message}` };
        } else {
          const read = r.read;
          const id = read.fileId;
          file = { source, outcome: 'copied', device: deviceDir(id, profile), type: fileTypeName(id?.type, profile), fileType: id?.type, sha256: read.sha256, size: read.size };
          const known = index.byHash(read.sha256)?.path ?? seen.get(read.sha256);
          if (opts.types && !opts.types.has(id?.type ?? 'unknown')) {
            file.outcome = 'filtered';
            file.reason = `type ${file.type} not asked for`;
          } else if (known !== undefined) {
            file.outcome = 'duplicate';
            file.path = known;
            if (move) dupDeletes.push({ file, read });
          } else {
            const dmg = read.damage;
            const dir = dmg ? QUARANTINE_DIR : placeDir(id, profile);
            const name = sanitiseFileName(basename(source), RESERVED_NAMES);
            const res = reserver.reserve(dir, name, read.sha256, read.size);
            file.path = res.path;
            if (res.adopted) file.adopted = true;
            if (dmg) {
              file.outcome = 'quarantined';
              file.reason = `${dmg.message} (at byte ${dmg.offset}) [${dmg.code}]`;
            }
            seen.set(read.sha256, res.path);
            const entry: IndexEntry = {
              sha256: read.sha256,
              size: read.size,
              path: res.path,
              origin: opts.origins?.get(source) ?? source,
              kind: dmg ? 'quarantined' : 'sorted',
              at: new Date().toISOString(),
            };
            if (file.reason) entry.reason = file.reason;
            pending.push({ file, read, dir, name, n: res.n, entry, write: !res.adopted });
            batchBytes += read.size;
          }
        }
        results.push(file);
      }

      if (!dryRun) {
        await writeBatch(pending, dirs, reserver);
        const done = pending.filter((p) => !p.failed);
        for (const p of pending) if (p.failed) seen.delete(p.read.sha256);
        const touched = new Set(done.map((p) => p.file.path!.slice(0, p.file.path!.lastIndexOf('/'))));
        await Promise.all([...touched].map((d) => fsyncDir(dirs.abs(d))));
        index.append(done.map((p) => p.entry));
        if (move) {
          for (const p of done) moveSource(p.file, p.read, dirs, warnings);
          for (const d of dupDeletes) moveSource(d.file, d.read, dirs, warnings);
        }
      }
      // Progress after the batch is durable: what is reported done survives a crash.
      for (let k = start; k < i; k++) opts.onProgress?.(k + 1, inputs.length, results[k]);
    }

    return {
      library: root,
      dryRun,
      move,
      totals: totalsOf(results, ignored),
      files: results,
      ignored,
      sweptTemp,
      warnings,
    };
  } finally {
    index.close();
    await pool.close();
    lock?.release();
  }
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

/** Writes the batch's new copies, a few at a time; a name taken meanwhile moves to the next suffix. */
async function writeBatch(pending: Pending[], dirs: LibraryDirs, reserver: NameReserver): Promise<void> {
  await runLimited(
    pending.filter((p) => p.write),
    WRITE_CONCURRENCY,
    async (p) => {
      try {
        await writeOne(p, dirs, reserver);
      } catch (e) {
        // This file fails (e.g. a library folder replaced by a symlink); the others go on.
        const code = e instanceof FitkitError ? e.code : ((e as NodeJS.ErrnoException).code ?? 'write_failed');
        p.failed = true;
        p.file.outcome = 'failed';
        p.file.reason = `${(e as Error).message} [${code}]`;
        delete p.file.path;
      }
    },
  );
}

/** One copy: temporary file, fsync, link to a free name (the next suffix if taken meanwhile). */
async function writeOne(p: Pending, dirs: LibraryDirs, reserver: NameReserver): Promise<void> {
  const dirAbs = dirs.ensure(p.dir);
  const t = p.read.fileId?.timeCreated;
  const mtime = t !== undefined ? dateFromFitTime(t) : new Date(p.read.mtimeMs);
  const temp = await writeTemp(dirAbs, p.read.bytes, mtime);
  try {
    // Taken on disk since it was reserved (another program, or a case-insensitive twin).
    while (!(await linkNoClobber(temp, dirs.abs(p.file.path!)))) {
      const res = reserver.reserve(p.dir, p.name, p.read.sha256, p.read.size, p.n + 1);
      p.n = res.n;
      p.file.path = p.entry.path = res.path;
      if (res.adopted) {
        p.file.adopted = true;
        discardTemp(temp);
        return;
      }
    }
  } catch (e) {
    discardTemp(temp);
    throw e;
  }
}

/**
 * `--move`: deletes the source once the library copy reads back with the source's hash, and the
 * source is unchanged since it was read. Otherwise the source stays, with a warning.
 */
function moveSource(file: SortedFile, read: SourceRead, dirs: LibraryDirs, warnings: string[]): void {
  try {
    const copy = readFileSync(dirs.abs(file.path!));
    if (sha256(copy) !== read.sha256) {
      warnings.push(`${file.source}: kept: the library copy ${file.path} does not match it`);
      return;
    }
    const st = statSync(file.source);
    if (st.size !== read.size || st.mtimeMs !== read.mtimeMs) {
      warnings.push(`${file.source}: kept: it changed while being sorted`);
      return;
    }
    unlinkSync(file.source);
    file.moved = true;
  } catch (e) {
    warnings.push(`${file.source}: kept: ${(e as Error).message}`);
  }
}

export { summaryRows };
