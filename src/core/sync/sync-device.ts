/**
 * One device into the library: list, skip what is known, download the rest to staging (written
 * once, hashed as it streams in), analyse the bytes in memory, and admit each staged file to the
 * library (library.ts: one link, no second write; sorted by serial and type, damaged ones
 * quarantined, duplicates by content recognised); remember each in the device's sync state, and
 * with `delete` remove a file from the device only once its library copy has been read back with
 * the same hash.
 *
 * Bounded against any device: a file listed bigger than `maxFileBytes` is refused; a download
 * that sends more than the listed size, or nothing for `idleTimeoutMs`, is stopped; a device that
 * goes away (any transport's `device_gone`, errors.ts) ends the run at once as "device gone",
 * with what was already downloaded landed, nothing partial left behind and no file blamed. A file whose download fails MAX_FAILURES times in a row is given up until its size
 * or time changes. Every download is checked as a whole FIT file (header and CRC, fit-check.ts)
 * before it lands: a bad copy is downloaded once more, and a second bad one is quarantined with
 * the reason (a watch may hand over the right number of zero bytes).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { FitkitError, isDeviceGone } from '../errors.js';
import type { Profile } from '../fit/profile/profile.js';
import { inspectBytes, type Analysis } from '../library/analyse.js';
import { IoMeter } from '../library/io-meter.js';
import { STATE_DIR } from '../library/layout.js';
import { LibraryIndex } from '../library/library-index.js';
import { LibraryDirs } from '../library/library-dirs.js';
import { copyTime, Library, openLibrary, type Admitted } from '../library/library.js';
import type { DeviceIdentity, DeviceSession, RemoteFile } from './device-source.js';
import { FitCheck } from './fit-check.js';
import { Staging, type StagedFile } from './staging.js';
import { MAX_FAILURES, SyncState, type StateEntry } from './sync-state.js';

export type FileOutcome = 'known' | 'copied' | 'duplicate' | 'quarantined' | 'filtered' | 'failed' | 'given_up';

export interface SyncedFile {
  /** Path on the device. */
  path: string;
  size: number;
  outcome: FileOutcome;
  /** Library-relative path of its copy (copied, duplicate, quarantined). */
  libraryPath?: string;
  reason?: string;
  /** `delete`: removed from the device after its copy was verified. */
  deleted?: boolean;
}

export interface DeviceSyncReport {
  device: DeviceIdentity;
  library: string;
  files: SyncedFile[];
  totals: Record<FileOutcome, number> & { listed: number; downloadedBytes: number; deleted: number };
  /** Why the run ended before every file was handled (device gone, cancelled). */
  interrupted?: string;
}

export type SyncEvent =
  | { kind: 'listed'; device: DeviceIdentity; files: number; toDownload: number; bytes: number }
  | { kind: 'file'; device: DeviceIdentity; file: RemoteFile }
  | { kind: 'bytes'; device: DeviceIdentity; bytes: number }
  | { kind: 'done'; device: DeviceIdentity; file: SyncedFile };

export interface SyncDeviceOptions {
  library: string;
  profile?: Profile;
  /** File types to keep (numbers; 'unknown' for files without file_id). Default: all. */
  types?: ReadonlySet<number | 'unknown'>;
  /** Remove each file from the device once its library copy is verified. */
  delete?: boolean;
  signal?: AbortSignal;
  /** Stop a download that sends nothing for this long (default 60 s). */
  idleTimeoutMs?: number;
  /** Refuse files listed bigger than this (default 256 MiB). */
  maxFileBytes?: number;
  lockTimeoutMs?: number;
  onEvent?: (e: SyncEvent) => void;
  /** Counts bytes written and hash passes (tests). */
  meter?: IoMeter;
}

/** Files (or bytes) admitted per library opening: fewer lock and index rounds than one per file. */
const LAND_FILES = 32;
const LAND_BYTES = 64 * 1024 * 1024;
/** Head room kept free on the library's file system. */
const SPACE_MARGIN = 64 * 1024 * 1024;

interface Staged {
  file: RemoteFile;
  path: string;
  analysis: Analysis;
  /** Why both copies failed the FIT check (then the library quarantines it). */
  problem?: string;
}

function baseName(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 1] || 'download.fit';
}

export async function syncDevice(session: DeviceSession, opts: SyncDeviceOptions): Promise<DeviceSyncReport> {
  const device = session.identity;
  const meter = opts.meter ?? new IoMeter();
  const maxFileBytes = opts.maxFileBytes ?? 256 * 1024 * 1024;
  const idleTimeoutMs = opts.idleTimeoutMs ?? 60_000;
  const emit = opts.onEvent ?? (() => {});
  const root = openLibrary(opts.library);
  const stateDir = new LibraryDirs(root).ensure(STATE_DIR);
  const state = SyncState.load(stateDir, device.key);
  const results: SyncedFile[] = [];
  const report: DeviceSyncReport = { device, library: root, files: results, totals: totals() };
  const done = (f: SyncedFile) => {
    results.push(f);
    emit({ kind: 'done', device, file: f });
  };
  const now = () => new Date().toISOString();
  let staging: Staging | undefined;

  try {
    const listed = await session.listFiles(opts.signal);
    // Read once: what this run lands is added to `held` as it lands.
    const index = LibraryIndex.load(stateDir);
    index.close();
    const held = new Map<string, string>();
    const todo: RemoteFile[] = [];
    for (const f of listed) {
      const known = state.known(f.path, f.size, f.mtimeMs);
      if (known?.outcome === 'filtered' && opts.types && !opts.types.has(known.type ?? 'unknown')) {
        done({ path: f.path, size: f.size, outcome: 'filtered', reason: known.reason });
      } else if (known?.sha256 && known.outcome !== 'filtered' && index.byHash(known.sha256)) {
        done({ path: f.path, size: f.size, outcome: 'known', libraryPath: index.byHash(known.sha256)!.path });
      } else if (state.failures(f.path, f.size, f.mtimeMs) >= MAX_FAILURES) {
        done({ path: f.path, size: f.size, outcome: 'given_up', reason: `failed ${MAX_FAILURES} times; it is tried again when its size or time changes` });
      } else if (f.size > maxFileBytes) {
        const reason = `listed as ${f.size} bytes, over the ${maxFileBytes}-byte limit`;
        state.append([{ path: f.path, size: f.size, mtimeMs: f.mtimeMs, outcome: 'failed', reason, at: now() }]);
        done({ path: f.path, size: f.size, outcome: 'failed', reason });
      } else todo.push(f);
    }
    const need = todo.reduce((n, f) => n + f.size, 0);
    emit({ kind: 'listed', device, files: listed.length, toDownload: todo.length, bytes: need });
    if (todo.length === 0) return finish(report);
    checkSpace(root, need);

    staging = Staging.create(stateDir, meter);
    let batch: Staged[] = [];
    let batchBytes = 0;
    const land = async () => {
      if (batch.length === 0) return;
      const b = batch;
      batch = [];
      batchBytes = 0;
      for (const [sha, path] of await landBatch(b, session, opts, root, state, meter, done)) held.set(sha, path);
    };

    try {
      for (const f of todo) {
        if (opts.signal?.aborted) {
          report.interrupted = 'cancelled';
          break;
        }
        emit({ kind: 'file', device, file: f });
        let sf = staging.open(baseName(f.path));
        let got: Downloaded;
        let problem: string | undefined;
        try {
          const dl = () => download(session, f, sf, meter, { signal: opts.signal, idleTimeoutMs, onBytes: (n) => emit({ kind: 'bytes', device, bytes: n }) });
          got = await dl();
          if (got.problem) {
            // Once more: a copy can come out wrong (zeros) and the next one right.
            sf.discard();
            sf = staging.open(baseName(f.path));
            const first = got.problem;
            got = await dl();
            if (got.problem) problem = `both downloads failed the FIT check (${first === got.problem ? first : `${first}; then ${got.problem}`})`;
          }
          report.totals.downloadedBytes += f.size;
        } catch (e) {
          sf.discard();
          if (isDeviceGone(e) || opts.signal?.aborted) {
            // Not the file's fault: nothing recorded as failed; the next sync gets it.
            report.interrupted = opts.signal?.aborted ? 'cancelled' : `device gone: ${(e as Error).message}`;
            break;
          }
          const reason = (e as Error).message;
          state.append([{ path: f.path, size: f.size, mtimeMs: f.mtimeMs, outcome: 'failed', reason, at: now() }]);
          done({ path: f.path, size: f.size, outcome: 'failed', reason });
          continue;
        }
        // Analysed in memory (no second read, no second hash); the staged copy gets file_id's time.
        const analysis = inspectBytes(got.bytes, got.sha256);
        const have = index.byHash(got.sha256)?.path ?? held.get(got.sha256);
        if (have !== undefined) {
          // Already in the library (another path, another device, or an earlier version).
          sf.discard();
          const r: SyncedFile = { path: f.path, size: f.size, outcome: 'duplicate', libraryPath: have };
          state.append([{ path: f.path, size: f.size, mtimeMs: f.mtimeMs, sha256: got.sha256, type: analysis.fileId?.type ?? 'unknown', outcome: 'duplicate', at: now() }]);
          if (opts.delete && session.remove && verifyCopy(root, have, got.sha256, meter)) await removeFromDevice(session, f, r);
          done(r);
          continue;
        }
        batch.push({ file: f, path: sf.commit(copyTime(analysis, f.mtimeMs)), analysis, problem });
        batchBytes += f.size;
        if (batch.length >= LAND_FILES || batchBytes >= LAND_BYTES) await land();
      }
    } finally {
      // What was downloaded is landed even when the device went away mid-run.
      await land();
    }
    return finish(report);
  } finally {
    staging?.dispose();
    state.close();
  }
}

function totals(): DeviceSyncReport['totals'] {
  return { listed: 0, known: 0, copied: 0, duplicate: 0, quarantined: 0, filtered: 0, failed: 0, given_up: 0, downloadedBytes: 0, deleted: 0 };
}

function finish(r: DeviceSyncReport): DeviceSyncReport {
  const t = r.totals;
  t.listed = r.files.length;
  for (const f of r.files) {
    t[f.outcome]++;
    if (f.deleted) t.deleted++;
  }
  return r;
}

function checkSpace(root: string, need: number): void {
  let free: number;
  try {
    const s = statfsSync(root);
    free = s.bavail * s.bsize;
  } catch {
    return;
  }
  if (free < need + SPACE_MARGIN) {
    throw new FitkitError('no_space', `not enough free space: ${need} bytes to download, ${free} free (keeping ${SPACE_MARGIN} spare)`, { file: root });
  }
}

interface DownloadOpts {
  signal?: AbortSignal;
  idleTimeoutMs: number;
  onBytes: (n: number) => void;
}

interface Downloaded {
  sha256: string;
  /** The whole download, for analysis in memory (bounded by maxFileBytes). */
  bytes: Uint8Array;
  /** What the FIT check found wrong (an empty file is not checked). */
  problem?: string;
}

/**
 * Streams one file into `sf` (not yet committed), hashing it on the way; returns its hash, its
 * bytes and what the FIT check found wrong with it, if anything. Stops on more bytes than listed,
 * on silence, and on abort, even if the transport ignores the abort signal.
 */
async function download(session: DeviceSession, f: RemoteFile, sf: StagedFile, meter: IoMeter, o: DownloadOpts): Promise<Downloaded> {
  const hash = createHash('sha256');
  const check = new FitCheck();
  const chunks: Uint8Array[] = [];
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let stop: (e: Error) => void = () => {};
  const stopped = new Promise<never>((_, reject) => (stop = reject));
  stopped.catch(() => {});
  const fail = (e: Error) => {
    ac.abort(e);
    stop(e);
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => fail(new FitkitError('timeout', `${f.path}: no data for ${o.idleTimeoutMs} ms`)), o.idleTimeoutMs);
  };
  const onOuter = () => fail(new FitkitError('cancelled', `${f.path}: cancelled`));
  if (o.signal?.aborted) onOuter();
  o.signal?.addEventListener('abort', onOuter, { once: true });
  arm();
  try {
    const run = session.download(
      f,
      (chunk) => {
        if (ac.signal.aborted) throw ac.signal.reason as Error;
        if (sf.bytes + chunk.length > f.size) {
          throw new FitkitError('too_long', `${f.path}: the device sent more than the ${f.size} bytes it listed`);
        }
        sf.write(chunk);
        hash.update(chunk);
        check.push(chunk);
        chunks.push(chunk);
        o.onBytes(chunk.length);
        arm();
      },
      { signal: ac.signal },
    );
    await Promise.race([run, stopped]);
    if (sf.bytes !== f.size) throw new FitkitError('short', `${f.path}: got ${sf.bytes} of the ${f.size} bytes listed`);
    meter.hashed(sf.bytes);
    return { sha256: hash.digest('hex'), bytes: Buffer.concat(chunks, sf.bytes), problem: f.size > 0 ? check.problem() : undefined };
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onOuter);
  }
}

/**
 * Admits a batch of staged downloads to the library (one lock, one commit), then records them
 * in the device's state and, with `delete`, removes the verified ones from the device.
 */
async function landBatch(
  batch: Staged[],
  session: DeviceSession,
  opts: SyncDeviceOptions,
  root: string,
  state: SyncState,
  meter: IoMeter,
  done: (f: SyncedFile) => void,
): Promise<[sha256: string, path: string][]> {
  const device = session.identity;
  const lib = await Library.open(root, { profile: opts.profile, types: opts.types, lockTimeoutMs: opts.lockTimeoutMs, meter });
  const admitted: Admitted[] = [];
  try {
    const pending = batch.map((b) => lib.admit({ name: baseName(b.file.path), origin: `${device.key}:${b.file.path}`, analysis: b.analysis, staged: b.path }));
    admitted.push(...(await Promise.all(pending)));
    await lib.commit();
  } finally {
    lib.release();
  }
  const entries: StateEntry[] = [];
  const out: SyncedFile[] = [];
  const at = new Date().toISOString();
  for (let i = 0; i < batch.length; i++) {
    const b = batch[i];
    const s = admitted[i];
    const f = b.file;
    const r: SyncedFile = { path: f.path, size: f.size, outcome: s.outcome };
    if (s.path) r.libraryPath = s.path;
    if (s.reason) r.reason = s.reason;
    if (b.problem) r.reason = r.outcome === 'quarantined' ? `${b.problem}: ${r.reason}` : b.problem;
    const e: StateEntry = { path: f.path, size: f.size, mtimeMs: f.mtimeMs, sha256: b.analysis.sha256, outcome: r.outcome === 'copied' ? 'sorted' : (r.outcome as StateEntry['outcome']), at };
    e.type = s.fileType ?? 'unknown';
    if (r.reason) e.reason = r.reason;
    entries.push(e);
    out.push(r);
  }
  // Remembered before anything is deleted from the device.
  state.append(entries);
  for (let i = 0; i < batch.length; i++) {
    const r = out[i];
    // Deleted from the device only when the library holds a sorted copy that reads back right.
    const safe = r.outcome === 'copied' || r.outcome === 'duplicate';
    if (opts.delete && session.remove && safe && r.libraryPath && verifyCopy(root, r.libraryPath, batch[i].analysis.sha256, meter)) {
      await removeFromDevice(session, batch[i].file, r);
    }
    done(r);
  }
  return batch.flatMap((b, i) => (out[i].libraryPath ? [[b.analysis.sha256, out[i].libraryPath!] as [string, string]] : []));
}

/** The library copy at `rel` reads back with hash `sha256`. */
function verifyCopy(root: string, rel: string, sha256: string, meter: IoMeter): boolean {
  try {
    const bytes = readFileSync(join(root, ...rel.split('/')));
    meter.hashed(bytes.length);
    return createHash('sha256').update(bytes).digest('hex') === sha256;
  } catch {
    return false;
  }
}

async function removeFromDevice(session: DeviceSession, f: RemoteFile, r: SyncedFile): Promise<void> {
  try {
    await session.remove!(f);
    r.deleted = true;
  } catch (e) {
    r.reason = `kept on the device: ${(e as Error).message}`;
  }
}
