/**
 * `fitkit <command> --help` without loading oclif: the build (scripts/prerender-help.mjs) stores
 * what oclif prints for each command when standard output is not a terminal (80 columns, no
 * colour). Anything that would change oclif's output (a terminal, FORCE_COLOR, OCLIF_COLUMNS)
 * or any other argument leaves the answer to oclif.
 */
import { readFileSync } from 'node:fs';

const HELP_FLAGS = new Set(['--help', '-h']);

/** The stored help for these arguments, or undefined when oclif must answer. */
export function prerenderedHelp(args: readonly string[], helpDir: URL, env: NodeJS.ProcessEnv = process.env, stdoutIsTTY = process.stdout.isTTY === true): string | undefined {
  if (args.length !== 2 || !HELP_FLAGS.has(args[1]!) || !/^[a-z][a-z0-9-]*$/.test(args[0]!)) return undefined;
  if (stdoutIsTTY || env.FORCE_COLOR !== undefined || env.OCLIF_COLUMNS !== undefined) return undefined;
  try {
    return readFileSync(new URL(`${args[0]}.txt`, helpDir), 'utf8');
  } catch {
    return undefined; // not a command (oclif says so), or a build without the texts
  }
}
