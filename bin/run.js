#!/usr/bin/env node
// CommonJS (bin/package.json): a plain run never starts Node's ES module loader.
// `fitkit --version` answers without loading the CLI framework: scripts and service managers
// call it often, and it should cost no more than starting Node. So does `fitkit <command> --help`
// printed to a pipe or file (texts rendered by oclif at build time, see src/cli/prerendered-help.ts),
// and a plain `fitkit <command> ...` (src/cli/lite-run.ts). oclif takes the rest.
'use strict';
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const args = process.argv.slice(2);
const root = pathToFileURL(join(__dirname, '..') + '/');

/**
 * The start-up modules, pre-linked (dist/cli/start.cjs, scripts/bundle-start.mjs), or tsc's own
 * when that file is missing or older than them (a `tsc`-only build): never stale code.
 */
async function startModules() {
  const cli = join(__dirname, '../dist/cli');
  const time = (f) => statSync(join(cli, f), { throwIfNoEntry: false })?.mtimeMs ?? Infinity;
  if (time('start.cjs') !== Infinity && ['stdout-guard.js', 'prerendered-help.js', 'lite-run.js', 'load-options.js', 'bundle-loader.js'].every((f) => time(f) <= time('start.cjs'))) {
    return require('../dist/cli/start.cjs');
  }
  const [guard, help, lite] = await Promise.all([import('../dist/cli/stdout-guard.js'), import('../dist/cli/prerendered-help.js'), import('../dist/cli/lite-run.js')]);
  return { ...guard, ...help, ...lite };
}

async function main() {
  const { guardStdout, prerenderedHelp, runLite } = await startModules();
  guardStdout();
  const help = prerenderedHelp(args, new URL('dist/help/', root));
  if (help !== undefined) process.stdout.write(help);
  else if (!(await runLite(args, root))) {
    const { execute } = await import('../dist/cli/oclif.js');
    const { loadOptions } = await import('../dist/cli/load-options.js');
    await execute({ loadOptions: loadOptions(args, root) });
  }
}

if (args.length === 1 && (args[0] === '--version' || args[0] === '-v' || args[0] === 'version')) {
  const { version } = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8'));
  process.stdout.write(`fitkit/${version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else {
  main().catch((e) => {
    process.exitCode = 1;
    throw e;
  });
}
