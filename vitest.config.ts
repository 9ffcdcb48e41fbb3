import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * `npm test`: every test but the slow end-to-end ones (`*.slow.test.ts`: big generated files, long
 * simulated sessions), which `npm run test:slow` runs (vitest.slow.config.ts) and CI runs too.
 * Vitest's default of one worker per core less one leaves a 2-core machine running test files one
 * at a time while most of them wait on child processes, so use every core.
 */
export const SLOW = 'test/**/*.slow.test.ts';

export const options = {
  testTimeout: 120_000,
  hookTimeout: 120_000,
  pool: 'forks',
  maxWorkers: Math.max(2, availableParallelism()),
  // The CLI's bundled oclif (scripts/bundle-oclif.mjs) loads command files with its own import();
  // run natively, as in `bin/run.js`, so they share its classes with test/helpers/run-cli.ts.
  server: { deps: { external: [/\/dist\/cli\/oclif\.js$/] as RegExp[] } },
} as const;

export default defineConfig({
  test: { ...options, include: ['test/**/*.test.ts'], exclude: [SLOW, '**/node_modules/**'] },
});
