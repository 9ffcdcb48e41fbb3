// Saves V8's code cache beside the CommonJS bundles (src/cli/bundle-loader.ts explains).
import { makeCodeCache } from '../dist/cli/bundle-loader.js';

makeCodeCache(new URL('../dist/cli/oclif-core.cjs', import.meta.url));
