/**
 * Validates files on every core (platform/worker-pool.ts). Small files go several to a job (up to
 * BATCH, fewer near the end so the workers finish together): one round trip per file left a worker
 * idle between files. Results come back in input order. A job whose worker dies is run again file
 * by file, so only the file that killed it is reported (as unreadable); the others go on.
 * A single file, or any with `threads: 0` or without the compiled worker script (tests on the
 * TypeScript sources), is validated inline, with the same results.
 */
import { availableParallelism } from 'node:os';
import { WorkerExitError, WorkerPool } from '../platform/worker-pool.js';
import { loadProfile } from '../platform/profile-loader.js';
import { unreadableReport, type FileReport } from './validate-file.js';
import { validatePath } from './validate-path.js';
import type { ValidateRequest, ValidateWorkerData } from './validate-worker.js';

const WORKER_URL = new URL('./validate-worker.js', import.meta.url);
/** Most files sent to a worker in one message. */
const BATCH = 16;
/**
 * Names that may be archives (platform/archive.ts then reads their first bytes to tell): the
 * archive reader and its zip library (~50 ms to load) are loaded only when one is given.
 */
const ARCHIVE_NAME = /\.(zip|gz)$/i;

export interface ValidateManyOptions {
  /** Profile additions (files), in order. */
  extras?: string[];
  /** Worker threads; default one per core; 0 validates inline. */
  threads?: number;
  onProgress?: (done: number, total: number, report: FileReport) => void;
}

/**
 * Validates every path; one report per path, in order, an archive giving one per FIT file inside
 * it (validated on this thread). Never rejects for a bad file.
 */
export async function validateMany(paths: readonly string[], opts: ValidateManyOptions = {}): Promise<FileReport[]> {
  if (!paths.some((p) => ARCHIVE_NAME.test(p))) return validateFiles(paths, opts);
  const [{ isArchiveFile }, { validateArchive }] = await Promise.all([import('../platform/archive.js'), import('./validate-archive.js')]);
  const archives = paths.map(isArchiveFile);
  if (!archives.includes(true)) return validateFiles(paths, opts);
  const plain = await validateFiles(
    paths.filter((_, i) => !archives[i]),
    opts,
  );
  const profile = loadProfile(opts.extras ?? []);
  const out: FileReport[] = [];
  let k = 0;
  for (let i = 0; i < paths.length; i++) {
    if (!archives[i]) out.push(plain[k++]!);
    else {
      for (const r of await validateArchive(paths[i]!, profile)) {
        out.push(r);
        opts.onProgress?.(out.length, paths.length, r);
      }
    }
  }
  return out;
}

async function validateFiles(paths: readonly string[], opts: ValidateManyOptions): Promise<FileReport[]> {
  const extras = opts.extras ?? [];
  const reports: FileReport[] = new Array(paths.length);
  let done = 0;
  const finish = (i: number, r: FileReport) => {
    reports[i] = r;
    opts.onProgress?.(++done, paths.length, r);
  };
  const wanted = Math.min(opts.threads ?? availableParallelism(), paths.length);
  // One file gains nothing from a worker: starting one (a second isolate loading the modules
  // and the profile) cost more CPU than validating a small file.
  if (wanted <= 0 || paths.length <= 1 || !WorkerPool.available(WORKER_URL)) {
    const profile = loadProfile(extras);
    paths.forEach((p, i) => finish(i, validatePath(p, profile)));
    return reports;
  }
  const pool = new WorkerPool<ValidateRequest, { reports: FileReport[] }>(WORKER_URL, { threads: wanted, workerData: { extras } satisfies ValidateWorkerData });
  const failed = (path: string, e: Error) => unreadableReport(path, 'worker_failed', e instanceof WorkerExitError ? 'validation worker exited' : `validation crashed: ${e.message}`);
  const job = (ids: number[]) => pool.run({ ids, paths: ids.map((i) => paths[i]!) });
  const n = Math.max(1, Math.min(BATCH, Math.floor(paths.length / (wanted * 4))));
  const batches: number[][] = [];
  for (let i = 0; i < paths.length; i += n) batches.push(Array.from({ length: Math.min(n, paths.length - i) }, (_, k) => i + k));
  try {
    await Promise.all(
      batches.map(async (ids) => {
        try {
          const m = await job(ids);
          m.reports.forEach((r, k) => finish(ids[k]!, r));
        } catch (e) {
          if (ids.length === 1) finish(ids[0]!, failed(paths[ids[0]!]!, e as Error));
          else
            await Promise.all(
              ids.map((id) =>
                job([id]).then(
                  (m) => finish(id, m.reports[0]!),
                  (e2: Error) => finish(id, failed(paths[id]!, e2)),
                ),
              ),
            );
        }
      }),
    );
  } finally {
    await pool.close();
  }
  return reports;
}
