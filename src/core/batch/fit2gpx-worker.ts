/** Worker-thread entry for fit2gpx's batch (fit2gpx-batch.ts): converts the jobs it is sent, one at a time. */
import { existsSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { FitkitError } from '../errors.js';
import { Profile } from '../fit/profile/profile.js';
import { profileExtraPath } from '../platform/xdg.js';
import { convertJob, jobError, type Job } from './fit2gpx-job.js';

if (parentPort) {
  const port = parentPort;
  const profiles = new Map<string, Profile>();
  const profileFor = (extra: string[]): Profile => {
    const key = extra.join('\0');
    let profile = profiles.get(key);
    if (!profile) {
      profile = Profile.standard();
      const user = profileExtraPath();
      if (existsSync(user)) profile.extendFromFile(user);
      for (const f of extra) profile.extendFromFile(f);
      profiles.set(key, profile);
    }
    return profile;
  };
  port.on('message', (job: Job) => {
    Promise.resolve()
      .then(() => convertJob(job, profileFor(job.profileExtra)))
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
