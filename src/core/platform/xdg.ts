/** XDG base directories (XDG Base Directory Specification), for fitkit's config files. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'fitkit');
}

/** Where users put reverse-engineered profile additions that every command loads. */
export function profileExtraPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'profile-extra.json');
}

/** The athlete's body data for commands that write a user_profile (tcx2fit). */
export function userProfilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'user.json');
}

/** Files fitkit can always make again (the FIT profile extract). */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'fitkit');
}
