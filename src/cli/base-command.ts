/**
 * What every fitkit command shares: the profile (with `--profile-extra` and the user's
 * config-dir additions), and errors turned into one line and an exit code (1 bad input, 2 usage).
 */
import { existsSync } from 'node:fs';
import { Command, Flags } from '@oclif/core';
import { FitkitError } from '../core/errors.js';
import { Profile } from '../core/fit/profile/profile.js';
import { fromSystemError } from '../core/platform/system-error.js';
import { profileExtraPath } from '../core/platform/xdg.js';

export abstract class BaseCommand extends Command {
  static override baseFlags = {
    'profile-extra': Flags.string({
      description: 'JSON file of extra messages, fields and types (also read: $XDG_CONFIG_HOME/fitkit/profile-extra.json)',
      helpGroup: 'GLOBAL',
      multiple: true,
    }),
  };

  /** The standard profile plus the user's additions, in that order. */
  protected loadProfile(extra: string[] = []): Profile {
    const profile = Profile.standard();
    const user = profileExtraPath();
    if (existsSync(user)) profile.extendFromFile(user);
    for (const f of extra) profile.extendFromFile(f);
    return profile;
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    // A file error no command turned into its own line still gets one (the path Node names).
    err = fromSystemError(err) as typeof err;
    if (err instanceof FitkitError) {
      // One line naming the file and byte offset; no stack trace for bad input.
      this.logToStderr(`fitkit: ${err.oneLine()}`);
      process.exitCode = err.exitCode;
      this.exit(err.exitCode);
    }
    return super.catch(err);
  }
}
