// Replaces dist/cli/oclif.js (tsc's re-export of `@oclif/core`) with one ES module holding oclif and
// its dependencies, pre-linked by esbuild. Node then reads and links one file instead of ~160
// CommonJS modules: that lookup and loading was most of the CLI's start-up (see bench/README.md).
// The bundled CommonJS code asks for `require` (dynamic plugin loading) and `__dirname` (oclif
// reads its own package.json from there): the banner gives both, the latter at oclif's real home.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  // From the source, so running this twice bundles the same thing.
  stdin: { contents: readFileSync('src/cli/oclif.ts', 'utf8'), loader: 'ts', resolveDir: 'src/cli', sourcefile: 'src/cli/oclif.ts' },
  outfile: 'dist/cli/oclif.js',
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minifySyntax: true,
  minifyWhitespace: process.env.FITKIT_BUNDLE_READABLE !== '1',
  // Only reached by oclif's TypeScript development mode, which an installed CLI never uses.
  external: ['typescript', 'ts-node', 'tsx'],
  // oclif checks the running Node against its own `engines` on every start, loading semver for
  // it; fitkit declares its own engines (npm checks them at install).
  define: { 'process.env.OCLIF_DISABLE_ENGINE_WARNING': '"1"' },
  banner: {
    js: [
      "import { createRequire as __fitkitCreateRequire } from 'node:module';",
      "import { dirname as __fitkitDirname } from 'node:path';",
      'const require = __fitkitCreateRequire(import.meta.url);',
      "const __dirname = __fitkitDirname(require.resolve('@oclif/core'));",
      "const __filename = require.resolve('@oclif/core');",
    ].join('\n'),
  },
  logLevel: 'warning',
});
