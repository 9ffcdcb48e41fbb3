// Pre-links `@oclif/core` and its dependencies with esbuild into one CommonJS file,
// dist/cli/oclif-core.cjs, and replaces dist/cli/oclif.js (tsc's re-export of the package) with a
// small ES module that loads it through src/cli/bundle-loader.ts, with V8's code cache when
// scripts/code-cache.mjs has made one. Node then reads one file instead of ~160 CommonJS modules,
// and does not compile it again on every start: together most of the CLI's start-up (bench/README.md).
// oclif reads its own package.json from `__dirname`: defined as its real home, not dist/cli.
import { readFileSync, writeFileSync } from 'node:fs';
import { serveDynamicImports } from './bundle-imports.mjs';
import { build } from 'esbuild';

const door = readFileSync('src/cli/oclif.ts', 'utf8');
const names = /export \{([^}]*)\} from '@oclif\/core'/.exec(door)[1].trim();

await build({
  // From the source, so running this twice bundles the same thing.
  stdin: { contents: door, loader: 'ts', resolveDir: 'src/cli', sourcefile: 'src/cli/oclif.ts' },
  outfile: 'dist/cli/oclif-core.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minifySyntax: true,
  minifyWhitespace: process.env.FITKIT_BUNDLE_READABLE !== '1',
  // Only reached by oclif's TypeScript development mode, which an installed CLI never uses.
  external: ['typescript', 'ts-node', 'tsx'],
  define: {
    // oclif checks the running Node against its own `engines` on every start, loading semver for
    // it; fitkit declares its own engines (npm checks them at install).
    'process.env.OCLIF_DISABLE_ENGINE_WARNING': '"1"',
    __dirname: '__oclifDirname',
  },
  banner: { js: "const __oclifDirname = require('node:path').dirname(require.resolve('@oclif/core'));" },
  logLevel: 'warning',
});
serveDynamicImports('dist/cli/oclif-core.cjs');

writeFileSync(
  'dist/cli/oclif.js',
  [
    '// Written by scripts/bundle-oclif.mjs: @oclif/core from one pre-linked file (see src/cli/oclif.ts).',
    "import { loadBundle } from './bundle-loader.js';",
    "const oclif = loadBundle(new URL('./oclif-core.cjs', import.meta.url));",
    `export const { ${names} } = oclif;`,
    '',
  ].join('\n'),
);
