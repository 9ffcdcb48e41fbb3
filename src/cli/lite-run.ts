/**
 * The plain-run path of bin/run.js: `fitkit ID ARGS...` run from dist/lite/ID.cjs (the command
 * linked against src/cli/lite-oclif.ts, loaded with its code cache), without loading oclif. Returns false, having run nothing,
 * when oclif must take the command line: help, a bare or unknown command, `--`, a line lite-parse
 * declines, oclif's own environment switches (FITKIT_CONTENT_TYPE, DEBUG), or no current bundle.
 * FITKIT_OCLIF=1 sends every run to oclif (to compare the two paths, or to rule this one out).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './bundle-loader.js';
import { bundleIsCurrent, isPlainRun } from './load-options.js';
import type { runCommand } from './lite-oclif.js';

interface LiteBundle {
  COMMANDS: Record<string, Parameters<typeof runCommand>[0]>;
  runCommand: typeof runCommand;
}

/** `root`: the package folder (the one holding package.json and dist/). */
export async function runLite(args: readonly string[], root: URL, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const id = args[0];
  if (env.FITKIT_OCLIF === '1' || !isPlainRun(args) || args.includes('--') || env.FITKIT_CONTENT_TYPE !== undefined || env.DEBUG) return false;
  if (!bundleIsCurrent(id, root, 'lite')) return false;
  const bundle = loadBundle(new URL(`dist/lite/${id}.cjs`, root)) as unknown as LiteBundle;
  let version: string | undefined;
  const config = {
    bin: 'fitkit',
    root: fileURLToPath(root),
    get version(): string {
      return (version ??= (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string }).version);
    },
  };
  return bundle.runCommand(bundle.COMMANDS[id], id, args.slice(1), config);
}
