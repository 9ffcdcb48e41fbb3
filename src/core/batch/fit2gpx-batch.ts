/**
 * `fit2gpx -d`: many conversions, spread over worker threads (platform/worker-pool.ts), results
 * in input order. With one thread, or without the compiled worker script, they run inline.
 */
import { dirname } from 'node:path';
import type { Profile } from '../fit/profile/profile.js';
import { sweepTempsIn } from '../platform/temp-registry.js';
import { WorkerPool } from '../platform/worker-pool.js';
import { convertJob, jobError, type Job, type JobResult } from './fit2gpx-job.js';
import { FitkitError } from '../errors.js';

const WORKER_URL = new URL('./fit2gpx-worker.js', import.meta.url);

export interface Fit2gpxBatchOptions {
  threads: number;
  /** The profile for inline conversions. */
  profile: () => Profile;
  onDone?: (job: Job) => void;
}

export async function convertMany(jobs: readonly Job[], o: Fit2gpxBatchOptions): Promise<JobResult[]> {
  const results: JobResult[] = new Array(jobs.length);
  const threads = Math.min(o.threads, jobs.length);
  const pool = new WorkerPool<Job, JobResult>(WORKER_URL, { threads: threads > 1 ? threads : 0 });
  try {
    if (pool.threads === 0) {
      const profile = o.profile();
      for (const [i, job] of jobs.entries()) {
        results[i] = await convertJob(job, profile);
        o.onDone?.(job);
      }
      return results;
    }
    // A signal may overtake a worker's note of its temporary file: sweep where they write.
    for (const j of jobs) if (j.output && j.output !== '-') sweepTempsIn(dirname(j.output));
    await Promise.all(
      jobs.map((job, i) =>
        pool.run(job).then(
          (r) => {
            results[i] = r;
            o.onDone?.(job);
          },
          (e: Error) => {
            results[i] = { input: job.input, output: job.output, messages: [], error: jobError(new FitkitError('worker_failed', `conversion crashed: ${e.message}`, { file: job.input })) };
            o.onDone?.(job);
          },
        ),
      ),
    );
    return results;
  } finally {
    await pool.close();
  }
}
