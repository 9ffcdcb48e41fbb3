/** Worker-thread entry for ValidatePool: validates the files it is sent, one at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { Profile } from '../fit/profile/profile.js';
import { validatePath } from './validate-path.js';

export interface ValidateRequest {
  id: number;
  path: string;
}

export interface ValidateWorkerData {
  /** Profile additions, applied in order (the user's config file first). */
  extras: string[];
}

const profile = Profile.standard();
for (const f of (workerData as ValidateWorkerData | undefined)?.extras ?? []) profile.extendFromFile(f);

parentPort?.on('message', (req: ValidateRequest) => {
  parentPort!.postMessage({ id: req.id, report: validatePath(req.path, profile) });
});
