/**
 * What every fitkit command shares: `--json`, `--[no-]color`, the profile (with `--profile-extra`
 * and the user's config-dir additions), and errors turned into one line (plus one JSON object
 * under --json) and an exit code (1 bad input, 2 usage).
 */
import { format } from 'node:util';
import { Command, Errors, Flags } from './oclif.js';
import type { Profile } from '../core/fit/profile/profile.js';
import { loadProfile, profileFiles } from '../core/platform/profile-loader.js';
import { setColour } from './colour.js';
import { asFitkitError, reportError } from './error-output.js';
import { isStdoutFailure, stdoutFailed } from './stdout-guard.js';

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    json: Flags.boolean({
      description: 'one JSON object on stdout (camelCase keys); errors too: {"error": {code, message, file, offset}}',
      helpGroup: 'GLOBAL',
    }),
    color: Flags.boolean({
      description: 'colour the output (default: on a terminal, unless NO_COLOR is set)',
      allowNo: true,
      helpGroup: 'GLOBAL',
    }),
    'profile-extra': Flags.string({
      description: 'JSON file of extra messages, fields and types; repeatable (also read: $XDG_CONFIG_HOME/fitkit/profile-extra.json)',
      helpGroup: 'GLOBAL',
      multiple: true,
      multipleNonGreedy: true,
    }),
  };

  protected override async init(): Promise<void> {
    setColour(this.argv);
    await super.init();
  }

  /** The standard profile plus the user's additions, in that order. */
  protected loadProfile(extra: string[] = []): Profile {
    return loadProfile(profileFiles(extra));
  }

  /** Messages for people go to stderr, with or without --json (stdout holds the JSON). */
  override logToStderr(message = '', ...args: unknown[]): void {
    process.stderr.write(format(message, ...args) + '\n');
  }

  /** A warning is one line like every other fitkit message (not oclif's indented block). */
  override warn(input: string | Error): string | Error {
    this.logToStderr(`fitkit: warning: ${typeof input === 'string' ? input : input.message}`);
    return input;
  }

  /** Plain JSON, never coloured: scripts read it. */
  override logJson(json: unknown): void {
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    if (isStdoutFailure(err)) stdoutFailed(err);
    const code = reportError(asFitkitError(err, this.id), this.jsonEnabled());
    process.exitCode = code;
    this.exit(code);
  }
}
