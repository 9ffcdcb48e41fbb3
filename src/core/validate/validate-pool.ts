/**
 * Validates files on every core: one worker thread per core, each sent a few files at a time
 * (one when few are left), so a huge file does not hold up many small ones behind it. Results
 * come back in input order. A worker that dies takes only the file it was on with it (reported
 * as unreadable); the rest of its batch goes to another worker.
 * Without the compiled worker script (tests on the TypeScript sources) or with `threads: 0`,
 * files are validated inline, with the same results.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Profile } from '../fit/profile/profile.js';
import { unreadableReport, type FileReport } from './validate-file.js';
import { validatePath } from './validate-path.js';
import type { ValidateRequest, ValidateWorkerData } from './validate-worker.js';

const WORKER_URL = new URL('./validate-worker.js', import.meta.url);
/** Most files sent to a worker in one message. */
const BATCH = 16;

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
    const profile = Profile.standard();
    for (const f of extras) profile.extendFromFile(f);
    paths.forEach((p, i) => finish(i, validatePath(p, profile)));
    return reports;
  }
  let next = 0;
  /** Files of a dead worker's batch it had not started: sent again first. */
  const retry: number[] = [];
  const left = () => retry.length > 0 || next < paths.length;
  await new Promise<void>((resolveAll) => {
    let live = wanted;
    const start = () => {
      const w = new Worker(WORKER_URL, { workerData: { extras } satisfies ValidateWorkerData });
      /** Files sent to this worker and not reported yet, in order. */
      let pending: number[] = [];
      let retiring = false;
      const feed = () => {
        if (!left()) {
          retiring = true;
          void w.terminate();
          return;
        }
        // Small files go several to a message (up to BATCH, fewer near the end so the workers
        // finish together): one round trip per file left the worker idle between files.
        const n = Math.max(1, Math.min(BATCH, Math.floor((paths.length - next) / (wanted * 4))));
        pending = retry.length > 0 ? [retry.shift()!] : [];
        while (pending.length < n && next < paths.length) pending.push(next++);
        w.postMessage({ ids: pending, paths: pending.map((i) => paths[i]) } satisfies ValidateRequest);
      };
      w.on('message', (m: { id: number; report: FileReport }) => {
        finish(m.id, m.report);
        pending.shift();
        if (pending.length === 0) feed();
      });
      const lost = (why: string) => {
        if (pending.length > 0) finish(pending[0], unreadableReport(paths[pending[0]], 'worker_failed', why));
        retry.push(...pending.slice(1));
        pending = [];
      };
      w.on('error', (e) => lost(`validation crashed: ${e.message}`));
      w.on('exit', () => {
        lost('validation worker exited');
        // A worker that died is replaced while files remain, so the rest of the batch still runs.
        if (!retiring && left()) start();
        else if (--live === 0) resolveAll();
      });
      feed();
    };
    for (let i = 0; i < wanted; i++) start();
  });
  return reports;
}
