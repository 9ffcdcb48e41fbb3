#!/usr/bin/env node
// `fitkit --version` answers without loading the CLI framework: scripts and service managers
// call it often, and it should cost no more than starting Node. So does `fitkit <command> --help`
// printed to a pipe or file (texts rendered by oclif at build time, see src/cli/prerendered-help.ts).
// A plain `fitkit <command> ...` runs without oclif too (src/cli/lite-run.ts); oclif takes the rest.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v' || args[0] === 'version')) {
  const { readFileSync } = await import('node:fs');
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`fitkit/${version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else {
  const { guardStdout } = await import('../dist/cli/stdout-guard.js');
  guardStdout();
  const { prerenderedHelp } = await import('../dist/cli/prerendered-help.js');
  const help = prerenderedHelp(args, new URL('../dist/help/', import.meta.url));
  const root = new URL('../', import.meta.url);
  if (help !== undefined) process.stdout.write(help);
  else {
    const { runLite } = await import('../dist/cli/lite-run.js');
    if (!(await runLite(args, root))) {
      const { execute } = await import('../dist/cli/oclif.js');
      const { loadOptions } = await import('../dist/cli/load-options.js');
      await execute({ loadOptions: loadOptions(args, root) });
    }
  }
}
