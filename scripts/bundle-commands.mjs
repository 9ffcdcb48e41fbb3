// Writes two pre-linked files for every command: the command and every fitkit module and package it
// imports, linked by esbuild into one ES module exporting `COMMANDS = { ID: Command }`. Node's
// module loader over ~50 small modules was a third of a command's start-up (bench/README.md).
// - dist/lite/ID.cjs links the command against src/cli/lite-oclif.ts instead of oclif, and also
//   exports its runCommand: a plain `fitkit ID ...` runs from it (src/cli/lite-run.ts), through
//   src/cli/bundle-loader.ts with its code cache (scripts/code-cache.mjs);
// - dist/bundle/ID.js links it against oclif, for oclif's "explicit" command discovery: the runs
//   oclif takes (src/cli/load-options.ts).
// Reads tsc's output, so it runs after tsc. Also writes ID.inputs.json (the dist files each bundle
// holds) so a test can tell a stale bundle.
//
// Left out of the bundles, loaded as modules when reached:
// - oclif: every dist/bundle file imports the one pre-linked copy at dist/cli/oclif.js (one copy of
//   its classes per process, see src/cli/oclif.ts);
// - packages imported only on some paths, or native: usb, yauzl, cli-progress, @garmin/fitsdk.
// Worker scripts stay separate modules; `import.meta.url` in a bundled module is rewritten to that
// module's own dist URL, so the files it finds beside itself (workers, the profile extract) are found.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { serveDynamicImports } from './bundle-imports.mjs';

const OCLIF_DOOR = resolve('dist/cli/oclif.js');
const LITE = resolve('dist/cli/lite-oclif.js');

const ids = readdirSync('dist/commands')
  .filter((f) => f.endsWith('.js'))
  .map((f) => f.slice(0, -3));

/** oclif, wherever it is asked for (the door module or the package): `to` says what it becomes. */
const oclifAs = (to) => ({
  name: 'oclif-door',
  setup(b) {
    b.onResolve({ filter: /^@oclif\/core$/ }, () => to);
    b.onResolve({ filter: /(^|\/)oclif\.js$/ }, (args) => (resolve(args.resolveDir, args.path) === OCLIF_DOOR ? to : undefined));
  },
});

/** `import.meta.url` of a bundled module: its own URL in dist/, as if it were loaded alone (`base`: the bundle's URL). */
const ownUrl = (OUT, base) => ({
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\/dist\/.*\.js$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      if (!src.includes('import.meta.url')) return undefined;
      const rel = relative(resolve(OUT), args.path);
      return { contents: src.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, ${base}).href`), loader: 'js' };
    });
  },
});

const variants = [
  {
    OUT: 'dist/bundle',
    ext: 'js',
    format: 'esm',
    oclif: { path: '../cli/oclif.js', external: true },
    exports: '',
    base: 'import.meta.url',
    // CommonJS packages inside (cli-table3, ...) may call require: give them Node's.
    banner: "import { createRequire as __fitkitCreateRequire } from 'node:module';\nconst require = __fitkitCreateRequire(import.meta.url);",
  },
  {
    // CommonJS, for src/cli/bundle-loader.ts and its code cache (Node 20 caches no ES module's code).
    OUT: 'dist/lite',
    ext: 'cjs',
    format: 'cjs',
    oclif: { path: LITE },
    exports: "export { runCommand } from '../cli/lite-oclif.js';\n",
    base: '__fitkitUrl',
    banner: "const __fitkitUrl = require('node:url').pathToFileURL(__filename).href;",
  },
];
for (const { OUT } of variants) {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
}
const jobs = variants.flatMap((v) => ids.map((id) => [v, id]));
await Promise.all(
  jobs.map(async ([{ OUT, ext, format, oclif, exports, base, banner }, id]) => {
    const outfile = `${OUT}/${id}.${ext}`;
    const r = await build({
      stdin: {
        contents: `import C from '../commands/${id}.js';\n${exports}export const COMMANDS = { ${JSON.stringify(id)}: C };\n`,
        resolveDir: resolve(OUT),
        sourcefile: `${id}-entry.js`,
        loader: 'js',
      },
      outfile,
      bundle: true,
      platform: 'node',
      format,
      target: 'node20',
      minifySyntax: true,
      minifyWhitespace: process.env.FITKIT_BUNDLE_READABLE !== '1',
      external: ['usb', 'yauzl', 'cli-progress', '@garmin/fitsdk'],
      plugins: [oclifAs(oclif), ownUrl(OUT, base)],
      banner: { js: banner },
      metafile: true,
      logLevel: 'warning',
    });
    if (format === 'cjs') serveDynamicImports(outfile);
    const inputs = Object.keys(r.metafile.inputs)
      .filter((f) => f.startsWith('dist/') && !f.startsWith(OUT))
      .sort();
    writeFileSync(`${OUT}/${id}.inputs.json`, JSON.stringify(inputs) + '\n');
  }),
);
