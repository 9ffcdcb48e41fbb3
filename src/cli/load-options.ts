/**
 * What bin/run.js has oclif load. Running one of fitkit's commands (`fitkit dump ride.fit`) needs
 * only fitkit's own command table: oclif's plugins (the `help` and `autocomplete` commands) are
 * left out, saving the reading of their packages and manifests on every run. Anything else (help,
 * a bare `fitkit`, a misspelt command, `fitkit autocomplete`) loads the whole CLI.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Interfaces } from './oclif.js';

/** `root`: the package folder (the one holding package.json and dist/). */
export function loadOptions(args: readonly string[], root: URL): string | Interfaces.LoadOptions {
  const id = args[0];
  const plain = id !== undefined && /^[a-z][a-z0-9-]*$/.test(id) && !args.includes('--help') && !args.includes('-h');
  if (!plain || !existsSync(new URL(`dist/commands/${id}.js`, root))) return fileURLToPath(root);
  const pjson = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as Interfaces.PJSON;
  return { root: fileURLToPath(root), pjson: { ...pjson, oclif: { ...pjson.oclif, plugins: [] } } };
}
