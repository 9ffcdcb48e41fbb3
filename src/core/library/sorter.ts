/**
 * `fitkit sort`: walk the sources, analyse each file on the worker pool (hash, structure and CRC
 * scan, file_id), and admit it to the library (library.ts) in input order. A file seen before
 * and unchanged by its stat (stat-cache.ts) whose content the library holds is not read again. Progress is reported
 * after each commit, so what is reported done survives a crash (docs/library-durability.md).
 * `--move` deletes a source only after its commit, once the library copy reads back with the
 * source's hash and the source is unchanged.
 */
import { readFileSync, statSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FitkitError } from '../errors.js';
import type { Profile } from '../fit/profile/profile.js';
import { AnalysePool } from './analyse-pool.js';
import { analyseBytes, sha256, type Analysis } from './analyse.js';
import { isArchiveFile, readArchive } from '../platform/archive.js';
import type { IoMeter } from './io-meter.js';
import { STATE_DIR } from './layout.js';
import { Library, type Admitted } from './library.js';
import { summaryRows, totalsOf, type SortedFile, type SortReport } from './sort-report.js';
import { stampOf, StatCache, type FileStamp } from './stat-cache.js';
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
  /** Analysis threads (default: one per core). */
  threads?: number;
  /** How long to wait for another run's lock (default 60 s). */
  lockTimeoutMs?: number;
  /** Counts bytes written and hash passes (tests). */
  meter?: IoMeter;
  /** After each file is decided: files done so far, total, and that file. */
  onProgress?: (done: number, total: number, file: SortedFile) => void;
}

/** Files decided between progress reports (and commits, at the latest). */
const PROGRESS_BATCH = 64;

/** A source's analysis: read now (with its bytes), or from the stat cache (without). */
type Read = Analysis & { bytes?: Uint8Array; mtimeMs?: number; stamp: FileStamp };
type ReadResult = { ok: true; read: Read } | { ok: false; error: Error };

export async function sortIntoLibrary(opts: SortOptions): Promise<SortReport> {
  const dryRun = opts.dryRun ?? false;
  const move = (opts.move ?? false) && !dryRun;
  const lib = await Library.open(opts.library, { profile: opts.profile, dryRun, types: opts.types, lockTimeoutMs: opts.lockTimeoutMs, meter: opts.meter });
  // --move deletes sources: it trusts only bytes it has just read, never the stat cache.
  const cache = StatCache.open(join(lib.root, STATE_DIR), !dryRun);
  let pool: AnalysePool | undefined;
  // The commit of one batch (its sync waits) overlaps the reading and staging of the next.
  let committing: Promise<void> | undefined;
  try {
    const walked = walkSources(opts.sources, lib.root, { archives: true });
    const ignored = walked.ignored;
    // Archives (exports: .fit.gz, zips of zips) are read member by member after the files.
    const archives = walked.files.filter(isArchiveFile);
    const inputs = archives.length === 0 ? walked.files : walked.files.filter((f) => !archives.includes(f));
    const warnings: string[] = [];
    const results: SortedFile[] = [];
    const fresh = (path: string): Promise<ReadResult> => {
      pool ??= new AnalysePool(opts.threads);
      return pool.analyse(path).then(
        (read) => ({ ok: true, read }) as const,
        (error: Error) => ({ ok: false, error }) as const,
      );
    };
    const analyse = (path: string): Promise<ReadResult> => {
      const hit = move ? undefined : cache.lookup(path);
      return hit && lib.held(hit.sha256) !== undefined ? Promise.resolve({ ok: true, read: hit }) : fresh(path);
    };
    const reads: Promise<ReadResult>[] = [];
    const prefetch = (upTo: number) => {
      for (let i = reads.length; i < Math.min(upTo, inputs.length); i++) reads.push(analyse(inputs[i]));
    };

    let i = 0;
    while (i < inputs.length) {
      const start = i;
      const admitted: { k: number; read: Read; a: Promise<Admitted> }[] = [];
      for (; i < inputs.length && i - start < PROGRESS_BATCH && !lib.full; i++) {
        prefetch(i + Math.max(8, (pool?.threads ?? 2) * 4));
        let r = await reads[i];
        delete reads[i];
        const source = inputs[i];
        // A cached file is admitted without its bytes, so only while the library holds its content.
        if (r.ok && !r.read.bytes && lib.held(r.read.sha256) === undefined) r = await fresh(source);
        if (!r.ok) {
          const code = r.error instanceof FitkitError ? r.error.code : 'unreadable';
          results.push({ source, outcome: 'failed', reason: `${code}: ${r.error.message}` });
          continue;
        }
        const read = r.read;
        if (read.bytes) lib.meter.hashed(read.size);
        cache.remember(source, read.stamp, read, !read.bytes);
        const k = results.length;
        results.push({ source, outcome: 'copied' });
        admitted.push({ k, read, a: lib.admit({ name: basename(source), origin: source, analysis: read, bytes: read.bytes, mtimeMs: read.mtimeMs }) });
      }
      const decided = await Promise.all(admitted.map((x) => x.a));
      const end = i;
      const committed = lib.commit().then(() => {
        // The copies' paths and outcomes are final once committed.
        admitted.forEach(({ k, read }, j) => {
          const file = (results[k] = sortedFile(results[k].source, read, decided[j]));
          if (move && file.outcome !== 'filtered' && file.outcome !== 'failed') moveSource(file, read, lib, warnings);
        });
        // Progress after the batch is durable: what is reported done survives a crash.
        for (let k = start; k < end; k++) opts.onProgress?.(k + 1, inputs.length, results[k]);
      });
      // Awaited below (a failure surfaces there), not left unhandled meanwhile.
      committed.catch(() => {});
      await committing;
      committing = committed;
    }
    await committing;
    committing = undefined;
    for (const archive of archives) await admitArchive(archive, lib, results);
    cache.save();
    return { library: lib.root, dryRun, move, totals: totalsOf(results, ignored), files: results, ignored, sweptTemp: lib.sweptTemp, warnings };
  } finally {
    await committing?.catch(() => {});
    cache.discard();
    await pool?.close();
    lib.release();
  }
}

/**
 * Every FIT file inside an archive, admitted from memory (analysed here, one at a time), named by
 * its place in the archive; a member that cannot be read is a failed file. The archive is never
 * deleted, --move or not: it may hold more than fitkit takes.
 */
async function admitArchive(archive: string, lib: Library, results: SortedFile[]): Promise<void> {
  const mtimeMs = statSync(archive).mtimeMs;
  // Reported once committed, when the copies' paths and outcomes are final.
  let pending: [k: number, analysis: Analysis, a: Admitted][] = [];
  const commit = async () => {
    await lib.commit();
    for (const [k, analysis, a] of pending) results[k] = sortedFile(results[k].source, analysis, a);
    pending = [];
  };
  try {
    for await (const item of readArchive(archive)) {
      if (item.kind === 'problem') {
        results.push({ source: item.path, outcome: 'failed', reason: `${item.error.code}: ${item.error.message}` });
        continue;
      }
      const analysis = analyseBytes(item.bytes);
      lib.meter.hashed(item.bytes.length);
      const a = await lib.admit({ name: basename(item.path), origin: item.path, analysis, bytes: item.bytes, mtimeMs });
      pending.push([results.length, analysis, a]);
      results.push({ source: item.path, outcome: 'copied' });
      if (lib.full) await commit();
    }
  } catch (e) {
    const err = e instanceof FitkitError ? e : new FitkitError('archive_corrupt', (e as Error).message);
    results.push({ source: archive, outcome: 'failed', reason: `${err.code}: ${err.message}` });
  }
  await commit();
}

/** The library's decision, in the report's terms (keys in the order JSON output has always had). */
function sortedFile(source: string, read: Pick<Analysis, 'sha256' | 'size'>, a: Admitted): SortedFile {
  const file: SortedFile = { source, outcome: a.outcome, device: a.device, type: a.type, fileType: a.fileType, sha256: read.sha256, size: read.size };
  if (a.path !== undefined) file.path = a.path;
  if (a.adopted) file.adopted = true;
  if (a.reason !== undefined) file.reason = a.reason;
  return file;
}

/**
 * `--move`: deletes the source once the library copy reads back with the source's hash, and the
 * source is unchanged since it was read. Otherwise the source stays, with a warning.
 */
function moveSource(file: SortedFile, read: Read, lib: Library, warnings: string[]): void {
  try {
    const copy = readFileSync(lib.dirs.abs(file.path!));
    lib.meter.hashed(copy.length);
    if (sha256(copy) !== read.sha256) {
      warnings.push(`${file.source}: kept: the library copy ${file.path} does not match it`);
      return;
    }
    if (stampOf(statSync(file.source, { bigint: true })) !== read.stamp) {
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
