/** Worker-thread entry for ValidatePool: validates the files it is sent, replying file by file. */
import { parentPort, workerData } from 'node:worker_threads';
import { Profile } from '../fit/profile/profile.js';
import { validatePath } from './validate-path.js';

/** Files `paths`, numbered `ids`; one reply per file, in order. */
export interface ValidateRequest {
  ids: number[];
  paths: string[];
}

export interface ValidateWorkerData {
  /** Profile additions, applied in order (the user's config file first). */
  extras: string[];
}

const profile = Profile.standard();
for (const f of (workerData as ValidateWorkerData | undefined)?.extras ?? []) profile.extendFromFile(f);

parentPort?.on('message', (req: ValidateRequest) => {
  req.paths.forEach((path, k) => parentPort!.postMessage({ id: req.ids[k], report: validatePath(path, profile) }));
});
