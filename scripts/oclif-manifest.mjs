// Writes oclif.manifest.json after each build, so the CLI starts without importing every command
// to learn its flags (half its start-up time and 15 MB). Generated, never committed (.gitignore).
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { Config } from '@oclif/core';

// A manifest left from an earlier build would be read back instead of the commands.
rmSync('oclif.manifest.json', { force: true });
const config = await Config.load({ root: process.cwd() });
const plugin = config.plugins.get(config.pjson.name);
writeFileSync('oclif.manifest.json.tmp', JSON.stringify(plugin.manifest, null, 2) + '\n');
renameSync('oclif.manifest.json.tmp', 'oclif.manifest.json');
