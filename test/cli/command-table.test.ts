/**
 * The CLI's command table: oclif.manifest.json (written by the build) is what bin/run.js looks a
 * command up in, importing that one command's module and nothing else. Every command in
 * src/commands has its entry, every entry resolves to a command class built on the CLI's one
 * bundled copy of oclif (dist/cli/oclif.js), and its flags are the class's own.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

interface ManifestCommand {
  id: string;
  relativePath: string[];
  flags: Record<string, unknown>;
  args: Record<string, unknown>;
}

describe('command table (oclif.manifest.json)', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, ManifestCommand> };
  const folder = readdirSync(join(root, 'src/commands'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();

  it('has exactly the commands of src/commands', () => {
    expect(Object.keys(manifest.commands).sort()).toEqual(folder);
  });

  it('each entry resolves to its built module, a command class on the bundled oclif, with the same flags and args', async () => {
    const oclif = (await import(pathToFileURL(join(root, 'dist/cli/oclif.js')).href)) as typeof import('@oclif/core');
    for (const id of folder) {
      const entry = manifest.commands[id];
      expect(entry.relativePath).toEqual(['dist', 'commands', `${id}.js`]);
      const path = join(root, ...entry.relativePath);
      expect(existsSync(path), path).toBe(true);
      const cls = ((await import(pathToFileURL(path).href)) as { default: typeof import('@oclif/core').Command }).default;
      expect(cls.prototype, id).toBeInstanceOf(oclif.Command);
      expect(Object.keys({ ...cls.baseFlags, ...cls.flags }).sort(), id).toEqual(Object.keys(entry.flags).sort());
      expect(Object.keys(cls.args ?? {}).sort(), id).toEqual(Object.keys(entry.args).sort());
    }
  });

  it('package.json points oclif at the built commands folder the manifest lists', () => {
    const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { oclif: { commands: string } };
    expect(pjson.oclif.commands).toBe('./dist/commands');
  });
});
