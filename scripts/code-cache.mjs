// Saves V8's code cache beside the CommonJS bundles (src/cli/bundle-loader.ts explains).
import { readdirSync } from 'node:fs';
import { makeCodeCache } from '../dist/cli/bundle-loader.js';

makeCodeCache(new URL('../dist/cli/oclif-core.cjs', import.meta.url));
// Each plain-run bundle's top level runs here once, and each adds its own exit and signal
// handlers (the temp-file registry): 18 of them in one process are expected. It also loads the
// profile extract, so scripts/sdk-profile-json.mjs runs first.
process.setMaxListeners(0);
const lite = new URL('../dist/lite/', import.meta.url);
for (const f of readdirSync(lite).filter((f) => f.endsWith('.cjs'))) makeCodeCache(new URL(f, lite));
