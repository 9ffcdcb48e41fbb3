// Pre-links what bin/run.js needs before any command (the stdout guard, the stored help, the
// plain-run path with its bundle loader) into one CommonJS file, dist/cli/start.cjs. bin/run.js is
// CommonJS (bin/package.json) and requires it: a plain run then never starts Node's ES module
// loader, which cost ~10 ms of every start (bench/README.md). Reads tsc's output, so it runs after tsc.
import { build } from 'esbuild';

await build({
  stdin: {
    contents: ["export { guardStdout } from './stdout-guard.js';", "export { prerenderedHelp } from './prerendered-help.js';", "export { runLite } from './lite-run.js';"].join('\n'),
    resolveDir: 'dist/cli',
    sourcefile: 'start-entry.js',
    loader: 'js',
  },
  outfile: 'dist/cli/start.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minifySyntax: true,
  logLevel: 'warning',
});
