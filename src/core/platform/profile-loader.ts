/**
 * The one place a profile for reading FIT is built: commands, their worker threads and the
 * validate pool all come here, so a user's additions apply the same everywhere. The standard
 * profile, then the user's config-dir file when it exists, then each --profile-extra, in order.
 */
import { existsSync } from 'node:fs';
import { Profile, standardProfile } from '../fit/profile/profile.js';
import { profileExtraPath } from './xdg.js';

/** The addition files a command applies: the user's config-dir file when present, then `extra`. */
export function profileFiles(extra: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): string[] {
  const user = profileExtraPath(env);
  return [...(existsSync(user) ? [user] : []), ...extra];
}

const built = new Map<string, Profile>();

/**
 * The standard profile plus these files' additions, in order; built once per list in a process
 * (a worker converting many files reads its additions once). A bad file throws `bad_profile_extra`.
 */
export function loadProfile(files: readonly string[]): Profile {
  if (files.length === 0) return standardProfile();
  const key = files.join('\0');
  let profile = built.get(key);
  if (!profile) {
    profile = Profile.standard();
    for (const f of files) profile.extendFromFile(f);
    built.set(key, profile);
  }
  return profile;
}
