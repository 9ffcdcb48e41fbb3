// Writes oclif.manifest.json after a build, so the CLI starts without importing every command to
// learn its flags. Generated, never committed (see .gitignore).
import { writeFileSync } from 'node:fs';
import { Config } from '@oclif/core';

const config = await Config.load({ root: process.cwd() });
const plugin = config.plugins.get(config.pjson.name);
writeFileSync('oclif.manifest.json', JSON.stringify(plugin.manifest, null, 2) + '\n');
