/** Worker-thread entry for validate-pool.ts: validates the files of each job it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadProfile } from '../platform/profile-loader.js';
import { validatePath } from './validate-path.js';

/** Files `paths`, numbered `ids`; the reply holds their reports in the same order. */
export interface ValidateRequest {
  ids: number[];
  paths: string[];
}

export interface ValidateWorkerData {
  /** Profile additions, applied in order (the user's config file first). */
  extras: string[];
}

const profile = loadProfile((workerData as ValidateWorkerData | undefined)?.extras ?? []);

parentPort?.on('message', (req: ValidateRequest) => {
  parentPort!.postMessage({ reports: req.paths.map((path) => validatePath(path, profile)) });
});
