/**
 * What bin/run.js has oclif load. Running one of fitkit's commands (`fitkit dump ride.fit`) needs
 * only that command: oclif's plugins (the `help` and `autocomplete` commands) are left out, saving
 * the reading of their packages and manifests, and the command comes from its bundle
 * (dist/bundle/ID.js, scripts/bundle-commands.mjs: one file instead of ~50 modules) through
 * oclif's "explicit" command discovery. Anything else (help, a bare `fitkit`, a misspelt command,
 * `fitkit autocomplete`) loads the whole CLI.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Interfaces } from './oclif.js';

/** `root`: the package folder (the one holding package.json and dist/). */
export function loadOptions(args: readonly string[], root: URL): string | Interfaces.LoadOptions {
  const id = args[0];
  if (!isPlainRun(args) || !existsSync(new URL(`dist/commands/${id}.js`, root))) return fileURLToPath(root);
  const pjson = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as Interfaces.PJSON;
  const oclif: Interfaces.PJSON['oclif'] = { ...pjson.oclif, plugins: [] };
  if (bundleIsCurrent(id, root, 'bundle')) oclif.commands = { strategy: 'explicit', target: `./dist/bundle/${id}.js`, identifier: 'COMMANDS' };
  return { root: fileURLToPath(root), pjson: { ...pjson, oclif } };
}

/** `fitkit ID ...` naming a command by its id, without asking for help. */
export function isPlainRun(args: readonly string[]): args is [string, ...string[]] {
  const id = args[0];
  return id !== undefined && /^[a-z][a-z0-9-]*$/.test(id) && !args.includes('--help') && !args.includes('-h');
}

/**
 * Whether the bundle (dist/bundle/ID.js, or the plain-run dist/lite/ID.cjs) is there and not older
 * than its command's tsc output. An older one was
 * left by an earlier `npm run build` (tsc alone does not bundle): the modules are run then, never
 * stale code.
 */
export function bundleIsCurrent(id: string, root: URL, folder: 'bundle' | 'lite'): boolean {
  const bundle = statSync(new URL(`dist/${folder}/${id}.${folder === 'lite' ? 'cjs' : 'js'}`, root), { throwIfNoEntry: false });
  const command = statSync(new URL(`dist/commands/${id}.js`, root), { throwIfNoEntry: false });
  return bundle !== undefined && command !== undefined && bundle.mtimeMs >= command.mtimeMs;
}
