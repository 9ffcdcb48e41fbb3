/**
 * Validates files on every core (platform/worker-pool.ts: one file per worker at a time, so a
 * huge file does not hold up the small ones behind it). Results come back in input order. A
 * worker that dies takes only its file with it (reported as unreadable); the others go on.
 * Without the compiled worker script (tests on the TypeScript sources) or with `threads: 0`,
 * files are validated inline, with the same results.
 */
import { availableParallelism } from 'node:os';
import { WorkerExitError, WorkerPool } from '../platform/worker-pool.js';
import { loadProfile } from '../platform/profile-loader.js';
import { unreadableReport, type FileReport } from './validate-file.js';
import { validatePath } from './validate-path.js';
import type { ValidateRequest, ValidateWorkerData } from './validate-worker.js';

const WORKER_URL = new URL('./validate-worker.js', import.meta.url);

export interface ValidateManyOptions {
  /** Profile additions (files), in order. */
  extras?: string[];
  /** Worker threads; default one per core; 0 validates inline. */
  threads?: number;
  onProgress?: (done: number, total: number, report: FileReport) => void;
}

/** Validates every path; one report per path, in order. Never rejects for a bad file. */
export async function validateMany(paths: readonly string[], opts: ValidateManyOptions = {}): Promise<FileReport[]> {
  const extras = opts.extras ?? [];
  const reports: FileReport[] = new Array(paths.length);
  let done = 0;
  const finish = (i: number, r: FileReport) => {
    reports[i] = r;
    opts.onProgress?.(++done, paths.length, r);
  };
  const wanted = Math.min(opts.threads ?? availableParallelism(), paths.length);
  if (wanted <= 0 || !WorkerPool.available(WORKER_URL) || paths.length === 0) {
    const profile = loadProfile(extras);
    paths.forEach((p, i) => finish(i, validatePath(p, profile)));
    return reports;
  }
  const pool = new WorkerPool<ValidateRequest, { id: number; report: FileReport }>(WORKER_URL, { threads: wanted, workerData: { extras } satisfies ValidateWorkerData });
  try {
    await Promise.all(
      paths.map((path, id) =>
        pool.run({ id, path }).then(
          (m) => finish(id, m.report),
          (e: Error) => finish(id, unreadableReport(path, 'worker_failed', e instanceof WorkerExitError ? 'validation worker exited' : `validation crashed: ${e.message}`)),
        ),
      ),
    );
  } finally {
    await pool.close();
  }
  return reports;
}
