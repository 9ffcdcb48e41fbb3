/** Worker-thread entry for ValidatePool: validates the files it is sent, one at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadProfile } from '../platform/profile-loader.js';
import { validatePath } from './validate-path.js';

export interface ValidateRequest {
  id: number;
  path: string;
}

export interface ValidateWorkerData {
  /** Profile additions, applied in order (the user's config file first). */
  extras: string[];
}

const profile = loadProfile((workerData as ValidateWorkerData | undefined)?.extras ?? []);

parentPort?.on('message', (req: ValidateRequest) => {
  parentPort!.postMessage({ id: req.id, report: validatePath(req.path, profile) });
});
