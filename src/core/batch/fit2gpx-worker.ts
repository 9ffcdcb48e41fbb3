/** Worker-thread entry for fit2gpx's batch (fit2gpx-batch.ts): converts the jobs it is sent, one at a time. */
import { parentPort } from 'node:worker_threads';
import { FitkitError } from '../errors.js';
import { loadProfile, profileFiles } from '../platform/profile-loader.js';
import { convertJob, jobError, type Job } from './fit2gpx-job.js';

if (parentPort) {
  const port = parentPort;
  port.on('message', (job: Job) => {
    Promise.resolve()
      .then(() => convertJob(job, loadProfile(profileFiles(job.profileExtra))))
      .then(
        (r) => port.postMessage(r),
        (e: Error) => {
          const err = e instanceof FitkitError ? e : new FitkitError('internal_error', e.message, { file: job.input });
          err.file ??= job.input;
          port.postMessage({ input: job.input, messages: [], error: jobError(err) });
        },
      );
  });
}
