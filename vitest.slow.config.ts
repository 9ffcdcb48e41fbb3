import { defineConfig } from 'vitest/config';
import { options, SLOW } from './vitest.config.js';

/**
 * `npm run test:slow`: the slow end-to-end tests that `npm test` leaves out (CI runs both). Each
 * goes over the whole corpus or kills and restarts runs many times: a guard of 15 minutes rather
 * than two, so a busy machine does not fail what a quiet one passes.
 */
export default defineConfig({ test: { ...options, testTimeout: 900_000, hookTimeout: 900_000, include: [SLOW] } });
