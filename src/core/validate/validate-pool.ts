/**
 * Validates files on every core: one worker thread per core, each sent one file at a time, so a
 * huge file does not hold up the small ones behind it. Results come back in input order. A
 * worker that dies takes only its file with it (reported as unreadable); the others go on.
 * Without the compiled worker script (tests on the TypeScript sources) or with `threads: 0`,
 * files are validated inline, with the same results.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
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
  const script = fileURLToPath(WORKER_URL);
  const wanted = Math.min(opts.threads ?? availableParallelism(), paths.length);
  if (wanted <= 0 || !existsSync(script) || paths.length === 0) {
    const profile = loadProfile(extras);
    paths.forEach((p, i) => finish(i, validatePath(p, profile)));
    return reports;
  }
  let next = 0;
  await new Promise<void>((resolveAll) => {
    let live = wanted;
    const start = () => {
      const w = new Worker(WORKER_URL, { workerData: { extras } satisfies ValidateWorkerData });
      let current = -1;
      let retiring = false;
      const feed = () => {
        if (next >= paths.length) {
          current = -1;
          retiring = true;
          void w.terminate();
          return;
        }
        current = next++;
        w.postMessage({ id: current, path: paths[current] } satisfies ValidateRequest);
      };
      w.on('message', (m: { id: number; report: FileReport }) => {
        finish(m.id, m.report);
        feed();
      });
      w.on('error', (e) => {
        if (current >= 0) finish(current, unreadableReport(paths[current], 'worker_failed', `validation crashed: ${e.message}`));
        current = -1;
      });
      w.on('exit', () => {
        if (current >= 0) finish(current, unreadableReport(paths[current], 'worker_failed', 'validation worker exited'));
        current = -1;
        // A worker that died is replaced while files remain, so the rest of the batch still runs.
        if (!retiring && next < paths.length) start();
        else if (--live === 0) resolveAll();
      });
      feed();
    };
    for (let i = 0; i < wanted; i++) start();
  });
  return reports;
}
