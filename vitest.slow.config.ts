import { defineConfig } from 'vitest/config';
import { options, SLOW } from './vitest.config.js';

/** `npm run test:slow`: the slow end-to-end tests that `npm test` leaves out (CI runs both). */
export default defineConfig({ test: { ...options, include: [SLOW] } });
